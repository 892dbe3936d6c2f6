"""Which characters the report's fonts can draw. The PDF uses only the product's fonts (see pdf.py), so a
character outside them would print as an empty box in an official document: the report's forms refuse it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

FONT_DIR = Path(__file__).resolve().parent.parent / "report_assets" / "fonts"


@cache
def drawable_code_points() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    # Any text may be set in any of the faces (body, headings, title, table), so only what all of them draw counts.
    sets = [set(TTFont(path).getBestCmap()) for path in sorted(FONT_DIR.glob("*.otf"))]
    return frozenset(set.intersection(*sets))


def undrawable_characters(text: str) -> list[str]:
    drawable = drawable_code_points()
    seen: dict[str, None] = {}
    for char in text or "":
        if ord(char) not in drawable and not char.isspace():
            seen[char] = None
    return list(seen)


def refuse_undrawable_characters(value: str) -> None:
    chars = undrawable_characters(value)
    if chars:
        listed = "、".join(f"“{c}”（U+{ord(c):04X}）" for c in chars[:5])
        more = f"等{len(chars)}个字符" if len(chars) > 5 else ""
        raise ValidationError(
            f"报告字体无法显示{listed}{more}，印在公文里会是空白方框，请改用其他写法。", code="undrawable_character"
        )
