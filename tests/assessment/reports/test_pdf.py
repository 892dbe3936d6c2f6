"""The demo 2023 report as a GB/T 9704 PDF, read back with poppler: the reference sentences, the appendix,
the fonts, the page geometry, vector charts, and HarfBuzz subsetting."""

from __future__ import annotations

import io
import itertools
import logging
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from assessment.exports import HEADER_ROW, score_workbook
from assessment.reports.pdf import build_report_pdf, html_to_pdf, report_html
from assessment.selectors import scoring_sheet
from tests.assessment.reports.conftest import (
    MM,
    bbox_lines,
    layout_lines,
    page_count,
    pdf_file,
    pdf_text,
    pdffonts,
    run,
)

REFERENCE_SENTENCES = [
    "2023年1-8月份，共出动执法人员1068批次、2468人次，检查1062户次污染源",
    "作出行政处罚案件13件，共计处罚金额90.915万元；轻微违法免于处罚11件",
    # the reference's sentence word for word, its violation types in its order
    "2023年1-8月份，共出动执法人员1068批次、2468人次，检查1062户次污染源，发现环境违法行为作出行政处罚案件13件，"
    "共计处罚金额90.915万元；轻微违法免于处罚11件。主要违法行为包含建设项目验收弄虚作假、废水超标、"
    "未正常使用油烟净化装置、未申报并悬挂非道环保牌照、未按照要求粘贴危废识别标识等。",
    "我局总得分为79.5分",
    "“构建执法制度体系”项下4个指标评估总得分为15分",
    "“构建执法运行体系”项下3个指标评估总得分为12分",
    "“构建执法监督体系”项下4个指标评估总得分为11分",
    "“构建执法保障体系”项下6个指标评估总得分为41.5分",
    "（详见长宁区生态环境局规范化考核评分表）",
]


@pytest.fixture
def demo_pdf(demo, tmp_path):
    """The demo report rendered once (in the forked child, as the product does) and written to a file."""
    return pdf_file(tmp_path, build_report_pdf(demo.report), "demo.pdf")


def test_demo_report_says_what_the_reference_report_says(demo, demo_pdf):
    text = pdf_text(demo_pdf)
    for sentence in REFERENCE_SENTENCES:
        assert sentence in text, sentence
    # The 版头, 主送机关, 成文日期 and 版记.
    first_page = pdf_text(demo_pdf, "-f", "1", "-l", "1")
    assert first_page.startswith("上海市长宁区生态环境局文件长环保发〔2023〕15号签发人：马骥")
    assert "长宁区生态环境保护行政执法机构规范化建设工作报告上海市生态环境局：为全面推进" in first_page
    assert "上海市长宁区生态环境局2023年10月22日" in text
    # The 版记 is the last thing on the last page, above its page number.
    pages = page_count(demo_pdf)
    last_lines = layout_lines(demo_pdf, pages, pages)
    assert last_lines[-2:] == ["长宁区生态环境局办公室 2023年10月31日印发", f"— {pages} —"]
    # Headings are numbered 一、… and （一）… in document order.
    positions = [
        text.index(heading)
        for heading in (
            "一、领导重视，组织准备",
            "二、行政执法机构概况",
            "三、管理制度落实情况",
            "四、队伍建设情况",
            "五、自评结果",
            "六、下一步计划",
        )
    ]
    assert positions == sorted(positions)
    assert "六、下一步计划（一）建立完善相关执法机制" in text
    assert "（四）强化技术培训，提高执法效能" in text
    # No placeholder is left unfilled.
    assert not re.search(r"\{[^{}]{1,20}\}", text)


def test_appendix_is_the_scoring_table_with_the_workbook_numbers_and_vector_charts(demo, demo_pdf):
    pages = page_count(demo_pdf)
    appendix_start = next(
        page for page in range(1, pages + 1) if pdf_text(demo_pdf, "-f", str(page), "-l", str(page)).startswith("附件")
    )
    assert appendix_start > 1
    lines = layout_lines(demo_pdf, appendix_start, pages)
    assert "长宁区生态环境局规范化考核评分表" in lines
    assert "编号 指标 满分 得分 自评说明" in lines
    for system_row in (
        "一 构建执法制度体系 20 15 小计（4个指标）",
        "二 构建执法运行体系 20 12 小计（3个指标）",
        "三 构建执法监督体系 15 11 小计（4个指标）",
        "四 构建执法保障体系 45 41.5 小计（6个指标）",
        "合计 100 79.5",
    ):
        assert system_row in lines, system_row

    # Every row of the 评分表 workbook appears with the same 满分 and 得分.
    sheet = load_workbook(io.BytesIO(score_workbook(scoring_sheet(demo.approved_2023)))).active
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == 4 + 17 + 1

    def number(value) -> str:
        return format(Decimal(str(value)).normalize(), "f")

    by_code = {}
    for line in lines:
        tokens = line.split(" ")
        by_code.setdefault(tokens[0], [t for t in tokens[1:] if re.fullmatch(r"\d+(\.\d+)?", t)])
    for code, _name, maximum, score, _text in rows:
        assert by_code.get(str(code), [])[:2] == [number(maximum), number(score)], code

    # Both charts are drawn as vector graphics: their labels are text and the PDF holds no raster image.
    appendix_text = pdf_text(demo_pdf, "-f", str(appendix_start), "-l", str(pages))
    assert "图1各体系得分与满分" in appendix_text
    assert "构建执法制度体系15/20" in appendix_text
    assert "构建执法保障体系41.5/45" in appendix_text
    assert "图2　2023年1-8月份执法出动批次与污染源检查户次（按月）".replace("　", "") in appendix_text
    assert "出动批次检查户次" in appendix_text
    assert all(f"{month}月" in appendix_text for month in range(1, 9))
    images = run("pdfimages", "-list", demo_pdf).stdout.decode().splitlines()
    assert images[2:] == [], images


