"""The ledger workbook on the web: export, empty template, upload, import progress and error report."""

from __future__ import annotations

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from common.http import XLSX_MIME, attachment_response
from common.periods import PeriodDateField, check_period
from inspections import policies, services
from inspections.exports import export_filenames, ledger_export
from inspections.forms import LedgerUploadForm
from inspections.ledger.rows import Problem
from inspections.ledger.writer import error_report_workbook, ledger_workbook
from inspections.models import LedgerImport
from inspections.services.imports import fail_abandoned_imports
from inspections.services.ledger import summary_lines
from inspections.views.common import TABS, chosen_organization, own_organization, require

ERRORS_ON_PAGE = 200


class ExportPeriod(django_forms.Form):
    start = PeriodDateField(required=False)
    end = PeriodDateField(required=False)

    def clean(self):
        cleaned = super().clean()
        check_period(cleaned.get("start"), cleaned.get("end"))
        return cleaned


@login_required
def ledger_export_view(request: HttpRequest) -> HttpResponse:
    require(policies.may_view_records(request.user))
    organization, _ = chosen_organization(request)
    period = ExportPeriod(request.GET)
    if not period.is_valid():
        problems = "；".join(e for errors in period.errors.values() for e in errors)
        return HttpResponse(
            f"导出期间不正确（日期格式应为 YYYY-MM-DD）：{problems}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    start, end = period.cleaned_data["start"], period.cleaned_data["end"]
    filename, ascii_name = export_filenames(organization, start, end)
    return attachment_response(
        ledger_export(organization=organization, start=start, end=end),
        filename=filename,
        ascii_name=ascii_name,
        content_type=XLSX_MIME,
    )


@login_required
def ledger_template_view(request: HttpRequest) -> HttpResponse:
    require(policies.may_view_records(request.user))
    return attachment_response(
        ledger_workbook({}), filename="执法台账模板.xlsx", ascii_name="ledger-template.xlsx", content_type=XLSX_MIME
    )


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not policies.may_import_ledger(request.user):
        raise PermissionDenied
    organization = own_organization(request)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        job = services.start_ledger_import(
            user=request.user,
            data=upload.read(settings.LEDGER_MAX_BYTES + 1),
            filename=upload.name,
            max_bytes=settings.LEDGER_MAX_BYTES,
        )
        # A file refused at once is a failed import already: its page lists why and offers the error report.
        if job.status != LedgerImport.Status.FAILED:
            messages.info(
                request, f"已上传“{upload.name}”，正在后台导入；进度和结果显示在本页，可以离开本页稍后再来查看。"
            )
        return redirect("inspections:import-detail", pk=job.pk)
    recent = LedgerImport.objects.for_user(request.user).filter(organization=organization).defer("errors")[:10]
    return render(
        request,
        "inspections/import.html",
        {"tabs": TABS, "current_tab": "import", "form": form, "recent": recent},
        status=400 if form.errors else 200,
    )


def _get_job(request: HttpRequest, pk: int, *, with_errors: bool = False) -> LedgerImport:
    fail_abandoned_imports()
    jobs = LedgerImport.objects.for_user(request.user).select_related("created_by")
    return get_object_or_404(jobs if with_errors else jobs.defer("errors"), pk=pk)


def job_state(job: LedgerImport) -> dict[str, object]:
    """What the page shows of an import, also sent as JSON to the page's progress script."""
    state: dict[str, object] = {
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "percent": job.percent,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "finished": job.is_finished,
    }
    if job.status == LedgerImport.Status.SUCCEEDED:
        state["summary"] = summary_lines(job.summary)
    if job.status == LedgerImport.Status.FAILED:
        state["error_count"] = job.error_count
        state["errors"] = [Problem(**e).message for e in job.errors[:ERRORS_ON_PAGE]]
        state["errors_url"] = reverse("inspections:import-errors", args=[job.pk])
    return state


@login_required
def import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job(request, pk, with_errors=True)
    return render(
        request,
        "inspections/import_detail.html",
        {"tabs": TABS, "current_tab": "import", "job": job, "state": job_state(job), "errors_on_page": ERRORS_ON_PAGE},
    )


@login_required
def import_status_view(request: HttpRequest, pk: int) -> JsonResponse:
    job = _get_job(request, pk)
    if job.status == LedgerImport.Status.FAILED:
        job = _get_job(request, pk, with_errors=True)  # read the (possibly large) error list only once finished
    return JsonResponse(job_state(job), headers={"Cache-Control": "no-store"})


@login_required
def import_errors_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job(request, pk, with_errors=True)
    if job.status != LedgerImport.Status.FAILED:
        return redirect("inspections:import-detail", pk=pk)
    return attachment_response(
        error_report_workbook(job.errors, unlisted=job.error_count - len(job.errors)),
        filename=f"台账导入错误清单_{job.pk}.xlsx",
        ascii_name=f"ledger-import-{job.pk}-errors.xlsx",
        content_type=XLSX_MIME,
    )
