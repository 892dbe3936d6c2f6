"""Chinese typesetting the report needs and WeasyPrint does not do by itself.

- Justification. WeasyPrint justifies a line by widening its spaces; Chinese text has none, so a line that holds
  half-width digits (narrower than a character) ended short of the right edge. GB/T 9704 5.2.3 wants every line
  to fill the text block ("撑满版心"): here a line without spaces is justified by spreading the shortfall over
  the gaps between its characters (inter-character justification, CSS Text 3 ``text-justify: inter-character``).
- Numbers stay with their units ("15分", "1062户次", "2023年1-8月份"): wrapped in a no-break span.
- The title breaks at a meaning boundary into lines of decreasing length (GB/T 9704 7.3.1: 梯形 or 菱形).
"""

from __future__ import annotations

import itertools
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Units that follow a number in the report. Longer ones first, so "万元" wins over "万".
_UNIT_WORDS = (
    "万元 户次 人次 批次 月份 个月 余次 余户 余人 余件 平方米 公里 千米 小时 分钟 周年 年度 个 件 户 次 人 名 台 套 架 "
    "辆 项 家 场 期 条 份 元 万 亿 分 年 月 日 天 号 批 页 类 倍 % ％ 座 处 起 张 本 所 部 支 米 吨 克 岁"
)
UNITS = tuple(_UNIT_WORDS.split())
_NUMBER = r"\d+(?:[.,]\d+)*"
# A number (or a range such as 1-8, 2022-2025) with its unit, and chains such as 2023年1-8月份 or 2023年10月22日.
_NUMBER_WITH_UNIT = re.compile(
    rf"(?:{_NUMBER}(?:[-－~～—至]{_NUMBER})?(?:{'|'.join(map(re.escape, UNITS))}))+|{_NUMBER}(?:[-－~～—]{_NUMBER})?"
)


def keep_numbers_with_units(text: str) -> SafeString:
    """Escape ``text`` and wrap each number with its unit in a span that never breaks."""
    parts = []
    last = 0
    for match in _NUMBER_WITH_UNIT.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f'<span class="nb">{escape(match.group())}</span>')
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


# Where a title may break: after these words (a noun phrase ends there), or before these (a new phrase starts).
_BREAK_AFTER = (
    "机构",
    "机关",
    "委员会",
    "办公室",
    "人民政府",
    "生态环境局",
    "局",
    "的",
    "关于",
    "年度",
    "年",
    "工作",
    "情况",
)
_BREAK_BEFORE = ("关于", "工作报告", "的报告", "的通知", "的请示", "的意见", "情况报告", "实施方案")
_PRIORITY = {word: rank for rank, word in enumerate(_BREAK_AFTER)}


def _break_positions(title: str) -> dict[int, int]:
    """Index → badness (lower is a better place to break) of every meaning boundary in ``title``."""
    positions: dict[int, int] = {}
    for word, rank in _PRIORITY.items():
        for match in re.finditer(re.escape(word), title):
            end = match.end()
            if 0 < end < len(title):
                positions[end] = min(positions.get(end, rank), rank)
    for word in _BREAK_BEFORE:
        for match in re.finditer(re.escape(word), title):
            if 0 < match.start() < len(title):
                positions[match.start()] = min(positions.get(match.start(), 99), len(_BREAK_AFTER))
    return positions


