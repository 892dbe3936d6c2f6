"""The report's Chinese typesetting rules as pure functions: title shapes, numbers kept with their units, the
signature block's geometry and the demo seal."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from assessment.reports.seal import SIZE_PX, SealImageError, demo_seal_png, normalise_seal_image
from assessment.reports.typesetting import CHARACTER_MM, keep_numbers_with_units, signoff_layout, title_lines


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("长宁区生态环境保护行政执法机构规范化建设工作报告", ["长宁区生态环境保护行政执法机构", "规范化建设工作报告"]),
        ("长宁区生态环境局2024年度工作报告", ["长宁区生态环境局2024年度工作报告"]),
        (
            "上海市长宁区生态环境局关于2023年度执法规范化建设情况的报告",
            ["上海市长宁区生态环境局关于2023年度", "执法规范化建设情况的报告"],
        ),
    ],
)
def test_titles_break_at_a_meaning_boundary_into_a_trapezoid(title, lines):
    assert title_lines(title, 20) == lines


def test_a_title_without_a_usable_boundary_is_cut_into_even_lines_the_first_longest():
    lines = title_lines("甲" * 27, 20)
    assert lines == ["甲" * 14, "甲" * 13]


def test_every_title_line_fits_and_no_line_is_longer_than_the_one_above_unless_a_diamond():
    title = "关于进一步加强和规范生态环境保护综合行政执法机构规范化建设工作情况的报告"
    lines = title_lines(title, 20)
    assert "".join(lines) == title and all(len(line) <= 20 for line in lines)
    lengths = [len(line) for line in lines]
    assert lengths == sorted(lengths, reverse=True) or (len(lines) == 3 and lengths[1] >= max(lengths[0], lengths[2]))


def test_numbers_are_wrapped_with_their_units_and_the_text_escaped():
    html = keep_numbers_with_units("2023年1-8月份，检查1062户次，罚款90.915万元，得分为15分；<b>")
    assert re.findall(r'<span class="nb">(.*?)</span>', html) == ["2023年1-8月份", "1062户次", "90.915万元", "15分"]
    assert html.endswith("；&lt;b&gt;")


def test_the_date_is_four_characters_in_and_the_name_centred_over_it():
    layout = signoff_layout("上海市长宁区生态环境局", "2023年10月22日")
    overhang = 0.25 * 25.4 / 72
    assert layout.date_right_mm == pytest.approx(4 * CHARACTER_MM + overhang, abs=0.01)
    # "2023年10月22日": 8 half-width digits and 3 characters; the 11-character name is wider, so it reaches
    # further right than the date by half the difference.
    assert layout.issuer_right_mm < layout.date_right_mm
    assert layout.seal_right_mm > 0


def test_the_demo_seal_is_a_red_ring_on_transparent_and_passes_the_upload_check():
    png = demo_seal_png()
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (SIZE_PX, SIZE_PX))
    assert image.getpixel((0, 0))[3] == 0
    red, green, blue, alpha = image.getpixel((SIZE_PX // 2, 12))  # the ring, at the top
    assert alpha > 200 and red > 200 and green < 60 and blue < 60
    assert Image.open(io.BytesIO(normalise_seal_image(png))).size == (SIZE_PX, SIZE_PX)


def test_an_oversized_seal_upload_is_refused_before_it_is_decoded():
    with pytest.raises(SealImageError, match="超过2 MB"):
        normalise_seal_image(b"\x89PNG" + b"\0" * (2 * 1024 * 1024))
