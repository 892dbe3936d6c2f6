"""The demo report measured against GB/T 9704-2012 from the PDF (pdftotext -bbox-layout): the 发文机关标志's
position, the title's shape, full and justified lines, 避头尾, numbers with their units, full pages, the
附件说明 and the 署名 and 成文日期."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pytest

from assessment.reports.pdf import build_report_pdf
from tests.assessment.reports.conftest import MM, bbox_lines, page_count, pdf_file

TOP, BOTTOM = 37 * MM, (37 + 225) * MM
LEFT, RIGHT = 28 * MM, (28 + 156) * MM
PITCH = 225 / 22 * MM  # one line (3.2)
CHAR = 156 / 28 * MM  # one character (3.1)
PAGE_NUMBER = re.compile(r"—\d+—")
HEADING = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")
CLOSING = "，。；：、）」』》！？”’"
UNIT_STARTS = "年月日分件户次人元万批个项%％名台套家场期条"
ATTACHMENTS = ["长宁区生态环境局规范化考核评分表", "长宁区生态环境局考核得分与执法检查情况图"]


@dataclass
class Line:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass
class Document:
    pages: dict[int, list[Line]]
    body: list[Line]  # from the first line after the 主送机关 to the last line before the 附件说明
    note: list[Line]  # the 附件说明
    signature_page: int


def read(path) -> Document:
    pages = {}
    for page in range(1, page_count(path) + 1):
        pages[page] = [
            Line(page, b["text"], b["xMin"], b["yMin"], b["xMax"], b["yMax"])
            for b in bbox_lines(path, page)
            if not PAGE_NUMBER.fullmatch(b["text"])
        ]
    flow = [line for page in sorted(pages) for line in pages[page]]
    start = next(i for i, line in enumerate(flow) if line.text == "上海市生态环境局：") + 1
    note_at = next(i for i, line in enumerate(flow) if line.text.startswith("附件："))
    note = [flow[note_at], flow[note_at + 1]]
    return Document(pages=pages, body=flow[start:note_at], note=note, signature_page=note[0].page)


@pytest.fixture
def document(demo, tmp_path) -> Document:
    return read(pdf_file(tmp_path, build_report_pdf(demo.report)))


def near(value: float, target: float, mm: float = 1.0) -> bool:
    return abs(value - target) <= mm * MM


def test_the_issuer_mark_is_35_mm_below_the_top_of_the_text_block(document):
    mark = document.pages[1][0]
    assert mark.text == "上海市长宁区生态环境局文件"
    assert near(mark.y_min, TOP + 35 * MM), (mark.y_min - TOP) / MM


def test_the_title_is_a_trapezoid_broken_after_a_noun_phrase(document):
    title = [line for line in document.pages[1] if line.y_max - line.y_min == pytest.approx(22, abs=0.5)]
    assert [line.text for line in title] == ["长宁区生态环境保护行政执法机构", "规范化建设工作报告"]
    widths = [line.x_max - line.x_min for line in title]
    assert widths == sorted(widths, reverse=True)
    for line in title:
        assert near((line.x_min + line.x_max) / 2, (LEFT + RIGHT) / 2)


def test_every_full_line_of_the_body_ends_at_the_right_edge(document):
    # A line followed by a line that starts at the left edge (not indented) is not the last of its paragraph.
    full = [a for a, b in itertools.pairwise(document.body) if near(b.x_min, LEFT, 0.5)]
    assert len(full) > 100
    short = [(a.page, a.text, round((RIGHT - a.x_max) / MM, 1)) for a in full if not near(a.x_max, RIGHT)]
    assert short == []


def test_no_line_starts_with_closing_punctuation_and_numbers_keep_their_units(document):
    lines = [*document.body, *document.note]
    assert [(line.page, line.text) for line in lines if line.text[0] in CLOSING] == []
    split = [
        (a.text[-4:], b.text[:4])
        for a, b in itertools.pairwise(lines)
        if a.text[-1].isdigit() and (b.text[0] in UNIT_STARTS or b.text[0].isdigit() or b.text[0] in ".-")
    ]
    assert split == []


def test_pages_are_full_unless_a_heading_or_the_signature_takes_lines_along(document):
    for page in range(1, document.signature_page):
        lines = [line for line in document.pages[page] if line.y_min > TOP - 1]
        free = int((BOTTOM - lines[-1].y_max) // PITCH)
        if page > 1:
            assert len(lines) + free == 22, page
        if free == 0:
            continue
        following = document.pages[page + 1][0]
        if page + 1 == document.signature_page:
            # What goes onto the signature page together (the body's last lines, a blank line, the 附件说明, two
            # blank lines, 署名 and 成文日期) did not fit in the space left here.
            carried = sum(1 for line in document.body if line.page == document.signature_page)
            assert carried >= 2 and free < carried + 1 + len(document.note) + 2 + 2, (page, free)
        else:
            # The next page opens with a heading that needs two lines of its text under it.
            assert free <= 2 and HEADING.match(following.text), (page, free, following.text)


def test_the_attachment_note_names_both_attachments_under_the_body(document):
    first, second = document.note
    last_body = document.body[-1]
    assert first.text == f"附件：1.{ATTACHMENTS[0]}"
    assert second.text == f"2.{ATTACHMENTS[1]}"
    assert near(first.x_min, LEFT + 2 * CHAR)  # two characters in
    assert near(first.y_min - last_body.y_min, 2 * PITCH)  # one blank line under the body
    assert near(second.x_min, first.x_min + 3 * CHAR)  # the numbers one under the other
    assert near(second.y_min - first.y_min, PITCH)
    # Each attachment starts a page with "附件n" on the first line and its title, as named, under it.
    for number, title in enumerate(ATTACHMENTS, start=1):
        page = next(p for p, lines in document.pages.items() if lines and lines[0].text == f"附件{number}")
        lines = document.pages[page]
        assert near(lines[0].x_min, LEFT) and near(lines[0].y_min, TOP, 3)
        assert "".join(line.text for line in lines[1:3]).startswith(title)


def test_the_date_is_four_characters_in_and_the_issuer_centred_over_it(document):
    page = document.pages[document.signature_page]
    issuer = next(line for line in page if line.text == "上海市长宁区生态环境局")
    date = next(line for line in page if line.text == "2023年10月22日")
    assert near(date.x_max, RIGHT - 4 * CHAR)
    assert near((issuer.x_min + issuer.x_max) / 2, (date.x_min + date.x_max) / 2)
    assert near(issuer.y_min - document.note[-1].y_min, 3 * PITCH)  # two blank lines under the 附件说明
    assert near(date.y_min - issuer.y_min, PITCH)
    # The signature page carries body text: the seal never stands on a page of its own.
    assert document.body[-1].page == document.signature_page


def test_the_rules_hold_wherever_numbers_and_punctuation_fall(demo, tmp_path):
    """The demo's text breaks in one way; this body puts a number, its unit and closing punctuation at every
    position of the line, so each rule meets every case."""
    phrase = "共检查1062户次，罚款90.915万元；“构建执法制度体系”得分为15分）。"
    body = "\n\n".join("试" * shift + phrase * 3 for shift in range(28))
    section = demo.report.sections.order_by("order").first()
    demo.report.sections.exclude(pk=section.pk).delete()
    type(section).objects.filter(pk=section.pk).update(body=body)
    document = read(pdf_file(tmp_path, build_report_pdf(demo.report)))
    lines = [*document.body, *document.note]
    assert len(lines) > 100
    full = [a for a, b in itertools.pairwise(document.body) if near(b.x_min, LEFT, 0.5)]
    assert [(a.page, a.text) for a in full if not near(a.x_max, RIGHT)] == []
    assert [line.text for line in lines if line.text[0] in CLOSING] == []
    assert [
        (a.text[-4:], b.text[:4])
        for a, b in itertools.pairwise(lines)
        if a.text[-1].isdigit() and (b.text[0] in UNIT_STARTS or b.text[0].isdigit() or b.text[0] in ".-")
    ] == []
