"""The audit page (/audit/): the trail the user may read, filtered, 50 a page, and its .xlsx / CSV export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from audit import exports, services
from audit.forms import EventFilterForm
from audit.models import VIEW_PERMISSION, AuditEvent, can_view_all_events
from audit.selectors import change_lines, events_for, object_type_label
from common.http import XLSX_MIME, attachment_response

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


def _filter_form(request: HttpRequest) -> EventFilterForm:
    organizations = Organization.objects.order_by("kind", "code") if can_view_all_events(request.user) else None
    return EventFilterForm(request.GET or None, organizations=organizations)


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    events = events_for(request.user, form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (event, object_type_label(event.object_type) if event.object_type else "", change_lines(event))
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "query": query.urlencode(),
            "sees_all": can_view_all_events(request.user),
        },
    )


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def event_export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filters()
    events = events_for(request.user, filters)
    count = events.count()
    if count > EXPORT_MAX_ROWS:
        messages.error(
            request, f"符合条件的审计记录有{count}条，超过单次导出上限{EXPORT_MAX_ROWS}条，请缩小日期范围后再导出。"
        )
        return redirect(reverse("audit:list") + ("?" + request.GET.urlencode() if request.GET else ""))
    rows = events.iterator(chunk_size=2000)
    data = exports.events_xlsx(rows) if fmt == "xlsx" else exports.events_csv(rows)
    # Reading the trail out of the system is itself worth a line in it.
    services.record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        organization=request.user.organization_id,
        note=f"导出{count}条审计记录（{fmt.upper()}）；筛选条件：{_describe(form) or '无'}",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return attachment_response(
        data,
        filename=f"审计记录-{stamp}.{fmt}",
        ascii_name=f"audit-{stamp}.{fmt}",
        content_type=XLSX_MIME if fmt == "xlsx" else "text/csv; charset=utf-8",
    )


def _describe(form: EventFilterForm) -> str:
    if not form.is_bound or not form.is_valid():
        return ""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        parts.append(f"{field.label}={value}")
    return "，".join(parts)
