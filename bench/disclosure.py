"""执法公示 at bench scale: the public penalty list's server time and queries, and its throughput next to /healthz.

    python -m bench.disclosure --repeat 30 --seconds 30 --out FILE

The generated records hold decided cases but no publications. Every fined case is published here (one bulk
insert of snapshots, as ``disclosure.services.publish`` would write them), with its decision date moved forward by
whole years so that the newest decision is this year's: a 3-year publication period otherwise leaves only the last
generated year visible. The publications made here are deleted again at the end (a kept full-scale database stays as it was).

Server time: django.test.Client in this process, anonymous, the page cache cleared before every request (a
cached page says nothing about the query) and the rate limit off: the first page, the 50th page (or the last, at small scale)
reached through the keyset cursor, a search by credit code, a district-and-year filter. Throughput: gunicorn with 2 sync workers
and wrk (bench/load.py's settings), on /gongshi/ (served from each worker's page cache after its first request,
as in production) and /healthz in the same run, with the rate limit off; then, with the default limit on, three
times the limit in requests from one address, to count the 429 answers.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from bench.common import ROOT, setup_django, timing_summary, write_out
from bench.load import COUNT_SCRIPT, WORKERS, free_port, run_wrk

DEEP_PAGE = 50
NEXT_LINK = re.compile(r'href="(\?[^"]*)" rel="next"')


def publish_all() -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from accounts.models import User
    from disclosure import periods
    from disclosure.models import PenaltyPublication
    from inspections.models import PenaltyCase

    today = timezone.localdate()
    first_id = (PenaltyPublication.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    # the demo data in the bench template already published one case: those keep theirs
    fined = PenaltyCase.objects.filter(outcome=PenaltyCase.Outcome.FINED, publications__isnull=True)
    newest = fined.aggregate(d=Max("decided_on"))["d"]
    shift = max(0, today.year - newest.year - (1 if date(today.year, newest.month, min(newest.day, 28)) > today else 0))
    leader = User.objects.filter(groups__name="领导").order_by("pk").first()
    now = timezone.now()
    started = time.perf_counter()
    rows = []
    for case in fined.select_related("source", "organization").order_by("pk").iterator(chunk_size=5000):
        decided = periods.add_months(case.decided_on, 12 * shift)
        rows.append(
            PenaltyPublication(
                organization_id=case.organization_id,
                case_id=case.pk,
                published_at=now,
                published_by=leader,
                decision_number=case.case_number,
                party_kind=case.party_kind,
                party_name=case.source.name,
                credit_code=case.source.credit_code,
                violation=case.violation_type,
                legal_basis="《中华人民共和国大气污染防治法》第九十九条",
                outcome=case.outcome,
                penalty=f"罚款人民币{case.fine_yuan}元",
                fine_yuan=case.fine_yuan,
                decided_on=decided,
                authority=case.organization.name,
                withdrawable_from=periods.withdrawable_from(decided),
                expires_on=periods.expires_on(decided),
            )
        )
    with transaction.atomic():
        PenaltyPublication.objects.bulk_create(rows, batch_size=2000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE disclosure_penaltypublication")
    visible = PenaltyPublication.objects.visible(today=today).count()
    return {
        "first_id": first_id,
        "published": len(rows),
        "visible_today": visible,
        "years_shifted": shift,
        "seconds": round(time.perf_counter() - started, 2),
    }


def pages(repeat: int) -> dict[str, Any]:
    from django.test.utils import override_settings

    with override_settings(DISCLOSURE_RATE_LIMIT=0):
        return _pages(repeat)


def _pages(repeat: int) -> dict[str, Any]:
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from disclosure.models import PenaltyPublication

    client = Client()
    base = reverse("disclosure:penalty-list")
    url, depth = base, 1
    while depth < DEEP_PAGE:  # follow the cursor as a visitor would, to the 50th page (or the last)
        # the page's own "下一页" link (context is only recorded under the test runner)
        found = NEXT_LINK.search(client.get(url).content.decode())
        if not found:
            break
        url, depth = base + html.unescape(found.group(1)), depth + 1
    sample = PenaltyPublication.objects.order_by("-pk").first()
    targets = {
        "list_first": base,
        "list_deep": url,
        "search_credit_code": f"{base}?q={sample.credit_code}",
        "filter_district_year": f"{base}?district={sample.organization.code}&year={sample.decided_on.year}",
        "detail": reverse("disclosure:penalty-detail", args=[sample.pk]),
    }
    results = {}
    for name, target in targets.items():
        seconds = []
        for round_number in range(2 + repeat):
            caches["public"].clear()
            started = time.perf_counter()
            response = client.get(target)
            if round_number >= 2:
                seconds.append(time.perf_counter() - started)
            assert response.status_code == 200, (target, response.status_code)
        caches["public"].clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(target)
        results[name] = {"url": target, "queries": len(captured.captured_queries), **timing_summary(seconds)}
        print(name, results[name]["median_ms"], results[name]["p95_ms"], results[name]["queries"])
    results["list_deep"]["page"] = depth
    return results


def throughput(seconds: float) -> dict[str, Any]:
    results: dict[str, Any] = {"workers": WORKERS, "seconds": seconds}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(COUNT_SCRIPT)
        script = Path(handle.name)
    try:
        for limit, runs in (("0", ("healthz", "public_list")), (None, ("public_list_rate_limited",))):
            port = free_port()  # a fresh one for each server: the last one's may still be closing
            base = f"http://127.0.0.1:{port}"
            env = dict(os.environ)
            if limit is None:  # the default limit (settings.DISCLOSURE_RATE_LIMIT)
                env.pop("DISCLOSURE_RATE_LIMIT", None)
            else:
                env["DISCLOSURE_RATE_LIMIT"] = limit
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-w",
                    str(WORKERS),
                    "-b",
                    f"127.0.0.1:{port}",
                    "changning_enforce.wsgi",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                for _ in range(600):
                    try:
                        urllib.request.urlopen(base + "/healthz", timeout=2)
                        break
                    except OSError:
                        time.sleep(0.2)
                else:
                    raise SystemExit(f"gunicorn did not answer on {base} within two minutes")
                for name in runs:
                    if name == "public_list_rate_limited":
                        results[name] = rate_limit_probe(base + "/gongshi/")
                    else:
                        path = "/healthz" if name == "healthz" else "/gongshi/"
                        for _ in range(2 * WORKERS):  # warm both workers (and their page caches)
                            urllib.request.urlopen(base + path, timeout=30).read()
                        results[name] = run_wrk(base + path, None, seconds, script)
                    print(name, results[name])
            finally:
                server.terminate()
                try:
                    server.wait(20)
                except subprocess.TimeoutExpired:
                    server.kill()
    finally:
        script.unlink()
    results["public_list"]["ratio_to_healthz"] = round(
        results["public_list"]["requests_per_second"] / results["healthz"]["requests_per_second"], 3
    )
    return results


def rate_limit_probe(url: str) -> dict[str, Any]:
    """Three times the per-address limit, one after another from this one address: each worker counts on its own
    (changning_enforce.ratelimit in the local-memory CACHES["public"]), so at most WORKERS × limit are answered
    in one window, the rest get 429."""
    from django.conf import settings

    limit = settings.DISCLOSURE_RATE_LIMIT
    statuses: dict[int, int] = {}
    for _ in range(3 * limit):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        statuses[status] = statuses.get(status, 0) + 1
    return {"limit": limit, "requests": 3 * limit, "statuses": statuses, "refused": statuses.get(429, 0)}


def cleanup(first_id: int) -> int:
    from disclosure.models import PenaltyPublication

    return PenaltyPublication.objects.filter(pk__gte=first_id)._raw_delete(PenaltyPublication.objects.db)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    result: dict[str, Any] = {"data": publish_all()}
    try:
        result["pages"] = pages(args.repeat)
        result["load"] = throughput(args.seconds)
    finally:
        result["cleanup_deleted"] = cleanup(result["data"]["first_id"])
    write_out(args.out, result)


if __name__ == "__main__":
    main()
