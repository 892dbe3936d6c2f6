"""EXPLAIN ANALYZE of every query of a page that takes longer than a threshold: how the indexes were chosen.

    python -m bench.explain --page inspection_list_last --min-ms 5 --out FILE

Prints the plans and writes them (with the SQL) as JSON. Uses the pages of bench/pages.py.
"""

from __future__ import annotations

import argparse

from bench.common import setup_django, signed_in_session, write_out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", nargs="+", required=True)
    parser.add_argument("--min-ms", type=float, default=5.0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import pages

    plans = {}
    for page in pages():
        if page.name not in args.page:
            continue
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(page.user)
        client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            client.get(page.url)
        plans[page.name] = []
        for query in captured.captured_queries:
            if float(query["time"]) * 1000 < args.min_ms:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            plans[page.name].append({"ms": float(query["time"]) * 1000, "sql": query["sql"], "plan": plan})
            print(f"=== {page.name} {float(query['time']) * 1000:.1f} ms\n{query['sql']}\n{plan}\n")
    write_out(args.out, plans)


if __name__ == "__main__":
    main()
