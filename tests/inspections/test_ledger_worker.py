"""The real background path: the upload queues a task in the database and `manage.py db_worker`
(django-tasks' database backend) picks it up and imports the ledger."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from inspections.ledger.reader import PROGRESS_EVERY, read_ledger
from inspections.models import LedgerImport
from tests.inspections.records_helpers import headers, jan_aug, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def dispatch_rows(count: int) -> list[list]:
    start = date(2023, 1, 1)
    return [headers("执法出动")] + [
        [f"CD{n:06d}", start + timedelta(days=n % 243), 2 + n % 2, "", "日常监管", ""] for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_an_upload_waits_for_the_worker_which_imports_it(client, alice, changning, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(alice)
    data = workbook({"执法出动": dispatch_rows(3000)})
    response = client.post(reverse("inspections:import"), {"workbook": SimpleUploadedFile("大.xlsx", data, XLSX)})
    job = LedgerImport.objects.get()
    assert response.status_code == 302
    # Nothing has run yet: the task waits in the database for a worker.
    assert job.status == "queued"
    assert DBTaskResult.objects.get().status == "READY"
    status = client.get(reverse("inspections:import-status", args=[job.pk])).json()
    assert status["status_label"] == "排队中" and not status["finished"]

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")

    job.refresh_from_db()
    assert job.status == "succeeded", job.errors
    assert job.rows_total == 3000 and job.started_at and job.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert jan_aug(changning).dispatches == 3000
    status = client.get(reverse("inspections:import-status", args=[job.pk])).json()
    assert status["finished"] and status["summary"] == ["执法出动：新增3000条，更新0条，未变化0条"]


def test_reading_reports_progress():
    seen, totals = [], []
    ledger = read_ledger(
        workbook({"执法出动": dispatch_rows(5000)}), max_bytes=10**8, progress=seen.append, on_total=totals.append
    )
    assert totals == [5000]
    assert seen == [PROGRESS_EVERY, 2 * PROGRESS_EVERY, 5000]
    assert ledger.row_count == 5000
