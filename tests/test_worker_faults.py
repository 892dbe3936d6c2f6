"""The task worker killed in the middle of its work: nothing half-written, nothing stuck, and it can be re-run.

A real `manage.py db_worker` process works on the test database and is killed with SIGKILL, as a crash or an
OOM kill would. PostgreSQL only: the worker process must share the test database (SQLite's is in memory).
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessment.models import IssuedReport, Report, ReportJob, ReportSection
from assessment.reports.services import fail_abandoned_jobs
from inspections.models import Dispatch, LedgerImport
from inspections.services.imports import INTERRUPTED, fail_abandoned_imports
from tests.inspections.records_helpers import workbook
from tests.inspections.test_ledger_worker import dispatch_rows

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_and_database_tasks(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must reach the test database: PostgreSQL only")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _start_worker() -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DEBUG": "0",
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _kill(worker: subprocess.Popen) -> list[int]:
    """SIGKILL the worker; return the processes it had forked (a render in progress)."""
    children = _children(worker.pid)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    return children


def _later() -> timezone.datetime:
    return timezone.now() + timedelta(seconds=django_settings.JOB_ABANDONED_SECONDS + 1)


def test_a_worker_killed_mid_import_leaves_nothing_and_the_import_can_be_run_again(client, alice, changning):
    client.force_login(alice)
    data = workbook({"执法出动": dispatch_rows(60000)})
    upload = SimpleUploadedFile("大台账.xlsx", data, XLSX)
    assert client.post(reverse("inspections:import"), {"workbook": upload}).status_code == 302
    job = LedgerImport.objects.get()

    worker = _start_worker()
    try:
        _wait_for(lambda: LedgerImport.objects.filter(pk=job.pk, status="running", rows_done__gt=0).exists())
    finally:
        _kill(worker)
    job.refresh_from_db()
    assert job.status == "running" and 0 < job.rows_done < 60000
    assert not Dispatch.objects.filter(organization=changning).exists()  # nothing half-written

    # Not stuck: once the job has been silent too long it is failed, and the page says what to do.
    assert fail_abandoned_imports(now=_later()) == 1
    state = client.get(reverse("inspections:import-status", args=[job.pk])).json()
    assert state["status"] == "failed" and INTERRUPTED in state["errors"][0]

    # Re-run: the same file again, this time to the end.
    upload = SimpleUploadedFile("大台账.xlsx", data, XLSX)
    client.post(reverse("inspections:import"), {"workbook": upload})
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    assert LedgerImport.objects.filter(status="succeeded").count() == 1
    assert Dispatch.objects.filter(organization=changning).count() == 60000


def test_a_worker_killed_mid_sign_off_leaves_the_report_unsigned_and_it_can_be_run_again(client):
    call_command("seed_demo", verbosity=0)
    report = Report.objects.get(organization__code="changning", year=2023)
    # A long report, so that the render is still going when the worker is killed.
    last = report.sections.count()
    ReportSection.objects.bulk_create(
        ReportSection(report=report, order=last + n, level=0, heading="", body="附录段落。" * 120)
        for n in range(1, 200)
    )
    leader = User.objects.get(username="changning_leader")
    client.force_login(leader)
    issue = reverse("assessment:report-job-start", args=[report.pk, "issue"])
    assert client.post(issue).status_code == 302
    job = ReportJob.objects.get()

    worker = _start_worker()
    orphans: list[int] = []
    try:
        _wait_for(lambda: ReportJob.objects.filter(pk=job.pk, status="running", progress__gte=20).exists())
        _wait_for(lambda: bool(_children(worker.pid)), 30)  # the forked render is under way
    finally:
        orphans = _kill(worker)
    # The render the worker had forked does not outlive it for long: it finishes, finds nobody to hand the
    # PDF to, and exits (it used to block forever on a full pipe).
    assert orphans
    _wait_for(lambda: not any(_alive(pid) for pid in orphans), 120)
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT and not IssuedReport.objects.exists()
    assert ReportJob.objects.get(pk=job.pk).status == "running"

    assert fail_abandoned_jobs(now=_later()) == 1
    state = client.get(reverse("assessment:report-job-status", args=[job.pk])).json()
    assert state["failed"] and "中断" in state["message"]

    assert client.post(issue).status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    report.refresh_from_db()
    assert report.status == Report.Status.ISSUED
    assert list(IssuedReport.objects.values_list("version", flat=True)) == [1]
