"""Server-side time and SQL query count of the main pages, through Django's full request path.

    python -m bench.pages --repeat 30 --out FILE

Each page is requested by a signed-in user of the role that uses it, with django.test.Client in this process:
the real middleware (sessions, authentication, the second factor, CSP, …), URL routing, view, templates and
the database; only the socket and the WSGI server are left out (bench/load.py measures those under load).
After two warm-up rounds every page is requested once per round for ``--repeat`` rounds; then twice more with
the queries captured, for their number and the slowest of them.
"""

from __future__ import annotations

import argparse
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from bench.common import setup_django, signed_in_session, timing_summary, write_out

PAGE_SIZE = 50  # inspections.views.records.PAGE_SIZE
SESSION_KEY = re.compile(r"(\"session_key\" = ')[^']*'")
DISTRICT = "changning"
STATISTICS_YEAR = 2023


@dataclass(frozen=True)
class Page:
    name: str
    title: str  # as the table in docs/performance.md shows it
    user: str
    url: str
    expect: int = 200


def pages() -> list[Page]:
    """The pages measured, with the URLs of this database's 长宁区 assessments and the last page of each list."""
    from accounts.models import Organization
    from assessment.models import SelfAssessment
    from inspections.models import Dispatch, Equipment, Inspection, PenaltyCase, PollutionSource, Training

    org = Organization.objects.get(code=DISTRICT)
    current = SelfAssessment.objects.filter(organization=org).order_by("-year").first()
    approved = SelfAssessment.objects.get(organization=org, year=STATISTICS_YEAR)
    result = [
        Page("scoring", "评分页（本年度草稿，填报人）", "changning_scorer", f"/assessments/{current.pk}/scores/"),
        Page("assessment_detail", "自评概览（已审定年度，领导）", "changning_leader", f"/assessments/{approved.pk}/"),
        Page("assessment_list", "自评列表（区领导）", "changning_leader", "/assessments/"),
        Page("assessment_list_city", "自评列表（市局复核，全部区）", "city_reviewer", "/assessments/"),
    ]
    lists = [
        ("dispatch", "dispatches", "执法出动", Dispatch),
        ("inspection", "inspections", "污染源检查", Inspection),
        ("case", "cases", "行政处罚", PenaltyCase),
        ("source", "sources", "污染源", PollutionSource),
        ("equipment", "equipment", "执法装备", Equipment),
        ("training", "trainings", "培训记录", Training),
    ]
    for name, prefix, title, model in lists:
        last = max(1, math.ceil(model.objects.filter(organization=org).count() / PAGE_SIZE))
        url = f"/records/{prefix}/"
        result.append(Page(f"{name}_list", f"{title}列表 第1页", "changning_scorer", url))
        result.append(
            Page(f"{name}_list_last", f"{title}列表 末页（第{last}页）", "changning_scorer", f"{url}?page={last}")
        )
    year = f"start={STATISTICS_YEAR}-01-01&end={STATISTICS_YEAR}-12-31"
    result += [
        Page(
            "statistics_year",
            f"统计（{STATISTICS_YEAR}年全年）",
            "changning_scorer",
            f"/records/?org={DISTRICT}&{year}",
        ),
        Page("dashboard_scorer", "首页仪表盘（填报人）", "changning_scorer", "/"),
        Page("dashboard_leader", "首页仪表盘（区领导）", "changning_leader", "/"),
        Page("dashboard_city", "首页仪表盘（市局复核）", "city_reviewer", "/"),
        Page("score_export", "评分表导出（xlsx）", "changning_scorer", f"/assessments/{approved.pk}/export.xlsx"),
    ]
    return result


def count_queries(page: Page, client) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The session is saved at most once a minute (accounts.middleware): the smaller of two counts is the page's.
    captures = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url)
        captures.append(list(captured.captured_queries))
    queries = min(captures, key=len)
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    result: dict[str, Any] = {
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 2),
        "slowest_sql_ms": round(float(slowest["time"]) * 1000, 2) if slowest else 0,
        # a session key is a credential, even in a benchmark database: not written to the results
        "slowest_sql": SESSION_KEY.sub(r"\1…'", slowest["sql"])[:400] if slowest else "",
    }
    if response.status_code in (301, 302):
        result["redirects_to"] = response["Location"]
    return result


def measure(chosen: list[Page], repeat: int) -> dict[str, Any]:
    """Every page once per round, ``repeat`` rounds after two warm-up rounds: a burst of load from another process
    on this shared machine then costs every page one slow sample, not one page many."""
    from django.conf import settings
    from django.test import Client

    clients: dict[str, Client] = {}
    for page in chosen:
        if page.user not in clients:
            clients[page.user] = Client()
            clients[page.user].cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(page.user)
    seconds: dict[str, list[float]] = {page.name: [] for page in chosen}
    statuses: dict[str, set[int]] = {page.name: set() for page in chosen}
    sizes: dict[str, int] = {}
    for round_number in range(2 + repeat):
        for page in chosen:
            started = time.perf_counter()
            response = clients[page.user].get(page.url)
            elapsed = time.perf_counter() - started
            statuses[page.name].add(response.status_code)
            sizes[page.name] = len(response.content)
            if round_number >= 2:
                seconds[page.name].append(elapsed)
    results = {}
    for page in chosen:
        results[page.name] = {
            "title": page.title,
            "user": page.user,
            "url": page.url,
            "status": sorted(statuses[page.name]),
            "bytes": sizes[page.name],
            **count_queries(page, clients[page.user]),
            **timing_summary(seconds[page.name]),
        }
        print(page.name, results[page.name]["median_ms"], results[page.name]["p95_ms"], results[page.name]["queries"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", nargs="*", help="page names")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    chosen = [page for page in pages() if not args.only or page.name in args.only]
    write_out(args.out, {"repeat": args.repeat, "pages": measure(chosen, args.repeat)})


if __name__ == "__main__":
    main()
