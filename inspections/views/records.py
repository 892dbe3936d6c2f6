"""List, detail, create, edit and delete pages, one set of thin views for every kind of record."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from inspections import policies, services
from inspections.models import Dispatch, PenaltyCase, PollutionSource
from inspections.selectors import record_list, record_sort
from inspections.views.common import KINDS, TABS, RecordKind, chosen_organization, own_organization, require
from inspections.views.paging import KeysFirstPaginator

PAGE_SIZE = 50


def _after_save(kind: RecordKind, record: Model) -> str:
    if kind.has_detail:
        return reverse(f"inspections:{kind.name}-detail", args=[record.pk])
    return reverse(f"inspections:{kind.name}-list")


@login_required
def record_list_view(request: HttpRequest, kind: str) -> HttpResponse:
    k = KINDS[kind]
    require(policies.may_view_records(request.user, k.model))
    organization, organizations = chosen_organization(request)
    filter_form = k.filter(request.GET, organization=organization, organizations=organizations)
    sort = record_sort(k.model, request.GET.get("sort"))
    rows = filter_form.apply(record_list(k.model, request.user, organization, sort=sort))
    page = KeysFirstPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    start, end = filter_form.period()
    export_query = {"org": organization.code}
    export_query.update({key: value.isoformat() for key, value in (("start", start), ("end", end)) if value})
    return render(
        request,
        f"inspections/{k.name}_list.html",
        {
            "kind": k,
            "tabs": TABS,
            "current_tab": f"{k.name}-list",
            "organization": organization,
            "filter": filter_form,
            "page_obj": page,
            "sort": sort,
            # kept by the filter form only when the user chose it, so that the default stays implicit in links
            "sort_chosen": sort if request.GET.get("sort") == sort else "",
            "can_add": policies.may_add_record(request.user, k.model, organization),
            "export_query": urlencode(export_query),
        },
    )


@login_required
def record_detail_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k = KINDS[kind]
    require(policies.may_view_records(request.user, k.model))
    record = get_object_or_404(k.model.objects.for_user(request.user).select_related("organization"), pk=pk)
    context = {
        "kind": k,
        "tabs": TABS,
        "current_tab": f"{k.name}-list",
        "record": record,
        "can_change": policies.may_change_record(request.user, record),
    }
    if isinstance(record, PollutionSource):
        context["inspections"] = record.inspections.select_related("dispatch").order_by("-inspected_on", "-pk")
        context["cases"] = record.cases.order_by("-filed_on", "-case_number")
    elif isinstance(record, PenaltyCase):
        context["measures"] = record.measures.order_by("started_on", "pk")
        context["periods"] = record.statutory_periods()
        context["today"] = timezone.localdate()
    elif isinstance(record, Dispatch):
        context["inspections"] = record.inspections.select_related("source").order_by("source__name")
        context["officers"] = record.officer_list()
    return render(request, f"inspections/{k.name}_detail.html", context)


def _initial(request: HttpRequest, kind: RecordKind) -> dict[str, str]:
    """Prefill from the page the user came from: a dispatch's or a source's “add inspection/case” link."""
    initial: dict[str, str] = {}
    organization = own_organization(request)
    if kind.name == "inspection" and request.GET.get("dispatch", "").isdigit():
        dispatch = Dispatch.objects.filter(organization=organization, pk=request.GET["dispatch"]).first()
        if dispatch is not None:
            initial.update(dispatch_number=dispatch.number, inspected_on=dispatch.dispatched_on)
    if kind.name == "measure" and request.GET.get("case", "").isdigit():
        case = PenaltyCase.objects.filter(organization=organization, pk=request.GET["case"]).first()
        if case is not None:
            initial["case_number"] = case.case_number
    if kind.name in ("inspection", "case") and request.GET.get("source", "").isdigit():
        source = PollutionSource.objects.filter(organization=organization, pk=request.GET["source"]).first()
        if source is not None:
            initial["source_code"] = source.credit_code
    return initial


def _render_form(
    request: HttpRequest,
    kind: RecordKind,
    form,
    record: Model | None,
    status: int = 200,
    current: list[tuple[str, str]] | None = None,
    stale: str = "",
) -> HttpResponse:
    return render(
        request,
        "inspections/record_form.html",
        {
            "kind": kind,
            "tabs": TABS,
            "current_tab": f"{kind.name}-list",
            "form": form,
            "record": record,
            "current": current,
            "stale": stale,
        },
        status=status,
    )


def _form_text(field: forms.Field, value) -> str:
    if isinstance(field, forms.ModelMultipleChoiceField):
        ids = [getattr(v, "pk", v) for v in value or []]
        return "、".join(str(o) for o in field.queryset.filter(pk__in=ids)) if ids else ""
    if isinstance(field, forms.ModelChoiceField):
        return str(field.queryset.filter(pk=getattr(value, "pk", value)).first() or "") if value else ""
    if isinstance(field, forms.BooleanField):
        return "是" if value else "否"
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value or ""))
    return "" if value is None else str(value)


def _current_values(kind: RecordKind, record: Model) -> list[tuple[str, str]]:
    """The stored record as its form shows it: (label, value) for every visible field."""
    shown = kind.form(instance=record, organization=record.organization)
    return [(str(bf.label), _form_text(bf.field, bf.initial)) for bf in shown if not bf.is_hidden]


def _stale(request: HttpRequest, kind: RecordKind, form, exc: services.StaleRecord) -> HttpResponse:
    """Refused as stale: the user's input again, beside the stored values, with the version now current, so
    that saving once more (after reading them) is a deliberate choice rather than a lost update."""
    current = exc.current
    data = form.data.copy()
    data["version"] = str(current.version)
    again = kind.form(data, instance=type(current).objects.get(pk=current.pk), organization=current.organization)
    again.is_valid()
    return _render_form(
        request, kind, again, current, status=409, current=_current_values(kind, current), stale=str(exc)
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_create_view(request: HttpRequest, kind: str) -> HttpResponse:
    k = KINDS[kind]
    organization = own_organization(request)
    require(policies.may_add_record(request.user, k.model, organization))
    form = k.form(request.POST or None, organization=organization, initial=_initial(request, k))
    if request.method == "POST":
        if form.is_valid():
            record = services.save_record(user=request.user, form=form)
            messages.success(request, f"已新增{k.title}“{record}”。")
            return redirect(_after_save(k, record))
        return _render_form(request, k, form, None, status=400)
    return _render_form(request, k, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k = KINDS[kind]
    record = get_object_or_404(k.model.objects.writable_by(request.user), pk=pk)
    require(policies.may_change_record(request.user, record))
    form = k.form(request.POST or None, instance=record, organization=record.organization)
    if request.method == "POST":
        if form.is_valid():
            try:
                record = services.save_record(user=request.user, form=form)
            except services.StaleRecord as exc:
                return _stale(request, k, form, exc)
            messages.success(request, f"已保存{k.title}“{record}”。")
            return redirect(_after_save(k, record))
        return _render_form(request, k, form, record, status=400)
    return _render_form(request, k, form, record)


@login_required
@require_http_methods(["GET", "POST"])
def record_delete_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k = KINDS[kind]
    record = get_object_or_404(k.model.objects.writable_by(request.user), pk=pk)
    require(policies.may_delete_record(request.user, record))
    if request.method == "POST":
        try:
            services.delete_record(user=request.user, record=record)
        except services.RecordError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已删除{k.title}“{record}”。")
            return redirect(f"inspections:{k.name}-list")
    return render(
        request,
        "inspections/record_delete.html",
        {"kind": k, "tabs": TABS, "current_tab": f"{k.name}-list", "record": record},
    )
