"""Background tasks, run by `python manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from inspections.services.imports import run_ledger_import_job


@task()
def import_ledger_task(job_id: int) -> str:
    return run_ledger_import_job(job_id=job_id, max_bytes=settings.LEDGER_MAX_BYTES)
