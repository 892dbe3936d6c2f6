"""The 双随机 draw at the size of the largest district (docs/performance.md, “双随机抽查”).

    python bench/draw.py [--sources 4000] [--repeat 5]

Makes its own PostgreSQL database (bench_draw_<pid>, dropped at the end) on the server DATABASE_URL names, one
district with the given number of sources (10 % 重点, 85 % 一般, 5 % 特殊; 5 % on the 正面清单; 15 % already
checked in the quarter), 60 officers with 30 marked relations, and a February draw whose teams March avoids.
Times, for the March plan: building the inputs from the database, the pure draw, the whole service call
(inputs, draw, writing the draw and its tasks, the audit event), the xlsx record and its verification, and the
PDF record. Prints one JSON object; every figure is the median of ``--repeat`` redraws.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import create_database, database_url, drop_database, server_url  # noqa: E402


def lap(times: list[float], since: float) -> float:
    now = time.perf_counter()
    times.append(now - since)
    return now


def measure(sources: int, repeat: int) -> dict:
    import django

    django.setup()
    from datetime import date
    from decimal import Decimal

    from django.core.management import call_command

    from accounts.models import Organization
    from inspections.models import Dispatch, Inspection, Officer, PollutionSource
    from plans import draw as pure
    from plans import record, services
    from plans.models import AnnualPlan, CheckItem, MonthlyPlan, OfficerRelation, SourceSupervision
    from plans.pdf import build_draw_pdf
    from tests.inspections.records_helpers import code

    call_command("migrate", verbosity=0)
    org = Organization.objects.create(code="benchdraw", name="基准区生态环境局", short_name="基准区")
    n_key, n_special = sources // 10, sources // 20
    categories = ["key"] * n_key + ["special"] * n_special + ["general"] * (sources - n_key - n_special)
    made = PollutionSource.objects.bulk_create(
        PollutionSource(organization=org, name=f"基准单位{i:05d}", credit_code=code(i + 1), category=c)
        for i, c in enumerate(categories)
    )
    SourceSupervision.objects.bulk_create(
        SourceSupervision(source=s, organization=org, positive_from=date(2026, 1, 1), positive_to=date(2026, 12, 31))
        for s in made[n_key + n_special :][: sources // 20]
    )
    dispatch = Dispatch.objects.create(organization=org, number="B-1", dispatched_on=date(2026, 1, 15), officer_count=2)
    Inspection.objects.bulk_create(
        Inspection(organization=org, dispatch=dispatch, source=s, inspected_on=date(2026, 1, 15))
        for s in made[:: max(1, 100 // 15)][: sources * 15 // 100]
    )
    officers = Officer.objects.bulk_create(
        Officer(
            organization=org,
            name=f"执法员{i:02d}",
            certificate_number=f"BJ{i:04d}",
            certificate_valid_from=date(2024, 1, 1),
            certificate_valid_to=date(2030, 12, 31),
        )
        for i in range(60)
    )
    OfficerRelation.objects.bulk_create(
        OfficerRelation(organization=org, officer=officers[i], source=made[i * 7], reason="基准") for i in range(30)
    )
    items = [
        CheckItem.objects.create(organization=org, code=f"ITEM-{i}", name=f"抽查事项{i}", legal_basis="依据")
        for i in range(6)
    ]
    annual = AnnualPlan.objects.create(
        organization=org, year=2026, rate_key=Decimal(25), rate_general=Decimal(5), rate_special=Decimal(25)
    )
    quotas = {"quota_key": n_key * 25 // 100 // 3, "quota_general": sources * 85 // 100 * 5 // 100 // 12 + 1}
    quotas["quota_special"] = n_special * 25 // 100 // 3
    plans = []
    for month in (2, 3):
        plan = MonthlyPlan.objects.create(
            organization=org,
            annual_plan=annual,
            month=month,
            status=MonthlyPlan.Status.ACKNOWLEDGED,
            seed="3012.45",
            **quotas,
        )
        plan.items.set(items)
        plans.append(plan)
    services.run_draw(user=None, plan=plans[0], actor_name="bench")
    march = plans[1]
    runs = {"build_input": [], "pure_run": [], "run_draw": [], "xlsx_export": [], "verify_xlsx": [], "pdf": []}
    current = None
    for i in range(repeat):
        clock = time.perf_counter()
        draw_input, _ = services.build_input(march, seed=f"bench-{i}")
        clock = lap(runs["build_input"], clock)
        pure.run(draw_input)
        clock = lap(runs["pure_run"], clock)
        current = services.run_draw(user=None, plan=march, actor_name="bench", replaces=current, reason="基准重抽")
        clock = lap(runs["run_draw"], clock)
        data = record.to_xlsx(record.record_of(current))
        clock = lap(runs["xlsx_export"], clock)
        difference = record.verify(record.from_xlsx(data))
        clock = lap(runs["verify_xlsx"], clock)
        assert difference is None, difference
        build_draw_pdf(current)
        lap(runs["pdf"], clock)
    inputs = current.inputs
    return {
        "sources": sources,
        "eligible": {c: len(k) for c, k in inputs["sources"].items()},
        "quotas": inputs["quotas"],
        "tasks": len(current.result["tasks"]),
        "officers": len(inputs["officers"]),
        "avoid_pairs": len(inputs["avoid"]),
        "xlsx_bytes": len(data),
        "repeat": repeat,
        "median_seconds": {k: round(statistics.median(v), 4) for k, v in runs.items()},
        "max_seconds": {k: round(max(v), 4) for k, v in runs.items()},
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    server = server_url(os.environ.get("DATABASE_URL"))
    name = f"bench_draw_{os.getpid()}"
    create_database(server, name)
    os.environ.update(
        DATABASE_URL=database_url(server, name),
        DJANGO_SETTINGS_MODULE="changning_enforce.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-not-secret"),
    )
    try:
        print(json.dumps(measure(args.sources, args.repeat), ensure_ascii=False, indent=2))
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(server, name)


if __name__ == "__main__":
    main()
