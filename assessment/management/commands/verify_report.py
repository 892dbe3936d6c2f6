from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.reports.verify import verify_pdf


class Command(BaseCommand):
    help = "核验一份报告PDF：是否为本系统签发、第几版、是否现行、签名是否完好可信。未通过时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc}") from exc
        result = verify_pdf(data)
        if not result.ok:
            raise CommandError("核验未通过：" + result.summary())
        self.stdout.write(self.style.SUCCESS("核验通过：" + result.summary()))
