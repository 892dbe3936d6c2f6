"""One end of a period a user gives, and the period itself: the same bounds on every page, export and filter."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

# Dates a user gives for a period (list filters, statistics, exports, the audit trail): a record of this product
# is dated within these years. Outside them a date is a typo, or a probe (9999-12-31 has no next day to count to).
PERIOD_FIRST = date(1990, 1, 1)
PERIOD_LAST = date(2100, 12, 31)
PERIOD_MAX_DAYS = 366 * 10


class PeriodDateField(forms.DateField):
    """A DateField for one end of a period, between PERIOD_FIRST and PERIOD_LAST."""

    def validate(self, value) -> None:
        super().validate(value)
        if value and not PERIOD_FIRST <= value <= PERIOD_LAST:
            raise ValidationError(
                f"日期应在{PERIOD_FIRST:%Y-%m-%d}至{PERIOD_LAST:%Y-%m-%d}之间。", code="date_out_of_range"
            )


def check_period(start: date | None, end: date | None, *, max_days: int = PERIOD_MAX_DAYS) -> None:
    """A period's ends in order and at most ``max_days`` apart (ten years: the statistics are built per year)."""
    if start and end and start > end:
        raise ValidationError("起始日期不能晚于截止日期。")
    if start and end and (end - start).days > max_days:
        raise ValidationError(f"期间不能超过{max_days // 366}年。")
