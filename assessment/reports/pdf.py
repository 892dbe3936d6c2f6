"""The report as a GB/T 9704 official-document PDF (WeasyPrint), returned as bytes.

Rendering is locked down: the only resources WeasyPrint may load are the product's own stylesheet and fonts,
through ``report-asset:`` URLs; every other URL (file://, http(s)://, data:, …) is refused. User text reaches
the template as data and is escaped by Django's template engine. The render runs in a forked child process
(changning_enforce.bounded) with a time limit, so a pathological document cannot hold a worker forever.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from assessment.models import Report
from assessment.reports import charts
from assessment.reports.content import (
    chinese_date,
    numbered_sections,
    numeral,
    period_label,
    placeholder_values,
)
from assessment.reports.typesetting import chinese_justification, keep_numbers_with_units, signoff_layout, title_lines
from assessment.scoring import normalize
from assessment.selectors import scoring_sheet
from changning_enforce.bounded import BoundedWorkError, run_bounded
from inspections.selectors import monthly_statistics, period_statistics
from plans.selectors import random_figures

ASSET_DIR = (Path(__file__).resolve().parent.parent / "report_assets").resolve()
ASSET_SCHEME = "report-asset:"
FONTCONFIG_FILE = ASSET_DIR / "fonts.conf"
logger = logging.getLogger(__name__)


class ReportRenderError(RuntimeError):
    """The message is shown to the user as is."""


def _asset_path(url: str) -> Path:
    if not url.startswith(ASSET_SCHEME):
        raise ValueError(f"报告渲染拒绝加载外部资源：{url[:100]}")
    path = (ASSET_DIR / url.removeprefix(ASSET_SCHEME)).resolve()
    if ASSET_DIR not in path.parents or not path.is_file():
        raise ValueError(f"报告资源不存在：{url[:100]}")
    return path


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ReportAssetFetcher(URLFetcher):
        """Serves only the product's own report assets; everything else is an error."""

        def fetch(self, url, headers=None):
            path = _asset_path(url)
            mime = mimetypes.guess_type(path.name)[0] or (
                "font/otf" if path.suffix == ".otf" else "application/octet-stream"
            )
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})

    return ReportAssetFetcher()


@contextmanager
def _only_report_fonts():
    """Fontconfig reads FONTCONFIG_FILE when WeasyPrint builds its configuration: pointing it at ours keeps the
    machine's fonts out of the PDF, so the output is the same everywhere. Restored after, because other code
    in this process (Chromium in the tests) needs the machine's fonts."""
    saved = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("FONTCONFIG_FILE", None)
        else:
            os.environ["FONTCONFIG_FILE"] = saved


def html_to_pdf(html: str) -> bytes:
    """Render in this process (the child of ``render_pdf``)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with _only_report_fonts():
        font_config = FontConfiguration()
    with chinese_justification():
        return HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf(font_config=font_config)


def render_pdf(html: str, *, timeout: float | None = None) -> bytes:
    timeout = settings.REPORT_RENDER_TIMEOUT if timeout is None else timeout
    try:
        return run_bounded(html_to_pdf, html, timeout=timeout)
    except BoundedWorkError as exc:
        if exc.kind == "timeout":
            raise ReportRenderError(f"报告渲染超过{timeout:g}秒的时间限制，已中止。") from None
        if exc.kind == "crashed":
            raise ReportRenderError("报告渲染进程意外退出。") from None
        logger.error("report render failed: %s", exc.detail)
        raise ReportRenderError("报告渲染失败，请检查报告内容。") from None


TITLE_CHARACTERS_PER_LINE = 20  # 2号 (22 pt) characters in the 156 mm line


@dataclass(frozen=True)
class _Attachment:
    number: int
    title: str
    kind: str

    @property
    def title_lines(self) -> list[str]:
        return title_lines(self.title, TITLE_CHARACTERS_PER_LINE)


@dataclass(frozen=True)
class _Cell:
    code: str
    name: str
    max: str
    score: str
    justification: str


def report_html(report: Report) -> str:
    sheet = scoring_sheet(report.assessment)
    stats = period_statistics(organization=report.organization, start=report.period_start, end=report.period_end)
    random = random_figures(organization=report.organization, start=report.period_start, end=report.period_end)
    values = placeholder_values(
        stats=stats, sheet=sheet, start=report.period_start, end=report.period_end, random=random
    )
    monthly = monthly_statistics(organization=report.organization, start=report.period_start, end=report.period_end)
    blocks = [
        {
            "numeral": numeral(i),
            "system": block.system,
            "max": normalize(block.system.max_score),
            "score": normalize(block.subtotal),
            "indicator_count": block.indicator_count,
            "rows": [
                _Cell(
                    code=row.indicator.code,
                    name=row.indicator.name,
                    max=normalize(row.indicator.max_score),
                    score="" if row.value is None else normalize(row.value),
                    justification=row.justification,
                )
                for row in block.rows
            ],
        }
        for i, block in enumerate(sheet.systems)
    ]
    org = report.organization
    # Both attachments are named in the 附件说明 under the body (GB/T 9704 7.3.4) exactly as titled on their pages.
    attachments = [
        _Attachment(1, f"{org.short_name}生态环境局规范化考核评分表", "scores"),
        _Attachment(2, f"{org.short_name}生态环境局考核得分与执法检查情况图", "charts"),
    ]
    sections = [
        replace(
            section,
            heading=keep_numbers_with_units(section.heading),
            paragraphs=[keep_numbers_with_units(text) for text in section.paragraphs],
        )
        for section in numbered_sections(report.sections.order_by("order"), values)
    ]
    written_on = chinese_date(report.written_on)
    return render_to_string(
        "assessment/report/document.html",
        {
            "report": report,
            "title_lines": title_lines(report.title, TITLE_CHARACTERS_PER_LINE),
            "sections": sections,
            "attachments": attachments,
            "signoff": signoff_layout(report.issuer_name, written_on),
            "written_on": written_on,
            "printed_on": chinese_date(report.printed_on),
            "period_label": period_label(report.period_start, report.period_end),
            "sheet": {"systems": blocks, "max": normalize(sheet.max_total), "total": normalize(sheet.total)},
            # Both charts are built by our code from numbers, with every text escaped.
            "systems_chart": mark_safe(
                charts.systems_chart([(b.system.name, b.subtotal, b.system.max_score) for b in sheet.systems])
            ),
            "monthly_chart": mark_safe(
                charts.monthly_chart([(f"{m.month.month}月", m.dispatches, m.source_checks) for m in monthly])
            ),
        },
    )


def build_report_pdf(report: Report) -> bytes:
    return render_pdf(report_html(report))
