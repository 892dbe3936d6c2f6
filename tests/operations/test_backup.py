"""Backup round trip: the demo, dumped and restored into an empty database, comes back whole."""

import json
import uuid

import pytest
from django.db import connection

from operations.backup import BackupError, create_backup, restore_backup
from tests.operations.conftest import PDF, manage

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
    name = f"h5_restore_{uuid.uuid4().hex[:10]}"
    params = {"dbname": "postgres", "user": db["USER"], "host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432}
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{params['user']}@{params['host']}:{params['port']}/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_the_demo_survives_a_backup_and_restore_into_an_empty_database(db, tmp_path, backup_demo, target_database):
    issued, evidence = backup_demo.issued, backup_demo.evidence

    archive = tmp_path / "backup.tar.gz"
    counts = create_backup(archive)
    for label in ("accounts.user", "assessment.score", "assessment.issuedreport", "inspections.inspection"):
        assert counts[label] > 0, label

    media = tmp_path / "restored-media"
    manage(target_database, media, "migrate", "--noinput", "-v0")
    manage(target_database, media, "restore", str(archive))
    restored = json.loads(manage(target_database, media, "shell", "-c", COUNT_SCRIPT).strip().splitlines()[-1])
    for label, count in counts.items():
        assert restored[label] == count, label
    audit_rows = {label: n for label, n in counts.items() if label.startswith("audit.")}
    assert all(restored[label] == n for label, n in audit_rows.items())
    # The signed bytes and the evidence file come back exactly.
    check = (
        "from assessment.models import IssuedReport; import hashlib; "
        "v = IssuedReport.objects.get(); print(hashlib.sha256(bytes(v.pdf)).hexdigest())"
    )
    assert manage(target_database, media, "shell", "-c", check).strip().splitlines()[-1] == issued.sha256
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
