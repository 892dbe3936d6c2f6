from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.exports import score_workbook
from assessment.management.commands._assessment_arg import assessment_for
from assessment.selectors import scoring_sheet


class Command(BaseCommand):
    help = "导出某机构某年度的自评评分表（.xlsx）。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="机构代码，如 changning")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", required=True, type=Path, help="输出文件路径")

    def handle(self, *args, org: str, year: int, out: Path, **options):
        assessment = assessment_for(org, year)
        try:
            out.write_bytes(score_workbook(scoring_sheet(assessment)))
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"已导出{assessment}评分表到 {out}"))
