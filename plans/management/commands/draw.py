from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plans import record, selectors, services
from plans.models import MonthlyPlan


class Command(BaseCommand):
    help = (
        "为已备案的月度检查计划执行双随机抽查（与页面上的“执行双随机抽查”相同）。"
        "种子未公布时先公布 --seed；已抽查过的计划须用 --redraw-reason 说明理由重新抽查，原记录保留。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, type=int, help="月度计划编号（页面地址 /plans/monthly/编号/）")
        parser.add_argument("--seed", required=True, help="事先公布的随机种子")
        parser.add_argument("--redraw-reason", default="", help="重新抽查的理由（计划已抽查过时必填）")
        parser.add_argument("--out", type=Path, help="把抽查记录写入此文件（.json 或 .xlsx），供 verify_draw 核验")

    def handle(self, *args, plan: int, seed: str, redraw_reason: str, out: Path | None, **options):
        monthly = MonthlyPlan.objects.select_related("organization", "annual_plan").filter(pk=plan).first()
        if monthly is None:
            raise CommandError(f"没有编号为{plan}的月度计划。")
        seed = seed.strip()
        try:
            if not monthly.seed:
                monthly = services.fix_seed(user=None, plan=monthly, seed=seed)
            elif monthly.seed != seed:
                raise CommandError(
                    f"该计划已公布随机种子“{monthly.seed}”，与 --seed 给出的“{seed}”不同；种子公布后不能修改。"
                )
            current = selectors.current_draw(monthly)
            if current is not None and not redraw_reason.strip():
                raise CommandError("该计划已经抽查过；如需重新抽查，请用 --redraw-reason 说明理由，原记录将保留。")
            draw = services.run_draw(
                user=None, plan=monthly, actor_name="命令行 manage.py draw", replaces=current, reason=redraw_reason
            )
        except services.PlanError as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"{monthly.organization.short_name}{draw}：抽取{len(draw.result['tasks'])}家")
        self.stdout.write(f"随机种子：{draw.seed}")
        self.stdout.write(f"输入SHA-256：{draw.inputs_sha256}")
        self.stdout.write(f"结果SHA-256：{draw.result_sha256}")
        for n, task in enumerate(draw.result["tasks"], start=1):
            self.stdout.write(f"{n}. {task['category']} {task['source']} {task['item']} {'、'.join(task['officers'])}")
        if out is not None:
            data = record.record_of(draw)
            payload = record.to_xlsx(data) if out.suffix.lower() == ".xlsx" else record.to_json(data)
            try:
                out.write_bytes(payload)
            except OSError as exc:
                raise CommandError(f"无法写入“{out}”：{exc.strerror}") from exc
            self.stdout.write(self.style.SUCCESS(f"抽查记录已写入{out}"))
