"""Text rules shared by every form, reader and message.

One rule for invisible characters, wherever people type or upload text (record, scoring and report forms,
ledger cells, the 评分表): Unicode control (Cc) and format (Cf) characters are refused, except tab, line feed
and carriage return. Control characters cannot be written to an .xlsx (one stored U+0007 made every later
export of its ledger fail); format characters (zero-width space U+200B, direction override U+202E, BOM
U+FEFF) make two different codes look the same. Forms refuse what the ledger import refuses, so a record
typed in can always be exported and imported back.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError

ALLOWED_CONTROLS = "\t\n\r"
CLIP = 30


def invisible_characters(text: str) -> list[str]:
    """The refused characters in ``text``, as sorted code points ("U+200B")."""
    return sorted(
        {f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cf") and c not in ALLOWED_CONTROLS}
    )


def refuse_invisible_characters(value: str) -> None:
    """Form-field validator for the rule above."""
    hidden = invisible_characters(value or "")
    if hidden:
        raise ValidationError(
            f"内容中有不可见的控制字符（{'、'.join(hidden)}），请删除后重新填写。", code="control_character"
        )


def add_to_text_fields(form, *more) -> None:
    """Every free-text field of the form refuses invisible characters, and whatever the validators ``more`` refuse."""
    from django import forms

    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators.extend(v for v in (refuse_invisible_characters, *more) if v not in field.validators)


def clipped(value: object) -> str:
    """A value quoted in a message: a date as 2023-03-05, and a pasted paragraph cut to 30 characters."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text if len(text) <= CLIP else text[:CLIP] + "…"
