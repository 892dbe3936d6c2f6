from decimal import Decimal

from django.core.exceptions import ValidationError


def validate_half_step(value: Decimal) -> None:
    if value is not None and (value * 2) % 1 != 0:
        raise ValidationError("分值须为0.5的整数倍。", code="half_step")


def validate_tenth_step(value: Decimal) -> None:
    if value is not None and (value * 10) % 1 != 0:
        raise ValidationError("分值最多保留一位小数。", code="tenth_step")
