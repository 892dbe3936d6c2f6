"""Rendering is locked down: user text is escaped, the URL fetcher serves only our own assets, a render has a
time limit, and unknown placeholders are refused when the text is saved."""

from __future__ import annotations

import io
import multiprocessing
import re
from pathlib import Path

import pytest
from PIL import Image

from assessment.models import ReportSection
from assessment.reports import services
from assessment.reports.content import report_values
from assessment.reports.pdf import (
    ReportRenderError,
    _fetcher,
    build_report_pdf,
    html_to_pdf,
    render_pdf,
    report_html,
)
from assessment.services import AssessmentError
from tests.assessment.reports.conftest import pdf_file, pdf_text, run

HOSTILE = (
    '<img src="file:///etc/passwd"> <script>x</script> <style>body{display:none}</style> '
    "url(file:///etc/hostname) {出动批次}"
)
# The same, with the CSS rule written with spaces inside the braces (not a placeholder).
HOSTILE_SAVEABLE = HOSTILE.replace("body{display:none}", "body { display:none }")


def sections_of(report) -> list[services.SectionData]:
    return [services.SectionData(s.level, s.heading, s.body) for s in report.sections.order_by("order")]


def images_in(path: Path) -> list[str]:
    return run("pdfimages", "-list", path).stdout.decode().splitlines()[2:]


def secret_lines() -> list[str]:
    """Lines of /etc/passwd that must never show up in a report."""
    return [line for line in Path("/etc/passwd").read_text().splitlines() if line.strip()][:3]


def test_html_css_and_urls_in_the_narrative_render_as_literal_text(demo, tmp_path):
    report = demo.report
    sections = [services.SectionData(1, "<b>标题</b>", HOSTILE_SAVEABLE), *sections_of(report)]
    report = services.update_report(
        report=report, user=demo.scorer, fields={"title": "报告<script>alert(1)</script>"}, sections=sections
    )
    path = pdf_file(tmp_path, build_report_pdf(report))
    text = pdf_text(path, "-raw")  # content-stream order: the justified line is not split into columns
    assert "一、<b>标题</b>" in text
    assert '<imgsrc="file:///etc/passwd"><script>x</script><style>body{display:none}</style>' in text
    assert "上海市生态环境局：一、<b>标题</b><imgsrc=" in text
    # The placeholder next to the hostile text is filled in.
    assert report_values(report)["出动批次"] == "1068"
    assert "url(file:///etc/hostname)1068" in text
    assert "报告<script>alert(1)</script>" in text
    # Nothing was fetched: no image, nothing of /etc/passwd or /etc/hostname in the text or the bytes.
    assert images_in(path) == []
    data = path.read_bytes()
    assert b"root:x:0:0" not in data
    for line in secret_lines():
        assert line.encode() not in data
        assert line.replace(" ", "") not in text
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    if len(hostname) >= 6:
        assert hostname.encode() not in data
    # The rest of the report is still there (the <style> did not hide the body).
    assert "2023年1-8月份，共出动执法人员1068批次" in text


def test_css_with_braces_in_the_narrative_can_be_saved_and_renders_as_text(demo, tmp_path):
    report = demo.report
    report = services.update_report(
        report=report, user=demo.scorer, fields={}, sections=[services.SectionData(0, "", HOSTILE)]
    )
    text = pdf_text(pdf_file(tmp_path, build_report_pdf(report)), "-raw")
    assert "<style>body{display:none}</style>" in text


def test_the_fetcher_refuses_everything_but_our_own_assets():
    fetcher = _fetcher()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "http://localhost:8000/admin/",
        "https://example.com/font.otf",
        "data:text/css,body{display:none}",
        "data:image/png;base64,iVBORw0KGgo=",
        "report-asset:../../../etc/passwd",
        "report-asset:/etc/passwd",
        "report-asset:fonts/../../../../etc/passwd",
        "report-asset:",
        "report-asset:fonts",
        "report-asset:missing.css",
        "/etc/passwd",
        "ftp://example.com/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    css = fetcher.fetch("report-asset:report.css")
    assert b"@page" in css.read()
    font = fetcher.fetch("report-asset:fonts/FandolFang-Regular.otf")
    assert font.read(4) == b"OTTO"


