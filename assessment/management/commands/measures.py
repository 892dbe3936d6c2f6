import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from assessment.measures import measures_by_rule
from assessment.standard_files import StandardFileError, read_standard_file

DEFAULT_STANDARD = Path(__file__).resolve().parents[2] / "standards" / "shanghai.yaml"


class Command(BaseCommand):
    help = "按标准文件中各规则项指定的计算项（measure），从执法记录计算某机构某年度的数值，输出 JSON。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="机构代码，如 changning")
        parser.add_argument("--year", required=True, type=int, help="年度，如 2023")
        parser.add_argument("--standard", type=Path, default=DEFAULT_STANDARD, help="标准文件（默认上海示意标准）")

    def handle(self, *args, org: str, year: int, standard: Path, **options):
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"没有代码为“{org}”的机构。")
        if not 1990 <= year <= 2100:
            raise CommandError(f"年度“{year}”不在1990—2100之间。")
        try:
            spec = read_standard_file(standard)
        except StandardFileError as exc:
            raise CommandError(str(exc)) from exc
        result = measures_by_rule(organization=organization, year=year, spec=spec)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
