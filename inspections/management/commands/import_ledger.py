from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inspections.ledger.rows import LedgerError
from inspections.management.commands._org import organization_for
from inspections.services import import_ledger
from inspections.services.ledger import read_ledger_for_import, summary_lines


class Command(BaseCommand):
    help = "导入执法台账（.xlsx）到指定机构；有任何错误时不导入任何内容。可重复导入同一文件。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="台账文件（.xlsx）")
        parser.add_argument("--org", required=True, help="机构代码，如 changning")

    def handle(self, *args, file: Path, org: str, **options):
        organization = organization_for(org)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件“{file}”：{exc.strerror}") from exc

        def progress(done: int) -> None:
            self.stderr.write(f"已读取{done}行…")

        try:
            ledger = read_ledger_for_import(
                organization=organization, data=data, max_bytes=settings.LEDGER_MAX_BYTES, progress=progress
            )
            summary = import_ledger(organization=organization, ledger=ledger)
        except LedgerError as exc:
            lines = [p.message for p in exc.problems]
            if exc.unlisted:
                lines.append(f"另有{exc.unlisted}处错误未列出。")
            raise CommandError(
                f"台账有{len(exc.problems) + exc.unlisted}处错误，未导入任何内容：\n" + "\n".join(lines)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"已导入{organization.short_name}执法台账“{file.name}”："))
        for line in summary_lines(summary.as_dict()):
            self.stdout.write(f"  {line}")
