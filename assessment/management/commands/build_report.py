from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.management.commands._report_arg import report_for
from assessment.reports.content import UnknownPlaceholder
from assessment.reports.pdf import ReportRenderError, build_report_pdf


class Command(BaseCommand):
    help = "生成工作报告PDF草稿（未签名）。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args, org: str, year: int, out: Path, **options):
        report = report_for(org, year)
        try:
            pdf = build_report_pdf(report)
        except (ReportRenderError, UnknownPlaceholder) as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"已生成{report}草稿：{out}（{len(pdf) // 1024} KB，未签名）"))
