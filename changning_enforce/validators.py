import re

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
