from django.core.management.base import BaseCommand, CommandError

from audit.services import RETENTION_MIN_DAYS, AuditError, prune


class Command(BaseCommand):
    help = (
        f"删除早于指定天数的审计记录；天数不得少于{RETENTION_MIN_DAYS}天（六个月，《网络安全法》第二十一条）。"
        "清理本身也记入审计记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days", type=int, required=True, help=f"删除多少天以前的记录（≥{RETENTION_MIN_DAYS}）"
        )

    def handle(self, *args, older_than_days: int, **options):
        try:
            count = prune(older_than_days=older_than_days, actor_name="manage.py prune_audit")
        except AuditError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"已清理{count}条{older_than_days}天以前的审计记录。"))
