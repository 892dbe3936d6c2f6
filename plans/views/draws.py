"""Running a draw, its page, the redraw, and the record as PDF, xlsx and JSON."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessment.reports.pdf import ReportRenderError
from common.http import XLSX_MIME, attachment_response
from plans import policies, record, selectors, services
from plans.forms import ReasonForm
from plans.pdf import build_draw_pdf
from plans.views.common import TABS, draw_for, monthly_plan_for


@login_required
@require_POST
def draw_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = monthly_plan_for(request, pk)
    try:
        draw = services.run_draw(user=request.user, plan=plan, request=request)
    except services.PlanError as exc:
        messages.error(request, f"未抽查：{exc}")
        return redirect("plans:monthly-detail", plan.pk)
    messages.success(request, f"已完成抽查，抽取{draw.tasks.count()}家；记录已保存，可下载核验。")
    return redirect("plans:draw-detail", draw.pk)


@login_required
def draw_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = draw_for(request, pk)
    labels = draw.labels
    return render(
        request,
        "plans/draw_detail.html",
        {
            "tabs": TABS,
            "draw": draw,
            "plan": draw.plan,
            "progress": selectors.task_progress(draw, today=timezone.localdate()),
            "hashes": sorted(draw.list_hashes.items()),
            "excluded": labels.get("excluded", {}),
            "replaced_by": getattr(draw, "replaced_by", None),
            "may_redraw": policies.may_redraw(request.user, draw),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def redraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = draw_for(request, pk)
    try:
        new = services.run_draw(
            user=request.user, plan=draw.plan, replaces=draw, reason=request.POST.get("reason", ""), request=request
        )
    except services.PlanError as exc:
        messages.error(request, f"未重新抽查：{exc}")
        return redirect("plans:draw-detail", draw.pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("plans:draw-detail", draw.pk)
    messages.success(request, f"已重新抽查（第{new.number}次），原第{draw.number}次记录保留。")
    return redirect("plans:draw-detail", new.pk)


def _names(draw, extension: str) -> tuple[str, str]:
    plan = draw.plan
    return (
        f"{plan.organization.short_name}{plan.year}年{plan.month}月第{draw.number}次抽查记录.{extension}",
        f"draw-{plan.organization.code}-{plan.year}-{plan.month:02d}-{draw.number}.{extension}",
    )


@login_required
def draw_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = draw_for(request, pk)
    try:
        data = build_draw_pdf(draw)
    except ReportRenderError as exc:
        messages.error(request, str(exc))
        return redirect("plans:draw-detail", draw.pk)
    name, ascii_name = _names(draw, "pdf")
    return attachment_response(data, filename=name, ascii_name=ascii_name, content_type="application/pdf")


@login_required
def draw_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = draw_for(request, pk)
    name, ascii_name = _names(draw, "xlsx")
    return attachment_response(
        record.to_xlsx(record.record_of(draw)), filename=name, ascii_name=ascii_name, content_type=XLSX_MIME
    )


@login_required
def draw_json_view(request: HttpRequest, pk: int) -> HttpResponse:
    draw = draw_for(request, pk)
    name, ascii_name = _names(draw, "json")
    return attachment_response(
        record.to_json(record.record_of(draw)), filename=name, ascii_name=ascii_name, content_type="application/json"
    )
