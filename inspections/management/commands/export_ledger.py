from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.exports import ledger_export
from inspections.management.commands._org import organization_for


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}”不是 YYYY-MM-DD 格式的日期。") from None


class Command(BaseCommand):
    help = (
        "导出指定机构在期间内的执法台账（.xlsx）；记录按其自身日期归属期间（处罚案件按决定日期，未决定的按立案日期）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="机构代码，如 changning")
        parser.add_argument("--from", dest="start", required=True, help="起始日期 YYYY-MM-DD（含）")
        parser.add_argument("--to", dest="end", required=True, help="截止日期 YYYY-MM-DD（含）")
        parser.add_argument("--out", required=True, type=Path, help="输出文件（.xlsx）")

    def handle(self, *args, org: str, start: str, end: str, out: Path, **options):
        organization = organization_for(org)
        first, last = iso_date(start), iso_date(end)
        if first > last:
            raise CommandError("起始日期不能晚于截止日期。")
        data = ledger_export(organization=organization, start=first, end=last)
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入“{out}”：{exc.strerror}") from exc
        self.stdout.write(self.style.SUCCESS(f"已导出{organization.short_name}{first}至{last}的执法台账：{out}"))
