from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment import services
from assessment.standard_files import StandardFileError, read_standard_file


class Command(BaseCommand):
    help = "从 YAML 或 JSON 文件载入评价标准；重复载入同一文件不会产生任何变化。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="标准文件（.yaml/.yml/.json）")

    def handle(self, *args, file: Path, **options):
        try:
            spec = read_standard_file(file)
            standard, outcome = services.load_standard(spec=spec)
        except (StandardFileError, services.AssessmentError) as exc:
            raise CommandError(str(exc)) from exc
        labels = {"created": "已创建", "updated": "已更新", "unchanged": "无变化"}
        self.stdout.write(self.style.SUCCESS(f"{standard}：{labels[outcome]}（{standard.get_status_display()}）"))
