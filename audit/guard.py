"""The database guard that makes audit rows append-only, on PostgreSQL and on SQLite.

Triggers refuse every UPDATE and every DELETE of ``audit_auditevent`` (PostgreSQL also refuses TRUNCATE),
whoever sends it: the ORM, the admin, ``manage.py dbshell``, a raw cursor. Deleting is allowed only inside a
transaction that opened the guard for itself:

- PostgreSQL: ``SET LOCAL audit.allow_prune = 'on'`` — a transaction-scoped setting, gone at COMMIT/ROLLBACK,
  read by the trigger with ``current_setting('audit.allow_prune', true)``;
- SQLite: a row in the one-row table ``audit_prune_guard``, inserted and removed again inside the transaction
  (SQLite has one writer at a time, and other connections never see the uncommitted row).

Only ``prune`` (the ``prune_audit`` command, rows older than 184 days) and ``flush`` (which empties the whole
database, tests included) open it. Updates are never allowed.

A migration that rebuilds the table on SQLite (most ALTERs do) drops its triggers with it: such a migration
must call ``install(schema_editor)`` again. tests/audit/test_append_only.py fails if the triggers are missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
GUARD_TABLE = "audit_prune_guard"
REFUSED = "审计记录只能追加，不能修改或删除"

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('audit.allow_prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '{REFUSED}（%）', TG_OP USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    f"""
    CREATE TRIGGER audit_append_only_rows BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_append_only()
    """,
    f"""
    CREATE TRIGGER audit_append_only_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()
    """,
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_append_only_rows ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_append_only_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]

SQLITE_INSTALL = [
    f"CREATE TABLE IF NOT EXISTS {GUARD_TABLE} (id integer PRIMARY KEY CHECK (id = 1))",
    f"""
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSED}（UPDATE）'); END
    """,
    f"""
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE}
    WHEN NOT EXISTS (SELECT 1 FROM {GUARD_TABLE})
    BEGIN SELECT RAISE(ABORT, '{REFUSED}（DELETE）'); END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
    f"DROP TABLE IF EXISTS {GUARD_TABLE}",
]


def _statements(vendor: str, *, remove: bool = False) -> list[str]:
    if vendor == "postgresql":
        return POSTGRESQL_REMOVE if remove else POSTGRESQL_INSTALL
    if vendor == "sqlite":
        return SQLITE_REMOVE if remove else SQLITE_INSTALL
    raise NotImplementedError(f"审计记录的只追加保护尚不支持 {vendor} 数据库")


def install(schema_editor) -> None:
    for sql in _statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)  # None: the "%" in RAISE is not a placeholder


def remove(schema_editor) -> None:
    for sql in _statements(schema_editor.connection.vendor, remove=True):
        schema_editor.execute(sql, params=None)


def install_migration(apps, schema_editor) -> None:
    install(schema_editor)


def remove_migration(apps, schema_editor) -> None:
    remove(schema_editor)


def is_installed(connection: BaseDatabaseWrapper) -> bool:
    return TABLE in connection.introspection.table_names()


@contextmanager
def deletion_allowed(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Open the guard for DELETE (and TRUNCATE) for the current transaction only; the caller must be atomic."""
    if not connection.in_atomic_block:
        raise RuntimeError("deletion_allowed() must run inside transaction.atomic()")
    if not is_installed(connection):
        yield
        return
    if connection.vendor == "postgresql":
        # Lasts until the transaction ends; a rollback (an error inside the block) takes it back too.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL audit.allow_prune = 'on'")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL audit.allow_prune = 'off'")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {GUARD_TABLE} (id) VALUES (1)")
    try:
        yield
    finally:
        # Gone before COMMIT: no other connection ever sees the guard open.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {GUARD_TABLE}")


@contextmanager
def pruning(using: str = "default") -> Iterator[BaseDatabaseWrapper]:
    from django.db import connections

    connection = connections[using]
    with transaction.atomic(using=using), deletion_allowed(connection):
        yield connection
