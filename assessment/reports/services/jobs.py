"""Report jobs run by the task worker: a preview render or a 签发, with progress the page polls."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessment import policies
from assessment.models import Report, ReportJob
from assessment.reports import signing
from assessment.reports.content import UnknownPlaceholder
from assessment.reports.pdf import build_report_pdf
from assessment.reports.services.signoff import ensure_may_sign, issue_report
from assessment.services.common import AssessmentError
from audit.context import current_ip, using_ip


def request_job(*, report: Report, user: User, kind: str) -> ReportJob:
    if kind == ReportJob.Kind.ISSUE:
        ensure_may_sign(report, user)
    elif not policies.may_preview_report(user, report):
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
