"""The 抽查记录 as a PDF: rendered like the annual report (assessment.reports.pdf), with only the product's
fonts and no outside resources, in a child process with a time limit. Returns bytes."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from assessment.reports.pdf import render_pdf
from plans.draw import CATEGORY_LABELS
from plans.models import Draw


def draw_record_html(draw: Draw) -> str:
    labels = draw.labels
    tasks = [
        {
            "number": n,
            "category": CATEGORY_LABELS.get(t["category"], t["category"]),
            "source": labels.get("sources", {}).get(t["source"], ""),
            "code": t["source"],
            "item": labels.get("items", {}).get(t["item"], t["item"]),
            "officers": "、".join(f"{labels.get('officers', {}).get(k, '')}（{k}）" for k in t["officers"]),
        }
        for n, t in enumerate(draw.result["tasks"], start=1)
    ]
    quotas = [
        (CATEGORY_LABELS.get(c, c), n, len(draw.inputs["sources"].get(c, [])), draw.list_hashes.get(f"sources:{c}", ""))
        for c, n in draw.inputs["quotas"].items()
    ]
    return render_to_string(
        "plans/draw_record.html",
        {
            "draw": draw,
            "organization": labels.get("organization", ""),
            "plan": labels.get("plan", ""),
            "tasks": tasks,
            "quotas": quotas,
            "officer_count": len(draw.inputs["officers"]),
            "officers_hash": draw.list_hashes.get("officers", ""),
            "ran_at": timezone.localtime(draw.ran_at),
        },
    )


def build_draw_pdf(draw: Draw) -> bytes:
    return render_pdf(draw_record_html(draw))
