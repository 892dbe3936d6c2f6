"""Every write on reports: create (or copy last year's), edit, render jobs, 签发 (sign-off) and corrections."""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, User
from assessment.models import IssuedReport, Report, ReportJob, ReportSection, SelfAssessment, SigningCredential
from assessment.reports import signing
from assessment.reports.content import UnknownPlaceholder, report_values, unknown_placeholders
from assessment.reports.demo import SECTIONS_2023
from assessment.reports.pdf import build_report_pdf
from assessment.services import AssessmentError, when_text
from audit import services as audit
from audit.context import current_ip, using_ip
from audit.models import AuditEvent
from audit.selectors import last_change

Audit = AuditEvent.Action

SIGN_PERMISSION = "assessment.sign_report"
EDIT_PERMISSION = "assessment.change_report"


@dataclass(frozen=True)
class SectionData:
    level: int
    heading: str
    body: str


def _ensure_may_edit(report: Report, user: User) -> None:
    if not user.has_perm(EDIT_PERMISSION) or user.organization_id != report.organization_id:
        raise PermissionDenied("只有本单位的填报人或领导可以编辑工作报告。")
    if not report.is_editable:
        raise AssessmentError("报告已签发，不能修改；如需更正，请由领导发起更正（生成新版本）。")


def _same_day_in(year: int, day: date) -> date:
    """The same month and day in another year; a month's last day stays its last day (28 or 29 February)."""
    last = calendar.monthrange(year, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, day.month, last)
    return date(year, day.month, min(day.day, last))


def _shift_year(text: str, old: int, new: int) -> str:
    return text.replace(f"〔{old}〕", f"〔{new}〕").replace(str(old), str(new)) if old != new else text


@transaction.atomic
def create_report(*, assessment: SelfAssessment, user: User) -> Report:
    """The year's report, starting as a copy of last year's when there is one."""
    if not user.has_perm(EDIT_PERMISSION) or user.organization_id != assessment.organization_id:
        raise PermissionDenied("只有本单位的填报人或领导可以创建工作报告。")
    existing = Report.objects.filter(organization=assessment.organization, year=assessment.year).first()
    if existing is not None:
        return existing
    org: Organization = assessment.organization
    year = assessment.year
    previous = (
        Report.objects.filter(organization=org, year__lt=year).order_by("-year").prefetch_related("sections").first()
    )
    if previous is not None:
        report = Report.objects.create(
            organization=org,
            year=year,
            assessment=assessment,
            issuer_mark=previous.issuer_mark,
            doc_number=_shift_year(previous.doc_number, previous.year, year),
            signatory=previous.signatory,
            addressee=previous.addressee,
            title=previous.title,
            period_start=_same_day_in(year, previous.period_start),
            period_end=_same_day_in(year, previous.period_end),
            issuer_name=previous.issuer_name,
            written_on=timezone.localdate(),
            cc=previous.cc,
            printed_by=previous.printed_by,
            printed_on=timezone.localdate(),
        )
        sections = [SectionData(s.level, s.heading, s.body) for s in previous.sections.all()]
    else:
        report = Report.objects.create(
            organization=org,
            year=year,
            assessment=assessment,
            issuer_mark=f"{org.name}文件",
            doc_number=f"〔{year}〕号",
            signatory="",
            addressee=org.parent.name if org.parent else "",
            title=f"{org.short_name}生态环境保护行政执法机构规范化建设工作报告",
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            issuer_name=org.name,
            written_on=timezone.localdate(),
            printed_by=f"{org.short_name}生态环境局办公室",
            printed_on=timezone.localdate(),
        )
        # The structure of the reference report, with its figures as placeholders, is a sound first draft.
        sections = [SectionData(level, heading, body) for level, heading, body in SECTIONS_2023]
    ReportSection.objects.bulk_create(
        ReportSection(report=report, order=i, level=s.level, heading=s.heading, body=s.body)
        for i, s in enumerate(sections, start=1)
    )
    return report


REPORT_FIELDS = (
    "issuer_mark",
    "doc_number",
    "signatory",
    "addressee",
    "title",
    "period_start",
    "period_end",
    "issuer_name",
    "written_on",
    "cc",
    "printed_by",
    "printed_on",
)


class StaleReport(AssessmentError):
    """The report was changed after the edit page was loaded: nothing was saved (no lost update)."""

    def __init__(self, current: Report):
        self.current = current
        event = last_change(current)
        who = event.actor_name if event is not None else "他人"
        super().__init__(
            f"该报告已被{who}于{when_text(current.updated_at)}修改，您的修改未保存；"
            f"当前内容见下方“当前保存的内容”，请刷新后重新填写。"
        )


def _section_lines(sections) -> dict[str, str]:
    return {
        f"第{i}节": f"{ReportSection.Level(s.level).label}｜{s.heading.strip()}｜{s.body.strip()}"
        for i, s in enumerate((s for s in sections if s.heading.strip() or s.body.strip()), start=1)
    }


