"""What the indexes of inspections migration 0004 and the keys-first pagination are worth, measured side by side.

    python -m bench.indexes --repeat 5 --out FILE

The reads behind the slowest pages are timed (median of ``--repeat`` after one warm-up) as they run now, then
again inside a transaction in which those indexes are dropped, and the transaction is rolled back: the same
data, the same run, with and without. The deep page is also read the plain LIMIT/OFFSET way, as Django's
Paginator does, for comparison with ``KeysFirstPaginator``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.common import setup_django, write_out

INDEXES = [
    "dispatch_org_date",
    "dispatch_org_created",
    "inspection_org_date",
    "inspection_org_created",
    "case_org_filed",
]
PAGE_SIZE = 50


def _median_ms(read: Callable[[], object], repeat: int) -> float:
    read()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        read()
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds) * 1000, 2)


def reads() -> dict[str, tuple[str, Callable[[], object]]]:
    from django.utils import timezone

    from accounts.models import Organization, User
    from inspections.models import Dispatch, Inspection
    from inspections.selectors import monthly_statistics, period_statistics, record_list
    from inspections.views.paging import KeysFirstPaginator

    org = Organization.objects.get(code="changning")
    scorer = User.objects.get(username="changning_scorer")
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    month = timezone.localdate().replace(day=1)

    def last_page_offset(model: type) -> Callable[[], object]:
        rows = record_list(model, scorer, org)
        last = max(1, math.ceil(rows.count() / PAGE_SIZE))
        return lambda: list(rows[(last - 1) * PAGE_SIZE : last * PAGE_SIZE])

    def last_page_keys_first(model: type) -> Callable[[], object]:
        paginator = KeysFirstPaginator(record_list(model, scorer, org), PAGE_SIZE)
        return lambda: list(paginator.page(paginator.num_pages).object_list)

    def entered_this_month() -> object:
        return [m.objects.filter(organization=org, created_at__gte=month).count() for m in (Dispatch, Inspection)]

    return {
        "statistics_year": (
            "一年的期间统计与逐月统计（统计页、仪表盘、报告共用）",
            lambda: (
                period_statistics(organization=org, start=start, end=end),
                monthly_statistics(organization=org, start=start, end=end),
            ),
        ),
        "inspection_last_page_offset": ("污染源检查末页，LIMIT/OFFSET 读整行", last_page_offset(Inspection)),
        "inspection_last_page_keys_first": (
            "污染源检查末页，先取主键（KeysFirstPaginator）",
            last_page_keys_first(Inspection),
        ),
        "dispatch_last_page_offset": ("执法出动末页，LIMIT/OFFSET 读整行", last_page_offset(Dispatch)),
        "dispatch_last_page_keys_first": (
            "执法出动末页，先取主键（KeysFirstPaginator）",
            last_page_keys_first(Dispatch),
        ),
        "entered_this_month": ("本月录入的出动和检查条数（填报人首页）", entered_this_month),
    }


def measure(repeat: int) -> dict[str, Any]:
    from django.db import connection, transaction

    chosen = reads()
    results: dict[str, Any] = {
        name: {"title": title, "with_ms": _median_ms(read, repeat)} for name, (title, read) in chosen.items()
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            for index in INDEXES:
                cursor.execute(f'DROP INDEX "{index}"')
        for name, (_, read) in chosen.items():
            results[name]["without_ms"] = _median_ms(read, repeat)
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c WHERE c.relkind = 'i' AND c.relname = ANY(%s)",
            [INDEXES],
        )
        sizes = {name: round(size / 1_000_000, 1) for name, size in cursor.fetchall()}
    assert set(sizes) == set(INDEXES), "the dropped indexes came back with the rollback"
    return {"repeat": repeat, "indexes": INDEXES, "index_mb": sizes, "reads": results}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    write_out(args.out, measure(args.repeat))


if __name__ == "__main__":
    main()
