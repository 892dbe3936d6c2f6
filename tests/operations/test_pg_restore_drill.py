"""The README's production restore drill (备份与恢复), run for real: `pg_dump -Fc`, `createdb`, `pg_restore --no-owner`.

The demo (with a signed report, an evidence file and its audit trail, as in test_backup.py) is committed, dumped
from the test database with the README's command, restored into a new empty database with the README's commands,
and every table of the public schema is compared: row count and a hash of its content. Then the README's checks
run against the restored database (`manage.py check`, `manage.py verify_report` of the signed PDF).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from urllib.parse import quote

import pytest
from django.db import connection
from psycopg2 import sql

from tests.operations.conftest import PDF, manage

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore drill: PostgreSQL only"),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("createdb")),
        reason="the PostgreSQL client programs (pg_dump, pg_restore, createdb) are not installed",
    ),
]

TABLES = """
SELECT table_name FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""
SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename"
# Row count and a hash of every row's text, in a fixed order (by the row's text, so tables without a single-column
# key are covered too); the same session settings on both sides, so dates and bytes print alike.
TABLE_DIGEST = "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} AS t"
# Tables the drill must find non-empty: records, scores, evidence, report versions, audit rows, migrations.
MUST_HAVE_ROWS = (
    "accounts_organization",
    "accounts_user",
    "assessment_indicator",
    "assessment_score",
    "assessment_evidence",
    "assessment_report",
    "assessment_issuedreport",
    "audit_auditevent",
    "inspections_inspection",
    "inspections_penaltycase",
    "django_migrations",
)


def _libpq() -> dict[str, str]:
    """Server, port, user and password of the test database, as libpq's environment variables."""
    db = connection.settings_dict
    env = {"PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432), "PGUSER": db["USER"] or "postgres"}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _url(name: str) -> str:
    pq = _libpq()
    password = f":{quote(pq['PGPASSWORD'], safe='')}" if "PGPASSWORD" in pq else ""
    return f"postgres://{quote(pq['PGUSER'], safe='')}{password}@{pq['PGHOST']}:{pq['PGPORT']}/{name}"


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, env={**os.environ, **_libpq(), **env}, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{' '.join(args)}: {result.stdout}{result.stderr}"
    assert not result.stderr.strip(), f"{' '.join(args)} warned: {result.stderr}"
    return result


def _connect(name: str):
    import psycopg2

    pq = _libpq()
    conn = psycopg2.connect(
        dbname=name, host=pq["PGHOST"], port=pq["PGPORT"], user=pq["PGUSER"], password=pq.get("PGPASSWORD")
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'; SET extra_float_digits = 3; SET bytea_output = 'hex'")
    return conn


def _digest(name: str) -> tuple[dict[str, tuple[int, str]], dict[str, int | None]]:
    """Per table of the public schema: (rows, md5 of the content); per sequence: its last value."""
    conn = _connect(name)
    try:
        with conn.cursor() as cur:
            cur.execute(TABLES)
            tables = [row[0] for row in cur.fetchall()]
            digests = {}
            for table in tables:
                cur.execute(sql.SQL(TABLE_DIGEST).format(sql.Identifier("public", table)))
                count, md5 = cur.fetchone()
                digests[table] = (count, md5)
            cur.execute(SEQUENCES)
            sequences = dict(cur.fetchall())
        return digests, sequences
    finally:
        conn.close()


@pytest.fixture
def restore_database():
    """The name of a database for the drill to create (as the README does, with createdb); dropped afterwards."""
    name = f"h5_restore_drill_{uuid.uuid4().hex[:10]}"
    yield name
    conn = _connect("postgres")
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        conn.close()
    check = _connect("postgres")
    try:
        with check.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name])
            assert cur.fetchone()[0] == 0, f"{name} was not dropped"
    finally:
        check.close()


@pytest.mark.django_db(transaction=True)
def test_the_readme_pg_dump_and_pg_restore_drill_brings_back_every_table_exactly(
    backup_demo, restore_database, settings, tmp_path
):
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "changning.dump"

    # README 备份与恢复, word for word but for the file names:
    #   pg_dump -Fc -f /backup/changning-$(date +%F).dump "$DATABASE_URL"
    #   createdb changning_restore
    #   pg_restore --no-owner -d changning_restore /backup/changning-….dump
    _run("pg_dump", "-Fc", "-f", str(dump), _url(source))
    assert dump.read_bytes()[:5] == b"PGDMP"  # the custom format
    _run("createdb", restore_database)
    assert _digest(restore_database) == ({}, {})  # an empty database
    _run("pg_restore", "--no-owner", "-d", restore_database, str(dump))

    tables, sequences = _digest(source)
    restored_tables, restored_sequences = _digest(restore_database)
    for table in MUST_HAVE_ROWS:
        assert tables[table][0] > 0, f"the demo left {table} empty: the drill would prove nothing about it"
    assert sorted(restored_tables) == sorted(tables)
    for table, (count, md5) in tables.items():
        assert restored_tables[table] == (count, md5), f"{table}: {count} rows {md5} → {restored_tables[table]}"
    # New rows after the restore do not collide with restored ones.
    assert restored_sequences == sequences

    # The README's checks against the restored database: the code starts on it, and the signed report verifies.
    media = tmp_path / "media-restored"
    shutil.copytree(settings.MEDIA_ROOT, media)  # the README restores the media tarball beside the database
    assert (media / backup_demo.evidence.file.name).read_bytes() == PDF
    restored_url = _url(restore_database)
    pki = {"DEMO_PKI_DIR": str(settings.DEMO_PKI_DIR), "REPORT_TRUST_ROOTS": ":".join(settings.REPORT_TRUST_ROOTS)}
    manage(restored_url, media, "check", **pki)
    manage(restored_url, media, "migrate", "--check", **pki)  # the migration history came back too
    pdf = tmp_path / "issued.pdf"
    pdf.write_bytes(bytes(backup_demo.issued.pdf))
    assert "核验通过" in manage(restored_url, media, "verify_report", str(pdf), **pki)
