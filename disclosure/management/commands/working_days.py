"""python manage.py working_days --from 2024-02-08 --add 7: the date N working days later (the first day not
counted), by the State Council's holiday arrangements in the calendar (执法公示 › 工作日历)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from disclosure import calendar
from disclosure.workdays import MAX_WORKING_DAYS


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--from：“{text}”不是 YYYY-MM-DD 格式的日期。") from None


class Command(BaseCommand):
    help = "打印某日期之后第 N 个工作日的日期（当天不计，按国务院办公厅放假调休安排）。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="起算日期 YYYY-MM-DD（当天不计）")
        parser.add_argument("--add", dest="n", type=int, required=True, help=f"工作日天数，0到{MAX_WORKING_DAYS}")

    def handle(self, *args, start: str, n: int, **options):
        first = _date(start)
        if not 0 <= n <= MAX_WORKING_DAYS:
            raise CommandError(f"--add：工作日天数须在0到{MAX_WORKING_DAYS}之间，收到{n}。")
        cal = calendar.load_for_count(first, n)
        result = cal.add(first, n)
        missing = cal.missing_years(first, result)
        if missing:
            years = "、".join(str(y) for y in missing)
            self.stderr.write(f"注意：工作日历中没有{years}年的放假安排，这些年份按周一至周五计算。")
        self.stdout.write(result.isoformat())