def title_lines(title: str, per_line: int) -> list[str]:
    """Split a title into lines of at most ``per_line`` characters, in a 梯形 (each line no longer than the one
    above) or, for three lines, a 菱形 (the middle line longest), breaking only at a meaning boundary when one
    allows such a shape; otherwise into lines as even as possible."""
    if len(title) <= per_line:
        return [title]
    positions = _break_positions(title)
    best: tuple | None = None
    for count in (2, 3):
        if len(title) > count * per_line:
            continue
        for cuts in itertools.combinations(sorted(positions), count - 1):
            lines = [title[a:b] for a, b in zip((0, *cuts), (*cuts, len(title)), strict=True)]
            lengths = [len(line) for line in lines]
            if max(lengths) > per_line or min(lengths) < 2:
                continue
            trapezoid = all(a >= b for a, b in itertools.pairwise(lengths))
            diamond = count == 3 and lengths[1] >= max(lengths[0], lengths[2])
            if not (trapezoid or diamond):
                continue
            badness = (count, sum(positions[c] for c in cuts), max(lengths) - min(lengths))
            if best is None or badness < best[0]:
                best = (badness, lines)
        if best:
            return best[1]
    # No boundary gives a good shape: even lines, the first the longest.
    count = -(-len(title) // per_line)
    size = -(-len(title) // count)
    return [title[i : i + size] for i in range(0, len(title), size)]


def _justify_between_characters(context, line, extra_width: float) -> None:
    """Spread ``extra_width`` over the gaps between the characters of a line that has no spaces, by raising
    the letter spacing of each of its text boxes (Pango adds letter spacing after every character)."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.text.line_break import create_layout, line_size

    texts = []

    def collect(box):
        if isinstance(box, boxes.TextBox):
            texts.append(box)
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            for child in box.children:
                if child.is_in_normal_flow():
                    collect(child)

    collect(line)
    characters = sum(len(box.text) for box in texts)
    if characters < 2:
        return
    # The last character's spacing falls after the line's visible end, so the gaps are one fewer than the
    # characters; the text box widths still grow by one spacing per character.
    spacing = extra_width / (characters - 1)

    def shift(box, advance: float) -> float:
        if isinstance(box, boxes.TextBox):
            box.position_x += advance
            style = box.style.copy()
            letter_spacing = style["letter_spacing"]
            style["letter_spacing"] = (0 if letter_spacing == "normal" else letter_spacing) + spacing
            layout = create_layout(box.text, style, context, max_width=None, justification_spacing=0)
            first_line, _ = layout.get_first_line()
            width, _ = line_size(first_line, style)
            layout.deactivate()
            box.style = style
            box.pango_layout = layout
            advance += width - box.width
            box.width = width
            return advance
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += advance
            before = advance
            for child in box.children:
                if child.is_in_normal_flow():
                    advance = shift(child, advance)
            box.width += advance - before
            return advance
        box.translate(advance, 0)
        return advance

    shift(line, 0)


@contextmanager
def chinese_justification():
    """While rendering, justify lines without spaces between their characters (see the module docstring)."""
    from weasyprint.layout import inline

    original = inline.justify_line

    def justify_line(context, line, extra_width):
        if inline.count_expandable_spaces(line):
            original(context, line, extra_width)
        elif extra_width > 0:
            _justify_between_characters(context, line, extra_width)

    inline.justify_line = justify_line
    try:
        yield
    finally:
        inline.justify_line = original


FONT_DIR = Path(__file__).resolve().parent.parent / "report_assets" / "fonts"
MM_PER_PT = 25.4 / 72
TEXT_BLOCK_WIDTH_MM = 156
CHARACTER_MM = TEXT_BLOCK_WIDTH_MM / 28  # GB/T 9704 3.1: 一字, at 28 characters a line
BODY_SIZE_PT = 16
BODY_LETTER_SPACING_PT = -0.25  # as in report.css: 28 characters of 3号 fill the 156 mm line
SEAL_DIAMETER_MM = 42  # the common size of a 机关 seal; the .seal-box in report.css has the same size


@cache
def _advances(font_file: str) -> tuple[dict[int, int], int]:
    from fontTools.ttLib import TTFont

    font = TTFont(FONT_DIR / font_file)
    metrics = font["hmtx"]
    return {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm


def text_width_mm(text: str, *, font_file: str = "FandolFang-Regular.otf") -> float:
    """The drawn width of one line of body text (3号, the body's letter spacing), from the font's advances."""
    advances, units = _advances(font_file)
    width_pt = sum(advances.get(ord(char), units) for char in text) * BODY_SIZE_PT / units
    width_pt += BODY_LETTER_SPACING_PT * (len(text) - 1)
    return width_pt * MM_PER_PT


@dataclass(frozen=True)
class Signoff:
    """Right paddings (mm) of the 署名 and 成文日期 lines and the seal box's right offset (7.3.5.1)."""

    issuer_right_mm: float
    date_right_mm: float
    seal_right_mm: float


def signoff_layout(issuer: str, date_text: str) -> Signoff:
    # A right-aligned line's last letter spacing (negative) lets its glyphs run that far past the padding.
    overhang = -BODY_LETTER_SPACING_PT * MM_PER_PT
    date_right = 4 * CHARACTER_MM  # 成文日期右空四字
    date_centre = date_right + text_width_mm(date_text) / 2  # from the right edge of the text block
    issuer_right = max(0.0, date_centre - text_width_mm(issuer) / 2)
    return Signoff(
        issuer_right_mm=round(issuer_right + overhang, 2),
        date_right_mm=round(date_right + overhang, 2),
        seal_right_mm=round(date_centre - SEAL_DIAMETER_MM / 2, 2),
    )
