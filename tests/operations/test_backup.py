"""Backup round trip: the demo, dumped and restored into an empty database, comes back whole."""

import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from assessment import services
from assessment.models import Evidence, Indicator, Report, SelfAssessment
from assessment.reports import services as report_services
from operations.backup import BackupError, create_backup, restore_backup

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COUNT_SCRIPT = """
import json
from django.apps import apps
print(json.dumps({f"{m._meta.app_label}.{m._meta.model_name}": m._base_manager.count() for m in apps.get_models()}))
"""


@pytest.fixture
def target_database(tmp_path):
    """An empty database beside the test one: a new SQLite file, or a new PostgreSQL database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg2

    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:10]}"
    params = {"dbname": "postgres", "user": db["USER"], "host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432}
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{params['user']}@{params['host']}:{params['port']}/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _manage(database_url: str, media: Path, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "SECRET_KEY": "backup-test"}
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_demo_survives_a_backup_and_restore_into_an_empty_database(db, tmp_path, settings, target_database):
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
    evidence = Evidence.objects.get()

    archive = tmp_path / "backup.tar.gz"
    counts = create_backup(archive)
    for label in ("accounts.user", "assessment.score", "assessment.issuedreport", "inspections.inspection"):
        assert counts[label] > 0, label

    media = tmp_path / "restored-media"
    _manage(target_database, media, "migrate", "--noinput", "-v0")
    _manage(target_database, media, "restore", str(archive))
    restored = json.loads(_manage(target_database, media, "shell", "-c", COUNT_SCRIPT).strip().splitlines()[-1])
    for label, count in counts.items():
        assert restored[label] == count, label
    audit_rows = {label: n for label, n in counts.items() if label.startswith("audit.")}
    assert all(restored[label] == n for label, n in audit_rows.items())
    # The signed bytes and the evidence file come back exactly.
    check = (
        "from assessment.models import IssuedReport; import hashlib; "
        "v = IssuedReport.objects.get(); print(hashlib.sha256(bytes(v.pdf)).hexdigest())"
    )
    assert _manage(target_database, media, "shell", "-c", check).strip().splitlines()[-1] == issued.sha256
    assert (media / evidence.file.name).read_bytes() == PDF


def test_restore_refuses_a_database_that_is_not_empty(db, tmp_path, changning):
    archive = tmp_path / "backup.tar.gz"
    create_backup(archive)
    with pytest.raises(BackupError, match="目标数据库不是空的"):
        restore_backup(archive)


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tarball")
    with pytest.raises(BackupError, match="无法读取备份文件"):
        restore_backup(bogus)
