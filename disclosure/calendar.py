"""The working-day calendar as the database holds it, fed to the pure arithmetic of ``disclosure.workdays``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from disclosure import workdays
from disclosure.models import CalendarDay

#: 7 working days never span more than this many calendar days, even across the longest Spring Festival break
_SLACK_DAYS = 40


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    years: frozenset[int]  # the years whose arrangement is loaded

    def add(self, start: date, n: int) -> date:
        return workdays.add_working_days(start, n, holidays=self.holidays, makeup_workdays=self.makeup_workdays)

    def between(self, start: date, end: date) -> int:
        return workdays.working_days_between(start, end, holidays=self.holidays, makeup_workdays=self.makeup_workdays)

    def is_working_day(self, day: date) -> bool:
        return workdays.is_working_day(day, holidays=self.holidays, makeup_workdays=self.makeup_workdays)

    def missing_years(self, start: date, end: date) -> list[int]:
        """Years in [start, end] for which no arrangement is loaded: there every weekday counts as working."""
        return [year for year in range(start.year, end.year + 1) if year not in self.years]


def load(start: date, end: date) -> Calendar:
    """The calendar for dates from ``start`` to ``end`` plus room for the periods counted from them (two queries)."""
    rows = CalendarDay.objects.filter(
        day__gte=start - timedelta(days=_SLACK_DAYS), day__lte=end + timedelta(days=_SLACK_DAYS * 3)
    ).values_list("day", "kind")
    holidays, makeup = set(), set()
    for day, kind in rows:
        (holidays if kind == CalendarDay.Kind.HOLIDAY else makeup).add(day)
    years = {first.year for first in CalendarDay.objects.dates("day", "year")}
    return Calendar(frozenset(holidays), frozenset(makeup), frozenset(years))


def load_for_count(start: date, n: int) -> Calendar:
    """A calendar wide enough to count ``n`` working days from ``start``."""
    return load(start, start + timedelta(days=n * 2 + 30))
