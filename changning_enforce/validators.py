import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

# C0 control characters other than tab and line breaks: invisible, and an .xlsx cannot hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def refuse_control_characters(value: str) -> None:
    match = _CONTROL.search(value or "")
    if match:
        raise ValidationError(
            f"内容中有不可见的控制字符（U+{ord(match.group()):04X}），请删除后重新填写。", code="control_character"
        )


def add_to_text_fields(form, *more) -> None:
    """Every free-text field of the form refuses control characters, and whatever the validators ``more`` refuse."""
    from django import forms

    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators.extend(v for v in (refuse_control_characters, *more) if v not in field.validators)


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
