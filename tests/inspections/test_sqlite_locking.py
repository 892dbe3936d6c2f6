"""`make run` on SQLite: the web server polls an import's status while the task worker writes it.

Both share one database file there (the test database is in memory, so each test opens its own file with
the project's connection settings). A poll must read while the worker's transaction is open, and a write
must wait for that transaction rather than fail with "database is locked".
"""

import threading
import time

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = [pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking only"), pytest.mark.django_db]


@pytest.fixture
def open_file_database(tmp_path):
    opened: list[DatabaseWrapper] = []

    def open_one() -> DatabaseWrapper:
        wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(tmp_path / "db.sqlite3")})
        opened.append(wrapper)
        return wrapper

    yield open_one
    for wrapper in opened:
        wrapper.close()


def test_connections_use_wal_a_busy_timeout_and_immediate_transactions(open_file_database):
    cursor = open_file_database().cursor()
    assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert cursor.execute("PRAGMA busy_timeout").fetchone() == (20_000,)
    assert connection.transaction_mode == "IMMEDIATE"


def test_a_poll_reads_and_writes_while_the_worker_holds_a_write_transaction(open_file_database):
    worker, web = open_file_database(), open_file_database()
    worker.cursor().execute("CREATE TABLE job (id INTEGER PRIMARY KEY, rows_done INTEGER)")
    worker.cursor().execute("INSERT INTO job VALUES (1, 0)")
    worker.cursor().execute("BEGIN IMMEDIATE")
    worker.cursor().execute("UPDATE job SET rows_done = 100000")

    # the reader is not blocked, and sees what was committed before the worker's transaction
    assert web.cursor().execute("SELECT rows_done FROM job").fetchone() == (0,)

    worker.inc_thread_sharing()  # the worker's commit comes from another thread
    finish = threading.Timer(0.5, lambda: worker.cursor().execute("COMMIT"))
    finish.start()
    started = time.monotonic()
    web.cursor().execute("UPDATE job SET id = 1")  # e.g. a session refresh: waits for the lock, then succeeds
    finish.join()
    worker.dec_thread_sharing()
    assert time.monotonic() - started >= 0.4
    assert web.cursor().execute("SELECT rows_done FROM job").fetchone() == (100000,)
