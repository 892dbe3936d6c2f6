"""What both backup tests dump: the demo plus a signed report, an evidence file and the audit rows they leave."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.models import User
from assessment import services
from assessment.models import Evidence, Indicator, IssuedReport, Report, SelfAssessment
from assessment.reports import services as report_services
from audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class BackupDemo:
    issued: IssuedReport
    evidence: Evidence


@pytest.fixture
def backup_demo() -> BackupDemo:
    """seed_demo, then 长宁区's 2023 report signed and a 2024 score saved with an evidence file.

    Requests no database fixture itself: the test chooses ``db`` or ``django_db(transaction=True)``.
    """
    call_command("seed_demo", verbosity=0)
    leader = User.objects.get(username="changning_leader")
    report = Report.objects.get(organization__code="changning", year=2023)
    issued = report_services.issue_report(report=report, user=leader)
    draft = SelfAssessment.objects.get(organization__code="changning", year=2024)
    indicator = Indicator.objects.get(system__standard=draft.standard, code="1.2")
    services.save_score(
        assessment=draft,
        indicator=indicator,
        user=User.objects.get(username="changning_scorer"),
        value=Decimal("4"),
        justification="见附件",
        new_evidence=[SimpleUploadedFile("制度.pdf", PDF)],
    )
    assert AuditEvent.objects.exists()  # the signing and the score left their trail
    return BackupDemo(issued=issued, evidence=Evidence.objects.get())


def manage(database_url: str, media: Path, *args: str, **env: str) -> str:
    """``python manage.py …`` in a new process against another database, as an operator would run it."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
        "SECRET_KEY": "backup-test",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
