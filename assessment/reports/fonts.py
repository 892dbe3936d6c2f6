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


def undrawable_in_report(*, sheet, values: dict[str, str]) -> list[str]:
    """Text that reaches the PDF from elsewhere (the 评分表 appendix, figures from the records) and that the
    report's forms could not check: where it is and what can't be drawn, for a warning before 签发."""
    places = [(f"体系“{b.system.name}”的名称", b.system.name) for b in sheet.systems]
    for block in sheet.systems:
        for row in block.rows:
            places.append((f"指标{row.indicator.code}的名称", row.indicator.name))
            places.append((f"指标{row.indicator.code}的自评说明", row.justification))
    places += [(f"占位符{{{name}}}的内容", value) for name, value in values.items()]
    found = []
    for where, text in places:
        if chars := undrawable_characters(text):
            found.append(f"{where}：" + "".join(chars))
    return found
