"""Record the automatic withdrawal of penalty decisions past their 3-year maximum (run daily, e.g. from cron).
The public site already hides them from the day they expire; this writes the withdrawal and its audit event."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from disclosure import services


class Command(BaseCommand):
    help = "撤下公示期已满三年的行政处罚决定（记录撤下和审计事件；公示网站在到期当天已不再显示）。"

    def handle(self, *args, **options):
        count = services.withdraw_expired()
        self.stdout.write(f"撤下 {count} 件公示期满的行政处罚决定。")
