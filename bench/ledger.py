"""Ledger import and export of a 100,000-row workbook, each next to what openpyxl alone does with it.

Each step runs in its own child process, so that its peak memory (VmHWM) is its own:

    python -m bench.ledger prepare --rows 100000 --file F   a workbook of this year's records of 崇明区:
                                                            half dispatches, half inspections of its sources
    python -m bench.ledger read --file F                    openpyxl read-only, merely reading every cell
    python -m bench.ledger import --file F                  start_ledger_import + run_ledger_import_job, as an
                                                            upload and the task worker do: parse, check, write
    python -m bench.ledger import-without-indexes --file F  the same without migration 0004's indexes (dropped
                                                            in a transaction that is rolled back)
    python -m bench.ledger export                           ledger_export of the imported period (the download)
    python -m bench.ledger write                            openpyxl write-only writing the same values
    python -m bench.ledger cleanup                          delete the imported records again

The imported records are dated in the current year, in which the generated data set has none, so the export
of that period is exactly the imported rows, and ``cleanup`` returns the database to its generated state.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb, rss_mb, setup_django, write_out

DISTRICT = "chongming"
YEAR = 2026
START, END = date(YEAR, 1, 1), date(YEAR, 12, 31)
NUMBER_PREFIX = f"{YEAR}-TZ"


def _organization():
    from accounts.models import Organization

    return Organization.objects.get(code=DISTRICT)


def prepare(rows: int, path: Path) -> dict[str, Any]:
    """The workbook a bureau would upload: the template's sheets and headers (the project's own writer), with
    real Excel dates; officers named as the bureau's users are, or not; every inspection of a known source."""
    from accounts.models import User
    from inspections.ledger.layout import DISPATCHES, INSPECTIONS
    from inspections.ledger.writer import ledger_workbook
    from inspections.models import Dispatch, Inspection, PollutionSource

    org = _organization()
    rng = random.Random(YEAR)
    sources = list(PollutionSource.objects.filter(organization=org).values_list("name", "credit_code"))
    officers = [str(u) for u in User.objects.filter(organization=org, username__contains="_officer_")]
    others = ["周海", "钱进", "冯力", "陈晨"]
    tasks = [str(label) for _, label in Dispatch.TaskType.choices]
    results = [str(label) for _, label in Inspection.Result.choices]
    days = [
        START + timedelta(n) for n in range((date(YEAR, 11, 27) - START).days) if (START + timedelta(n)).weekday() < 5
    ]
    dispatches, inspections = [], []
    half = rows // 2
    for n in range(1, half + 1):
        day = days[(n - 1) * len(days) // half]
        number = f"{NUMBER_PREFIX}{n:06d}"
        people = [rng.choice(officers), rng.choice(others)]
        dispatches.append((number, day, len(people), "、".join(people), rng.choice(tasks), None))
        name, code = rng.choice(sources)
        found = rng.random() < 0.05
        inspections.append(
            (number, day, name, code, results[1] if found else results[0], "油烟净化装置未开启" if found else None)
        )
    data = ledger_workbook({DISPATCHES.title: dispatches, INSPECTIONS.title: inspections[: rows - half]})
    path.write_bytes(data)
    return {"rows": len(dispatches) + len(inspections[: rows - half]), "bytes": len(data)}


def _rate(rows: int, seconds: list[float]) -> dict[str, Any]:
    """Repeated timings of the same work on ``rows`` rows: the median and the rows per second it gives."""
    median = statistics.median(seconds)
    return {
        "rows": rows,
        "seconds": [round(s, 2) for s in seconds],
        "median_seconds": round(median, 2),
        "rows_per_second": round(rows / median),
    }


def read(path: Path, repeat: int) -> dict[str, Any]:
    """The floor: openpyxl's read-only mode reading every cell of every sheet, and nothing else."""
    from openpyxl import load_workbook

    seconds, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        wb = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=False)
        rows = 0
        for ws in wb.worksheets:
            for _ in ws.iter_rows(min_row=2, values_only=True):
                rows += 1
        wb.close()
        seconds.append(time.perf_counter() - started)
    return {**_rate(rows, seconds), "peak_rss_mb": peak_rss_mb()}


def import_without_indexes(path: Path) -> dict[str, Any]:
    """The same import in a transaction in which the indexes of inspections migration 0004 are dropped, rolled
    back afterwards: what those indexes cost the import (bench/indexes.py measures what they save the pages)."""
    from django.db import connection, transaction

    from bench.indexes import INDEXES
    from inspections.models import LedgerImport

    cleanup()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for index in INDEXES:
                cursor.execute(f'DROP INDEX "{index}"')
        result = import_file(path, clean_first=False)
        stored = [job.file.name for job in LedgerImport.objects.filter(organization=_organization())]
        transaction.set_rollback(True)
    for name in stored:  # the rollback removed the jobs, not their stored files
        LedgerImport.file.field.storage.delete(name)
    return result


