from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import roles
from assessment import services
from assessment.imports import read_score_workbook
from assessment.management.commands._assessment_arg import assessment_for
from assessment.selectors import scoring_sheet


class Command(BaseCommand):
    help = "导入评分表（.xlsx），更新得分和自评说明；有任何错误时不导入任何内容。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="机构代码，如 changning")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--user", help="记为评分人的用户名（默认：该机构第一个填报人）")

    def handle(self, *args, file: Path, org: str, year: int, user: str | None, **options):
        assessment = assessment_for(org, year)
        scorers = assessment.organization.users.filter(groups__name=roles.SCORER, is_active=True)
        scorer = (scorers.filter(username=user) if user else scorers.order_by("pk")).first()
        if scorer is None:
            raise CommandError(f"机构“{org}”没有可用的填报人账号{f'“{user}”' if user else ''}。")
        sheet = scoring_sheet(assessment)
        try:
            rows = read_score_workbook(
                file.read_bytes(),
                assessment=assessment,
                maxima={r.indicator.code: r.indicator.max_score for b in sheet.systems for r in b.rows},
                system_names={b.system.name for b in sheet.systems},
                max_bytes=settings.WORKBOOK_MAX_BYTES,
            )
            changed = services.import_scores(assessment=assessment, user=scorer, rows=rows)
        except services.ScoreImportError as exc:
            raise CommandError("评分表有错误，未导入任何内容：\n" + "\n".join(exc.errors)) from exc
        except (services.AssessmentError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入{assessment}评分表，更新了{changed}个指标。"))
