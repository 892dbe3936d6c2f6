"""The annual report pages: edit, preview, 签发, download, and the public verification page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessment import policies, selectors
from assessment.models import IssuedReport, Report, ReportJob, ReportSection
from assessment.reports import services
from assessment.reports.content import report_values
from assessment.reports.fonts import undrawable_in_report
from assessment.reports.forms import ReportForm, SectionFormSet, VerifyForm
from assessment.reports.verify import verify_pdf
from assessment.services import AssessmentError
from changning_enforce import ratelimit
from common.http import attachment_response

PDF = "application/pdf"
VERIFY_MAX_BYTES = 20 * 1024 * 1024


def _job_id(request: HttpRequest) -> int:
    value = request.GET.get("job", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


def _get_report(request: HttpRequest, pk: int) -> Report:
    reports = Report.objects.for_user(request.user).select_related("organization", "assessment")
    return get_object_or_404(reports, pk=pk)


@login_required
@require_POST
def report_create(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = get_object_or_404(selectors.assessments_for(request.user), pk=assessment_pk)
    report = services.create_report(assessment=assessment, user=request.user)
    messages.success(request, f"已创建{report}，请核对发文信息和正文。")
    return redirect("assessment:report-detail", pk=report.pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    sheet = selectors.scoring_sheet(report.assessment)
    try:
        values = report_values(report, sheet=sheet)
    except Exception:  # an error in the figures must not hide the page that fixes it
        values = {}
    user = request.user
    undrawable = undrawable_in_report(sheet=sheet, values=values) if report.is_editable else []
    return render(
        request,
        "assessment/report/detail.html",
        {
            "report": report,
            "undrawable": undrawable,
            "sections": report.sections.order_by("order"),
            "values": values,
            "versions": report.versions.select_related("signed_by").order_by("-version"),
            "can_edit": policies.may_edit_report(user, report) and report.is_editable,
            "can_sign": policies.may_sign_report(user, report),
            # ?job= comes from our redirect; anything else in it (a letter, a huge number) shows no job
            "job": ReportJob.objects.for_user(user).filter(report=report, pk=_job_id(request)).first(),
        },
    )


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    if not policies.may_edit_report(request.user, report):
        raise PermissionDenied
    if not report.is_editable:
        messages.error(request, "报告已签发，不能修改；如需更正，请由领导发起更正。")
        return redirect("assessment:report-detail", pk=pk)
    sections = report.sections.order_by("order")
    data = request.POST if request.method == "POST" else None
    if data is not None and _posted_version(data) != report.version:
        # Checked again in the database by update_report; here it spares the user a confusing formset error
        # about sections that another save has replaced.
        return _render_stale(request, report, str(services.StaleReport(report)))
    form = ReportForm(data, instance=report)
    formset = SectionFormSet(data, queryset=sections, prefix="sections")
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        kept = [
            services.SectionData(f.cleaned_data["level"], f.cleaned_data["heading"], f.cleaned_data["body"])
            for f in formset.kept_in_order()
        ]
        try:
            services.update_report(
                report=report,
                user=request.user,
                fields=form.cleaned_data,
                sections=kept,
                expected_version=_posted_version(data),
            )
        except services.StaleReport as exc:
            return _render_stale(request, exc.current, str(exc))
        except AssessmentError as exc:
            errors.append(str(exc))
        else:
            messages.success(request, "报告已保存。")
            return redirect("assessment:report-detail", pk=pk)
    return render(
        request,
        "assessment/report/edit.html",
        {"report": report, "form": form, "formset": formset, "errors": errors, "values": report_values(report)},
        status=400 if request.method == "POST" else 200,
    )


def _posted_version(data) -> int:
    try:
        return int(data.get("version") or 0)
    except ValueError:
        return 0


def _render_stale(request: HttpRequest, report: Report, message: str) -> HttpResponse:
    """The edit page again after a refused stale save: the user's input kept, the saved content shown beside it.

    The form now carries the current version, and its sections are offered as new ones (the ones it was loaded
    with may have been replaced), so that saving again — after reading what is saved — is a deliberate choice.
    """
    report = Report.objects.select_related("organization", "assessment").get(pk=report.pk)
    current = [
        (str(Report._meta.get_field(name).verbose_name), getattr(report, name)) for name in services.REPORT_FIELDS
    ]
    current_sections = list(report.sections.order_by("order"))
    data = request.POST.copy()
    data["version"] = str(report.version)
    data["sections-INITIAL_FORMS"] = "0"
    deleted = {k[: -len("DELETE")] for k in data if k.startswith("sections-") and k.endswith("-DELETE") and data[k]}
    for key in [k for k in data if k.endswith("-id") or any(k.startswith(prefix) for prefix in deleted)]:
        if key.startswith("sections-"):
            del data[key]  # sections the user removed stay removed; the others come back as new ones
    editing = Report.objects.get(pk=report.pk)  # the form's own copy: validating it changes it in memory
    return render(
        request,
        "assessment/report/edit.html",
        {
            "report": report,
            "form": ReportForm(data, instance=editing),
            "formset": SectionFormSet(data, queryset=ReportSection.objects.none(), prefix="sections"),
            "errors": [message],
            "values": report_values(report),
            "current": current,
            "current_sections": current_sections,
        },
        status=409,
    )


@login_required
@require_POST
def report_job_start(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    report = _get_report(request, pk)
    if kind not in ReportJob.Kind.values:
        raise PermissionDenied
    try:
        job = services.request_job(report=report, user=request.user, kind=kind)
    except AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessment:report-detail", pk=pk)
    messages.info(request, f"已开始{job.get_kind_display()}，完成后在下方显示结果。")
    return redirect(reverse("assessment:report-detail", args=[pk]) + f"?job={job.pk}")


@login_required
def report_job_status(request: HttpRequest, job_pk: int) -> JsonResponse:
    services.fail_abandoned_jobs()
    job = get_object_or_404(ReportJob.objects.for_user(request.user), pk=job_pk)
    data = {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "step": job.step,
        "message": job.message,
        "done": job.status in (ReportJob.Status.DONE, ReportJob.Status.FAILED),
        "failed": job.status == ReportJob.Status.FAILED,
    }
    if job.status == ReportJob.Status.DONE and job.kind == ReportJob.Kind.PREVIEW:
        data["download"] = reverse("assessment:report-job-pdf", args=[job.pk])
    if job.status == ReportJob.Status.DONE and job.issued_id:
        data["download"] = reverse("assessment:report-version-pdf", args=[job.report_id, job.issued.version])
    return JsonResponse(data)


@login_required
def report_job_pdf(request: HttpRequest, job_pk: int) -> HttpResponse:
    job = get_object_or_404(
        ReportJob.objects.for_user(request.user).select_related("report__organization"),
        pk=job_pk,
        kind=ReportJob.Kind.PREVIEW,
        status=ReportJob.Status.DONE,
    )
    report = job.report
    return attachment_response(
        bytes(job.pdf),
        filename=f"{report}（预览，未签发）.pdf",
        ascii_name=f"report-{report.organization.code}-{report.year}-preview.pdf",
        content_type=PDF,
    )


@login_required
def report_version_pdf(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    issued = get_object_or_404(
        IssuedReport.objects.for_user(request.user).select_related("report__organization"),
        report_id=pk,
        version=version,
    )
    report = issued.report
    response = attachment_response(
        bytes(issued.pdf),
        filename=f"{report}（第{issued.version}版）.pdf",
        ascii_name=f"report-{report.organization.code}-{report.year}-v{issued.version}.pdf",
        content_type=PDF,
    )
    response["X-Content-SHA256"] = issued.sha256
    return response


@login_required
@require_POST
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    try:
        services.start_correction(report=report, user=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已发起更正：修改后重新签发将生成新版本，原版本保留并标记为已更正。")
    return redirect("assessment:report-detail", pk=pk)


def report_verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone holding a copy may check it. It reveals only what the issued document itself says."""
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    result = None
    if request.method == "POST" and not ratelimit.allow(
        request,
        scope="report-verify",
        limit=settings.REPORT_VERIFY_RATE,
        per_seconds=settings.REPORT_VERIFY_RATE_SECONDS,
    ):
        minutes = max(1, settings.REPORT_VERIFY_RATE_SECONDS // 60)
        refused = f"核验次数过多：每个地址{minutes}分钟内最多核验{settings.REPORT_VERIFY_RATE}次，请稍后再试。"
        context = {"form": VerifyForm(), "result": None, "refused": refused}
        return render(request, "assessment/report/verify.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["pdf"]
        if upload.size > VERIFY_MAX_BYTES:
            form.add_error("pdf", "文件超过20 MB，不是本系统签发的有效报告。")
        else:
            result = verify_pdf(upload.read())
    return render(request, "assessment/report/verify.html", {"form": form, "result": result})