@transaction.atomic
def update_report(
    *,
    report: Report,
    user: User,
    fields: dict,
    sections: Sequence[SectionData],
    expected_version: int | None = None,
) -> Report:
    """Save the edit page. ``expected_version`` is the version the page was loaded with; a save against any
    other version raises StaleReport and changes nothing. The database makes the check: the version is claimed
    with ``UPDATE … WHERE pk = … AND version = …`` before anything else is written."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _ensure_may_edit(report, user)
    version = report.version if expected_version is None else expected_version
    if not Report.objects.filter(pk=report.pk, version=version).update(version=F("version") + 1):
        raise StaleReport(report)
    report.version = version + 1
    before = {**audit.snapshot(report, REPORT_FIELDS), **_section_lines(report.sections.order_by("order"))}
    for name in REPORT_FIELDS:
        if name in fields:
            setattr(report, name, fields[name])
    if report.period_end < report.period_start:
        raise AssessmentError("统计期间的结束日期不能早于开始日期。")
    values = report_values(report)
    problems = [
        f"第{i}节：未知的占位符 " + "、".join("{" + n + "}" for n in missing)
        for i, s in enumerate(sections, start=1)
        if (missing := unknown_placeholders(s.heading + s.body, values))
    ]
    if problems:
        raise AssessmentError("；".join(problems) + "。")
    report.save()
    report.sections.all().delete()
    ReportSection.objects.bulk_create(
        ReportSection(report=report, order=i, level=s.level, heading=s.heading.strip(), body=s.body.strip())
        for i, s in enumerate(sections, start=1)
        if s.heading.strip() or s.body.strip()
    )
    changes = audit.diff(before, {**audit.snapshot(report, REPORT_FIELDS), **_section_lines(sections)})
    audit.record(actor=user, action=Audit.UPDATE, obj=report, changes=changes, note="编辑发文信息和正文")
    return report


@transaction.atomic
def configure_credential(
    *, organization: Organization, pkcs12_data: bytes, passphrase: str, actor: User | None = None
) -> SigningCredential:
    info = signing.check_pkcs12(pkcs12_data, passphrase)
    stored = SigningCredential.objects.filter(organization=organization).first()
    before = audit.snapshot(stored) if stored is not None else {}
    credential, created = SigningCredential.objects.update_or_create(
        organization=organization,
        defaults={
            "pkcs12": pkcs12_data,
            "passphrase_encrypted": signing.encrypt_passphrase(passphrase),
            "subject": info.subject,
            "not_after": info.not_after,
        },
    )
    # the certificate's subject and validity, never its key or passphrase (audit.services skips those fields)
    audit.record(
        actor=actor,
        action=Audit.CREATE if created else Audit.UPDATE,
        obj=credential,
        changes=audit.diff(before, audit.snapshot(credential)),
        note="配置签名证书",
    )
    return credential


def _ensure_may_sign(report: Report, user: User) -> None:
    if not user.has_perm(SIGN_PERMISSION) or user.organization_id != report.organization_id:
        raise PermissionDenied("只有本单位的领导可以签发工作报告。")
    if not report.assessment.is_district_approved:
        raise AssessmentError("自评尚未审定，不能签发工作报告。")
    if not report.is_editable:
        raise AssessmentError("报告已签发；如需更正，请先发起更正。")


def issue_report(*, report: Report, user: User, on_step=None) -> IssuedReport:
    """签发: render the final PDF, sign it, freeze it.

    The render and the signature happen before the transaction, so the page's progress bar (written by
    ``on_step``) is visible while they run; the transaction then takes a row lock, checks again that nothing
    changed and that nobody issued it meanwhile (two leaders clicking at once issue one report), and stores it.
    """
    report = Report.objects.select_related("assessment", "organization").get(pk=report.pk)
    _ensure_may_sign(report, user)
    credential = SigningCredential.objects.filter(organization=report.organization).first()
    if credential is None:
        raise AssessmentError("本单位尚未配置签名证书，请联系管理员在后台上传。")
    passphrase = signing.decrypt_passphrase(credential.passphrase_encrypted)
    signing.check_pkcs12(bytes(credential.pkcs12), passphrase)  # refuse before spending a render on it
    step = on_step or (lambda percent, text: None)
    step(20, "正在生成PDF")
    rendered_version = report.updated_at
    pdf = build_report_pdf(report)
    step(70, "正在数字签名")
    now = timezone.localtime()
    signed = signing.sign_pdf(
        pdf,
        pkcs12_data=bytes(credential.pkcs12),
        passphrase=passphrase,
        signer_name=report.signatory or str(user),
        issuer_name=report.issuer_name,
        when=now,
    )
    step(90, "正在保存")
    return _store_issued(
        report=report,
        user=user,
        signed=signed,
        now=now,
        rendered_version=rendered_version,
        certificate_subject=credential.subject,
    )


@transaction.atomic
def _store_issued(
    *, report: Report, user: User, signed: bytes, now, rendered_version, certificate_subject: str
) -> IssuedReport:
    report = Report.objects.select_for_update().select_related("assessment", "organization").get(pk=report.pk)
    _ensure_may_sign(report, user)
    if report.updated_at != rendered_version:
        raise AssessmentError("报告在签发过程中被修改，本次未签发；请核对后重新签发。")
    previous = report.versions.filter(superseded_at__isnull=True)
    previous_version = report.versions.order_by("-version").values_list("version", flat=True).first() or 0
    version = previous_version + 1
    previous.update(superseded_at=now)
    issued = IssuedReport.objects.create(
        report=report,
        version=version,
        pdf=signed,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        signed_by=user,
        signer_name=report.signatory or str(user),
        certificate_subject=certificate_subject,
        signed_at=now,
    )
    report.status = Report.Status.ISSUED
    report.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=user,
        action=Audit.SIGN,
        obj=report,
        changes={
            "status": [Report.Status.DRAFT.label, Report.Status.ISSUED.label],
            "版本": [previous_version or None, version],
            "SHA-256": [None, issued.sha256],
        },
        note=f"签发第{version}版（{report.doc_number}），签名证书：{certificate_subject}",
    )
    return issued


@transaction.atomic
def start_correction(*, report: Report, user: User) -> Report:
    """Reopen an issued report for a corrected version; the issued versions stay as they are."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not user.has_perm(SIGN_PERMISSION) or user.organization_id != report.organization_id:
        raise PermissionDenied("只有本单位的领导可以发起更正。")
    if report.status != Report.Status.ISSUED:
        raise AssessmentError("报告尚未签发，直接修改即可。")
    report.status = Report.Status.DRAFT
    report.version += 1  # an edit page opened before the sign-off is stale now
    report.save(update_fields=["status", "updated_at", "version"])
    audit.record(
        actor=user,
        action=Audit.WORKFLOW,
        obj=report,
        changes={"status": [Report.Status.ISSUED.label, Report.Status.DRAFT.label]},
        note="发起更正：修改后重新签发将生成新版本",
    )
    return report


