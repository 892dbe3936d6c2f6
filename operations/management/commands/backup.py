from pathlib import Path

from django.core.management.base import BaseCommand

from operations.backup import create_backup


class Command(BaseCommand):
    help = "把整个系统（数据库中的全部数据和上传的佐证材料）备份为一个 .tar.gz 文件。"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args, out: Path, **options):
        counts = create_backup(out)
        self.stdout.write(self.style.SUCCESS(f"已备份 {sum(counts.values())} 条记录（{len(counts)} 类）到 {out}"))
