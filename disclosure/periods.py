"""The periods of 执法公示 as plain date arithmetic (no database)."""

from __future__ import annotations

import calendar
from datetime import date

#: a penalty decision is published within 7 working days of the decision (the decision day not counted)
DEADLINE_WORKING_DAYS = 7
#: the dashboard warns this many working days before the deadline
WARN_WORKING_DAYS = 2
#: national 信用修复 rules: published at least 3 months and at most 3 years from the decision
MIN_MONTHS = 3
MAX_YEARS = 3


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day (11-30 + 3 months = 02-28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def withdrawable_from(decided_on: date) -> date:
    return add_months(decided_on, MIN_MONTHS)


def expires_on(decided_on: date) -> date:
    """The first day the decision is no longer published."""
    return add_months(decided_on, MAX_YEARS * 12)