def test_a_file_url_in_the_html_leaves_no_trace_in_the_pdf(tmp_path):
    """The fetcher is the second line of defence: even markup that reached WeasyPrint cannot load files."""
    png = tmp_path / "secret.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (255, 0, 0)).save(buffer, format="PNG")
    png.write_bytes(buffer.getvalue())
    html = (
        '<html><head><link rel="stylesheet" href="report-asset:report.css">'
        f'<link rel="stylesheet" href="file://{tmp_path}/evil.css"></head><body>'
        f'<p>正文</p><img src="file://{png}"><img src="file:///etc/passwd">'
        f'<div style="background: url(file://{png}); width: 20mm; height: 20mm"></div>'
        '<iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object></body></html>'
    )
    (tmp_path / "evil.css").write_text("p { display: none }")
    locked = pdf_file(tmp_path, html_to_pdf(html), "locked.pdf")
    assert images_in(locked) == []
    assert b"root:x:0:0" not in locked.read_bytes()
    assert pdf_text(locked) == "正文"  # our stylesheet and fonts load, the file:// stylesheet does not
    assert "GW-Fang" in run("pdffonts", locked).stdout.decode()

    # Control: WeasyPrint's own fetcher would have embedded the file, so the assertion above means something.
    from weasyprint import HTML

    unlocked = pdf_file(tmp_path, HTML(string=html).write_pdf(), "unlocked.pdf")
    assert images_in(unlocked) != []


def _font_names(path: Path) -> list[str]:
    lines = run("pdffonts", path).stdout.decode().splitlines()[2:]
    return [line.split()[0] for line in lines if line.strip()]


def test_characters_outside_our_fonts_never_pull_in_the_machines_fonts(tmp_path):
    """The output does not change with the fonts a machine happens to have: text our fonts lack prints as an
    empty box drawn from our fonts (the edit page refuses such text before it gets here)."""
    html = (
        '<html><head><link rel="stylesheet" href="report-asset:report.css"></head>'
        "<body><p>正文 ☺ ✓ 䶮 Ω ①</p></body></html>"
    )
    ours = pdf_file(tmp_path, render_pdf(html), "ours.pdf")
    names = _font_names(ours)
    assert names and all(re.fullmatch(r"[A-Z]{6}\+GW-\w+", name) for name in names), names

    # Control: with the machine's fontconfig (fonts-noto-cjk is installed by the setup) WeasyPrint would
    # have borrowed a system font, so the assertion above means something.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    machine = HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf(font_config=FontConfiguration())
    assert any("GW-" not in name for name in _font_names(pdf_file(tmp_path, machine, "machine.pdf")))


def test_a_render_over_the_time_limit_is_stopped(demo):
    html = report_html(demo.report)
    with pytest.raises(ReportRenderError, match="时间限制") as raised:
        render_pdf(html, timeout=0.01)
    assert "0.01秒" in str(raised.value)
    assert multiprocessing.active_children() == []


def test_a_failed_render_says_so_without_details():
    with pytest.raises(ReportRenderError, match="报告渲染失败"):
        render_pdf(12345, timeout=30)  # not a string: WeasyPrint fails in the child


def test_an_unknown_placeholder_is_refused_and_nothing_is_saved(demo):
    report = demo.report
    before = list(report.sections.order_by("order").values_list("level", "heading", "body"))
    sections = [*sections_of(report), services.SectionData(2, "新增", "本期{出动批次}批次，{不存在}。")]
    with pytest.raises(AssessmentError) as raised:
        services.update_report(report=report, user=demo.scorer, fields={"title": "改过的标题"}, sections=sections)
    message = str(raised.value)
    assert "{不存在}" in message
    assert f"第{len(sections)}节" in message
    assert "{出动批次}" not in message
    report.refresh_from_db()
    assert report.title == "长宁区生态环境保护行政执法机构规范化建设工作报告"
    assert list(report.sections.order_by("order").values_list("level", "heading", "body")) == before
    assert ReportSection.objects.filter(report=report, heading="新增").count() == 0
