"""Working-day arithmetic on plain values (no database): the calendar comes in as two sets of dates.

A day is a working day when the State Council's arrangement makes it one (a 调休 Saturday or Sunday), or when
it is a Monday to Friday that the arrangement does not give off. Periods "within N working days of" a date do
not count that date itself (行政处罚法 §85: 期间开始的日不计算在内).
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta

#: far enough for any period the law sets, small enough that a typo cannot keep a request busy
MAX_WORKING_DAYS = 3660


def is_working_day(day: date, *, holidays: Container[date], makeup_workdays: Container[date]) -> bool:
    if day in makeup_workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: date, n: int, *, holidays: Container[date], makeup_workdays: Container[date]) -> date:
    """The date ``n`` working days after ``start`` (``start`` itself not counted; ``n`` = 0 gives ``start``)."""
    if not 0 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"工作日天数须在0到{MAX_WORKING_DAYS}之间，收到{n}。")
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day, holidays=holidays, makeup_workdays=makeup_workdays):
            counted += 1
    return day


def working_days_between(start: date, end: date, *, holidays: Container[date], makeup_workdays: Container[date]) -> int:
    """Working days in (start, end]: how many working days ``end`` lies after ``start`` (negative when before)."""
    if end < start:
        return -working_days_between(end, start, holidays=holidays, makeup_workdays=makeup_workdays)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(days=offset), holidays=holidays, makeup_workdays=makeup_workdays)
    )
