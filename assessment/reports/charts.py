"""The appendix charts as SVG, drawn from the data (WeasyPrint keeps them as vector graphics)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from assessment.scoring import normalize

FONT = 'font-family="GW Hei"'
SCORE_COLOUR = "#c0392b"
MAX_COLOUR = "#d9d9d9"
DISPATCH_COLOUR = "#2f5597"
CHECK_COLOUR = "#c55a11"


def systems_chart(items: Sequence[tuple[str, Decimal, Decimal]]) -> str:
    """Horizontal bars: each system's score over its max. items: (name, score, max)."""
    width, label_w, bar_h, gap, top = 600, 170, 22, 16, 10
    height = top + len(items) * (bar_h + gap) + 10
    scale_max = max((float(m) for _, _, m in items), default=1) or 1
    plot_w = width - label_w - 80
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img">']
    for i, (name, score, maximum) in enumerate(items):
        y = top + i * (bar_h + gap)
        max_w = plot_w * float(maximum) / scale_max
        score_w = plot_w * float(score) / scale_max
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h * 0.72:.1f}" font-size="13" text-anchor="end" {FONT}>{escape(name)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max_w:.1f}" height="{bar_h}" fill="{MAX_COLOUR}"/>'
            f'<rect x="{label_w}" y="{y}" width="{score_w:.1f}" height="{bar_h}" fill="{SCORE_COLOUR}"/>'
            f'<text x="{label_w + max_w + 6:.1f}" y="{y + bar_h * 0.72:.1f}" font-size="13" {FONT}>'
            f"{escape(normalize(score))} / {escape(normalize(maximum))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def monthly_chart(months: Sequence[tuple[str, int, int]]) -> str:
    """Grouped columns per month: dispatches (批次) and source checks (户次). months: (label, dispatches, checks)."""
    width, height, left, bottom, top = 600, 260, 46, 34, 26
    plot_h = height - bottom - top
    plot_w = width - left - 10
    peak = max([d for _, d, _ in months] + [c for _, _, c in months] + [1])
    step = _nice_step(peak)
    axis_max = step * -(-peak // step)
    slot = plot_w / max(len(months), 1)
    bar_w = min(18, slot / 2.6)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img">']
    for tick in range(0, axis_max + 1, step):
        y = top + plot_h * (1 - tick / axis_max)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e0e0e0" stroke-width="0.8"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" {FONT}>{tick}</text>'
        )
    for i, (label, dispatches, checks) in enumerate(months):
        cx = left + slot * (i + 0.5)
        for offset, value, colour in ((-bar_w, dispatches, DISPATCH_COLOUR), (0, checks, CHECK_COLOUR)):
            h = plot_h * value / axis_max
            parts.append(
                f'<rect x="{cx + offset:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{cx:.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle" {FONT}>{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#000" stroke-width="1"/>'
        f'<rect x="{left + 8}" y="6" width="12" height="10" fill="{DISPATCH_COLOUR}"/>'
        f'<text x="{left + 24}" y="15" font-size="11" {FONT}>出动批次</text>'
        f'<rect x="{left + 92}" y="6" width="12" height="10" fill="{CHECK_COLOUR}"/>'
        f'<text x="{left + 108}" y="15" font-size="11" {FONT}>检查户次</text>'
        "</svg>"
    )
    return "".join(parts)


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 6:
            return step
    return 10 ** len(str(peak))