def test_fonts_are_ours_embedded_as_subsets_with_a_fangsong(demo_pdf):
    fonts = pdffonts(demo_pdf)
    assert fonts
    for font in fonts:
        assert (font["emb"], font["sub"], font["uni"]) == ("yes", "yes", "yes"), font
        prefix, _, name = font["name"].partition("+")
        assert re.fullmatch(r"[A-Z]{6}", prefix), font
        assert name.startswith("GW-"), f"a font that is not the product's own: {font}"
    names = {font["name"].partition("+")[2] for font in fonts}
    assert any("Fang" in name for name in names)
    assert {"GW-Fang", "GW-Hei", "GW-Kai", "GW-XBS", "GW-Song"} <= names


def test_page_one_geometry_and_alternating_page_numbers(demo_pdf):
    page1 = bbox_lines(demo_pdf, 1)
    # The text block: left edge 28 mm, right edge at most 28 + 156 mm.
    body = [line for line in page1 if not re.fullmatch(r"—\d+—", line["text"])]
    left = min(line["xMin"] for line in body)
    assert abs(left / MM - 28) <= 1.5, left / MM
    assert max(line["xMax"] for line in body) / MM <= 28 + 156 + 1
    # The red 发文机关标志 is the first line, 35 mm down the text block that starts 37 mm from the top.
    header = page1[0]
    assert header["text"] == "上海市长宁区生态环境局文件"
    assert header["yMin"] / MM == pytest.approx(37 + 35, abs=1)
    # 2号 (22 pt) title, 3号 (16 pt) body on a pitch of 225/22 mm (22 lines of 28 characters).
    title = next(line for line in page1 if line["text"].startswith("长宁区生态环境保护行政执法"))
    assert title["yMax"] - title["yMin"] == pytest.approx(22, abs=0.5)
    paragraph = [line for line in body if line["yMin"] > title["yMax"] and line["xMin"] / MM < 28.5]
    assert len(paragraph) >= 5
    for line in paragraph:
        assert line["yMax"] - line["yMin"] == pytest.approx(16, abs=0.5)
    pitches = [b["yMin"] - a["yMin"] for a, b in itertools.pairwise(paragraph)]
    assert min(pitches) == pytest.approx(225 / 22 * MM, abs=0.3)
    full_lines = [line for line in paragraph if line["xMax"] / MM > 28 + 156 - 2]
    assert full_lines and all(len(line["text"]) in (27, 28, 29) for line in full_lines)
    assert max(len(line["text"]) for line in full_lines) == 28

    # "— 1 —" one character (14 pt) in from the right on odd pages, "— 2 —" from the left on even pages,
    # below the text block.
    number1 = next(line for line in page1 if line["text"] == "—1—")
    assert number1["xMax"] / MM == pytest.approx(28 + 156 - 14 / MM, abs=1)
    assert number1["yMin"] / MM >= 37 + 225
    number2 = next(line for line in bbox_lines(demo_pdf, 2) if line["text"] == "—2—")
    assert number2["xMin"] / MM == pytest.approx(28 + 14 / MM, abs=1)
    assert number2["yMin"] / MM >= 37 + 225


def test_harfbuzz_subsets_the_fonts(demo, caplog, tmp_path):
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    assert harfbuzz_subset is not None, "libharfbuzz-subset0 is not installed"
    assert harfbuzz.hb_version_atleast(4, 1, 0)
    # Render in this process (the forked child's log records would not reach caplog).
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        pdf = html_to_pdf(report_html(demo.report))
    fallback = [r.getMessage() for r in caplog.records if "fontTools instead of HarfBuzz" in r.getMessage()]
    assert fallback == []
    assert pdf.startswith(b"%PDF-")
    fonts = pdffonts(pdf_file(tmp_path, pdf))
    assert fonts and all(font["sub"] == "yes" for font in fonts)
