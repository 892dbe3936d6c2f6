"""Who attended a training and the hours each earned, as the training form and the ledger write it:
"王强 4、李明 2.5" (a name, optionally its hours) or just "王强、李明" (each earns the training's hours)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from inspections.models import split_names

_ENTRY = re.compile(r"^(?P<name>.+?)(?:[\s:：]*(?P<hours>\d+(?:\.\d)?)\s*(?:学时|小时)?)?$")


class AttendanceError(ValueError):
    pass


def parse_attendance(text: str, *, default_hours: Decimal) -> list[tuple[str, Decimal]]:
    """(name, hours) per attendee in the order written; raises AttendanceError (Chinese) on a bad entry."""
    # split_names treats a space as a separator, so "王强 4" is rejoined before it is split
    text = re.sub(r"(\S)[ \u3000]+(\d)", r"\1:\2", text or "")
    entries: list[tuple[str, Decimal]] = []
    seen: set[str] = set()
    for part in split_names(text):
        match = _ENTRY.match(part)
        name = match.group("name").strip() if match else part
        try:
            hours = Decimal(match.group("hours")) if match and match.group("hours") else default_hours
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise AttendanceError(f"“{part}”的学时不是数字。") from None
        if hours > default_hours:
            raise AttendanceError(f"“{name}”的学时{hours}超过本次培训的学时{default_hours}。")
        if name in seen:
            raise AttendanceError(f"“{name}”重复列出。")
        seen.add(name)
        entries.append((name, hours))
    return entries


def attendance_text(entries: list[tuple[str, Decimal]], *, default_hours: Decimal) -> str:
    """The inverse of parse_attendance: hours written only where they differ from the training's."""
    return "、".join(name if hours == default_hours else f"{name} {hours.normalize():f}" for name, hours in entries)


def unique_names(officers) -> dict[str, int]:
    """Officer pk by name, for names that belong to exactly one officer of the roster."""
    by_name: dict[str, list[int]] = {}
    for pk, name in officers:
        by_name.setdefault(name, []).append(pk)
    return {name: ids[0] for name, ids in by_name.items() if len(ids) == 1}
