"""A ledger upload's life: checked and stored in the request, imported by the task worker.

The request only does what is quick (file-level checks, storing the file, queueing); reading and
writing 100,000 rows happens in ``run_ledger_import_job`` inside the worker. A file refused by those checks
is recorded as a failed import too, without the file, so that its errors are on the import's page and in
its downloadable error report like those of a refused row. Progress is written with
single UPDATEs outside the import's transaction, so the page can poll it while the import runs.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.context import current_ip, using_ip
from inspections import policies
from inspections.ledger.reader import check_ledger_file
from inspections.ledger.rows import LedgerError, Problem
from inspections.models import LedgerImport
from inspections.services.ledger import import_ledger, read_ledger_for_import

logger = logging.getLogger(__name__)


def start_ledger_import(*, user: User, data: bytes, filename: str, max_bytes: int) -> LedgerImport:
    """Check and store an uploaded ledger and queue its import.

    A file refused by the quick checks (not an .xlsx, macro-enabled, too large, too many rows…) comes back
    as a finished, failed import holding the reasons, and nothing of the file is kept.
    """
    if not policies.may_import_ledger(user):
        raise PermissionDenied("只有本单位的填报人可以导入执法台账。")
    try:
        check_ledger_file(data, max_bytes=max_bytes)
    except LedgerError as exc:
        return _record_refused(user=user, filename=filename, error=exc)
    # Imported here because the task module imports this one.
    from inspections.tasks import import_ledger_task

    job = LedgerImport(
        organization_id=user.organization_id,
        created_by=user,
        original_name=filename[:255],
        uploaded_from=current_ip(),
    )
    job.file.save(f"ledger-imports/{user.organization_id}/{uuid.uuid4().hex}.xlsx", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save()
            # Queued inside the same transaction: with the database backend the job and its task
            # are stored together or not at all.
            result = import_ledger_task.enqueue(job.pk)
            LedgerImport.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    except Exception:
        job.file.storage.delete(job.file.name)
        raise
    job.refresh_from_db()
    return job


def _record_refused(*, user: User, filename: str, error: LedgerError) -> LedgerImport:
    now = timezone.now()
    return LedgerImport.objects.create(
        organization_id=user.organization_id,
        created_by=user,
        original_name=filename[:255],
        uploaded_from=current_ip(),
        status=LedgerImport.Status.FAILED,
        stage="文件未通过检查，未导入任何内容",
        errors=[p.as_dict() for p in error.problems],
        error_count=len(error.problems) + error.unlisted,
        started_at=now,
        finished_at=now,
    )


def _update(job: LedgerImport, **fields: object) -> None:
    LedgerImport.objects.filter(pk=job.pk).update(**fields)


def _fail(job: LedgerImport, problems: list[Problem], unlisted: int = 0) -> None:
    _update(
        job,
        status=LedgerImport.Status.FAILED,
        stage="有错误，未导入任何内容",
        errors=[p.as_dict() for p in problems],
        error_count=len(problems) + unlisted,
        finished_at=timezone.now(),
    )


INTERRUPTED = "任务进程在导入过程中中断，未导入任何内容；请重新上传该台账。"


def fail_abandoned_imports(*, now: datetime | None = None) -> int:
    """An import whose worker died mid-way is failed after JOB_ABANDONED_SECONDS, never left "running".

    Nothing of it was written (the rows are written in one transaction at the end), so the same file can be
    uploaded again. Called whenever an import's state is read, and by `manage.py recover_jobs`.
    """
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.JOB_ABANDONED_SECONDS)
    abandoned = LedgerImport.objects.filter(status=LedgerImport.Status.RUNNING, started_at__lt=limit)
    # Looked for before any UPDATE: every status poll calls this, and on SQLite an UPDATE, even of no row,
    # waits for the write lock that the worker holds while it writes an import.
    if not abandoned.exists():
        return 0
    return abandoned.update(
        status=LedgerImport.Status.FAILED,
        stage="任务中断，未导入任何内容",
        errors=[Problem("", None, "", INTERRUPTED).as_dict()],
        error_count=1,
        finished_at=now,
    )


def run_ledger_import_job(*, job_id: int, max_bytes: int) -> str:
    """Read and import one queued ledger; the outcome is stored on the job. Returns the final status."""
    job = LedgerImport.objects.select_related("organization", "created_by").get(pk=job_id)
    # the worker has no request: the import is audited with the address the file was uploaded from
    with using_ip(job.uploaded_from):
        return _run(job, max_bytes)


def _run(job: LedgerImport, max_bytes: int) -> str:
    job_id = job.pk
    if job.status != LedgerImport.Status.QUEUED:
        # A task that is delivered twice must not import twice.
        return job.status
    _update(job, status=LedgerImport.Status.RUNNING, stage="正在读取台账", started_at=timezone.now())
    try:
        with job.file.open("rb") as stored:
            data = stored.read(max_bytes + 1)
        ledger = read_ledger_for_import(
            organization=job.organization,
            data=data,
            max_bytes=max_bytes,
            progress=lambda done: _update(job, rows_done=done),
            on_total=lambda total: _update(job, rows_total=total),
        )
        del data
        _update(job, stage="正在写入数据库", rows_done=ledger.row_count)
        summary = import_ledger(organization=job.organization, ledger=ledger, actor=job.created_by, job=job)
    except LedgerError as exc:
        _fail(job, exc.problems, exc.unlisted)
        return LedgerImport.Status.FAILED
    except IntegrityError:
        logger.exception("ledger import %s conflicted with a concurrent change", job_id)
        _fail(
            job,
            [
                Problem(
                    "",
                    None,
                    "",
                    "导入时本单位的记录被同时修改（可能有另一个导入正在进行），未导入任何内容，请稍后重新上传。",
                )
            ],
        )
        return LedgerImport.Status.FAILED
    except Exception:
        logger.exception("ledger import %s failed", job_id)
        _fail(job, [Problem("", None, "", "导入时发生系统错误，未导入任何内容；请联系管理员查看服务器日志。")])
        raise
    _update(
        job,
        status=LedgerImport.Status.SUCCEEDED,
        stage="导入完成",
        summary=summary.as_dict(),
        finished_at=timezone.now(),
    )
    return LedgerImport.Status.SUCCEEDED
