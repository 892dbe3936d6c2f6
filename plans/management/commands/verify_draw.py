from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans import record


class Command(BaseCommand):
    help = (
        "按导出的抽查记录（.xlsx 或 .json）中的输入重新计算抽查，与记录的结果比较："
        "一致时退出码为0，不一致时退出码为1并给出第一处不同。不需要本系统的数据库内容。"
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="抽查记录文件")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取“{file}”：{exc.strerror}") from None
        try:
            loaded = record.read(data, name=file.name)
        except record.RecordError as exc:
            raise CommandError(str(exc)) from None
        difference = record.verify(loaded)
        if difference is not None:
            raise CommandError(f"核验不通过：{difference}")
        self.stdout.write(
            self.style.SUCCESS(
                f"核验通过：{loaded.get('plan', '')}第{loaded.get('number', '')}次抽查，"
                f"{len(loaded['result']['tasks'])}项任务与重新计算的结果一致（结果SHA-256 {loaded['result_sha256']}）。"
            )
        )