def import_file(path: Path, *, clean_first: bool = True) -> dict[str, Any]:
    """An upload (the request's checks, storing the file, queueing) and the worker's import of it."""
    from django.conf import settings

    from accounts.models import User
    from inspections.models import LedgerImport
    from inspections.services import imports, run_ledger_import_job, start_ledger_import

    user = User.objects.get(username=f"{DISTRICT}_scorer")
    if clean_first:
        cleanup()
    # Where the worker's time goes: the write (import_ledger, one transaction) is timed on its own; the rest of
    # the worker's time is reading and checking the workbook.
    write_seconds: list[float] = []
    import_ledger = imports.import_ledger

    def timed_import_ledger(**kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return import_ledger(**kwargs)
        finally:
            write_seconds.append(time.perf_counter() - started)

    imports.import_ledger = timed_import_ledger
    baseline = rss_mb()
    started = time.perf_counter()
    data = path.read_bytes()
    job = start_ledger_import(user=user, data=data, filename=path.name, max_bytes=settings.LEDGER_MAX_BYTES)
    del data
    queued = time.perf_counter()
    status = run_ledger_import_job(job_id=job.pk, max_bytes=settings.LEDGER_MAX_BYTES)
    finished = time.perf_counter()
    peak = peak_rss_mb()
    job = LedgerImport.objects.get(pk=job.pk)
    if status != LedgerImport.Status.SUCCEEDED:
        raise SystemExit(f"the benchmark ledger did not import: {job.stage} {job.errors[:5]}")
    rows = sum(o["created"] + o["updated"] + o["unchanged"] for o in job.summary["sheets"].values())
    return {
        "rows": rows,
        "summary": job.summary,
        "upload_seconds": round(queued - started, 2),
        "worker_seconds": round(finished - queued, 2),
        "worker_read_and_check_seconds": round(finished - queued - sum(write_seconds), 2),
        "worker_write_seconds": round(sum(write_seconds), 2),
        "seconds": round(finished - started, 2),
        "rows_per_second": round(rows / (finished - started)),
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak,
    }


def export(repeat: int) -> dict[str, Any]:
    """What the ledger download of the period does (inspections.exports.ledger_export), ``repeat`` times."""
    from inspections.exports import ledger_export
    from inspections.selectors import ledger_rows

    org = _organization()
    rows = sum(sum(1 for _ in sheet) for sheet in ledger_rows(organization=org, start=START, end=END).values())
    seconds, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(ledger_export(organization=org, start=START, end=END))
        seconds.append(time.perf_counter() - started)
    return {**_rate(rows, seconds), "bytes": size, "peak_rss_mb": peak_rss_mb()}


def write(repeat: int) -> dict[str, Any]:
    """The floor: openpyxl's write-only mode writing the same values (read from the database beforehand, not
    timed), with the same sheets and header rows but no styles, validations or statistics sheet."""
    from openpyxl import Workbook

    from inspections.ledger.layout import SHEETS
    from inspections.selectors import ledger_rows

    started = time.perf_counter()
    sheets = {
        title: list(rows) for title, rows in ledger_rows(organization=_organization(), start=START, end=END).items()
    }
    database_seconds = time.perf_counter() - started
    rows = sum(len(r) for r in sheets.values())
    seconds, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        wb = Workbook(write_only=True)
        for sheet in SHEETS:
            ws = wb.create_sheet(sheet.title)
            ws.append(list(sheet.headers))
            for row in sheets.get(sheet.title, ()):
                ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        size = len(buffer.getvalue())
        seconds.append(time.perf_counter() - started)
    return {
        **_rate(rows, seconds),
        "bytes": size,
        # not part of the floor: the export's own query (ledger_rows) reading the same rows, for reference
        "ledger_rows_seconds": round(database_seconds, 2),
    }


def cleanup() -> dict[str, Any]:
    """Remove what the import added (records of the year, the job, its queued task and its stored file)."""
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from inspections.models import Dispatch, Inspection, LedgerImport

    org = _organization()
    with transaction.atomic():
        dispatches = Dispatch.objects.filter(organization=org, dispatched_on__gte=START)
        through = Dispatch.officer_users.through.objects.filter(dispatch__in=dispatches)
        deleted = {
            "officer_links": through._raw_delete(through.db),
            "inspections": Inspection.objects.filter(organization=org, inspected_on__gte=START)._raw_delete(
                connection.alias
            ),
        }
        deleted["dispatches"] = dispatches._raw_delete(connection.alias)
        for job in LedgerImport.objects.filter(organization=org):
            job.file.delete(save=False)
            if job.task_id:
                DBTaskResult.objects.filter(id=job.task_id).delete()
            job.delete()
    # The 100,000 rows just deleted are dead tuples until a VACUUM: left to autovacuum, they slowed the next
    # phase: the leader's dashboard served 19 requests a second instead of 63. Production's autovacuum does this
    # after a real correction, so the database is measured as it would normally be.
    with connection.cursor() as cursor:
        for model in (Dispatch.officer_users.through, Inspection, Dispatch):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return deleted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "step", choices=["prepare", "read", "import", "import-without-indexes", "export", "write", "cleanup"]
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    steps = {
        "prepare": lambda: prepare(args.rows, args.file),
        "read": lambda: read(args.file, args.repeat),
        "import": lambda: import_file(args.file),
        "import-without-indexes": lambda: import_without_indexes(args.file),
        "export": lambda: export(args.repeat),
        "write": lambda: write(args.repeat),
        "cleanup": cleanup,
    }
    write_out(args.out, steps[args.step]())


if __name__ == "__main__":
    main()