# --- jobs in the task worker -------------------------------------------------------------------------


def request_job(*, report: Report, user: User, kind: str) -> ReportJob:
    if kind == ReportJob.Kind.ISSUE:
        _ensure_may_sign(report, user)
    elif not (user.has_perm("assessment.view_report") and report in Report.objects.for_user(user)):
        raise PermissionDenied
    job = ReportJob.objects.create(report=report, kind=kind, requested_by=user, requested_from=current_ip())
    from assessment.tasks import report_job_task

    transaction.on_commit(lambda: report_job_task.enqueue(job.pk))
    return job


def _progress(job_id: int):
    def update(percent: int, text: str) -> None:
        ReportJob.objects.filter(pk=job_id).update(progress=percent, step=text, status=ReportJob.Status.RUNNING)

    return update


def run_job(*, job_id: int) -> str:
    job = ReportJob.objects.select_related("report", "requested_by").get(pk=job_id)
    # the worker has no request: the sign-off is audited with the address the job was requested from
    with using_ip(job.requested_from):
        return _run_job(job)


def _run_job(job: ReportJob) -> str:
    step = _progress(job.pk)
    step(5, "已开始")
    try:
        if job.kind == ReportJob.Kind.ISSUE:
            issued = issue_report(report=job.report, user=job.requested_by, on_step=step)
            ReportJob.objects.filter(pk=job.pk).update(issued=issued)
            message = f"已签发第{issued.version}版。"
        else:
            step(30, "正在生成PDF")
            pdf = build_report_pdf(job.report)
            ReportJob.objects.filter(pk=job.pk).update(pdf=pdf)
            message = f"预览已生成（{len(pdf) // 1024} KB）。"
    except (AssessmentError, PermissionDenied, signing.SigningError, UnknownPlaceholder) as exc:
        _finish(job.pk, ReportJob.Status.FAILED, str(exc))
        return "failed"
    except Exception as exc:
        from assessment.reports.pdf import ReportRenderError

        text = str(exc) if isinstance(exc, ReportRenderError) else "生成失败，请稍后重试或联系管理员。"
        _finish(job.pk, ReportJob.Status.FAILED, text)
        raise
    _finish(job.pk, ReportJob.Status.DONE, message)
    return "done"


def fail_abandoned_jobs(*, now=None) -> int:
    """A render or sign-off whose worker died is failed after JOB_ABANDONED_SECONDS, never left "running".

    A sign-off is one transaction, so an interrupted one left the report unsigned; it can simply be run again.
    """
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.JOB_ABANDONED_SECONDS)
    abandoned = ReportJob.objects.filter(
        status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING], progress__gt=0, created_at__lt=limit
    )
    # Looked for before any UPDATE: every status poll calls this, and on SQLite an UPDATE, even of no row,
    # waits for the write lock that the worker may hold.
    if not abandoned.exists():
        return 0
    return abandoned.update(
        status=ReportJob.Status.FAILED,
        message="任务进程在处理过程中中断，报告未签发（未做任何修改）；请重新点击生成或签发。",
        finished_at=now,
        step="",
    )


def _finish(job_id: int, status: str, message: str) -> None:
    ReportJob.objects.filter(pk=job_id).update(
        status=status, message=message, progress=100, finished_at=timezone.now(), step=""
    )
