"""The benchmark's --quick mode (bench/run.py, docs/performance.md) completes and writes every result.

It runs as a subprocess against the PostgreSQL server that DATABASE_URL names, in databases of its own
(bench_quick_<pid>_…, dropped when it ends), never in the test database. No timing is asserted: this machine is
shared and its figures are noisy; the benchmark itself reports them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the benchmark targets PostgreSQL (COPY, EXPLAIN ANALYZE, gunicorn + wrk): set DATABASE_URL to run it",
)

PAGES = {
    "scoring",
    "assessment_detail",
    "assessment_list",
    "assessment_list_city",
    *{
        f"{kind}_list{last}"
        for kind in ("dispatch", "inspection", "case", "source", "equipment", "training")
        for last in ("", "_last")
    },
    "statistics_year",
    "dashboard_scorer",
    "dashboard_leader",
    "dashboard_city",
    "score_export",
}
PAGE_KEYS = {"title", "user", "url", "status", "queries", "median_ms", "p95_ms", "sql_ms"}
TARGETS = {
    "pages_p95_under_100ms",
    "queries_do_not_grow",
    "import_70_percent_of_read_only",
    "import_peak_under_300MB",
    "export_80_percent_of_write_only",
    "report_under_3s",
    "report_pdf_under_1_5MB",
    "dashboard_30_percent_of_trivial",
    "no_errors_under_load",
    "public_list_p95_under_100ms",
    "public_list_no_errors_under_load",
}


def test_quick_benchmark_completes_and_writes_its_results(tmp_path):
    docs = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--results-dir", str(tmp_path), "--docs", str(docs)],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    data = json.loads((tmp_path / "quick.json").read_text())

    assert {
        "name",
        "date",
        "machine",
        "config",
        "data",
        "pages",
        "indexes",
        "ledger",
        "report",
        "load",
        "disclosure",
        "targets",
    } <= set(data)
    assert data["machine"]["cores"] >= 1
    assert (
        data["data"]["main"]["totals_in_database"]["inspection"]
        > data["data"]["small"]["totals_in_database"]["inspection"]
    )
    for scale in ("main", "small"):
        assert set(data["pages"][scale]) == PAGES
        for name, page in data["pages"][scale].items():
            assert set(page) >= PAGE_KEYS, name
            assert page["status"] == [200], (name, page["status"])
            assert page["queries"] > 0
    assert set(data["pages"]["ratio"]) == PAGES

    for name, read in data["indexes"]["reads"].items():
        assert read["with_ms"] > 0 and read["without_ms"] > 0, name

    ledger = data["ledger"]
    for part in ("read_only", "import", "import_without_new_indexes", "export", "write_only"):
        assert ledger[part]["rows"] >= data["config"]["ledger_rows"], part
        assert ledger[part]["rows_per_second"] > 0
    assert ledger["import"]["peak_rss_mb"] > 0 and "ratio_to_read_only" in ledger["import"]
    assert "ratio_to_write_only" in ledger["export"]
    assert ledger["cleanup"]["inspections"] == data["config"]["ledger_rows"] // 2

    report = data["report"]
    assert report["signature_verified"] and report["pages"] > 0 and report["signed_pdf_bytes"] > 0
    assert report["render_median_ms"] > 0 and report["sign_median_ms"] > 0

    load = data["load"]
    for name in ("dashboard_leader", "dashboard_city", "healthz"):
        assert load[name]["requests"] > 0 and "errors" in load[name], name
    assert "errors" in load

    disclosure = data["disclosure"]
    assert disclosure["data"]["published"] > 0 and disclosure["data"]["visible_today"] > 0
    for name, page in disclosure["pages"].items():
        assert page["queries"] > 0 and page["median_ms"] > 0, name
    # the deep page costs the same queries as the first (keyset pagination)
    assert disclosure["pages"]["list_deep"]["queries"] == disclosure["pages"]["list_first"]["queries"]
    for name in ("healthz", "public_list"):
        assert disclosure["load"][name]["requests"] > 0 and disclosure["load"][name]["errors"] == 0, name
    # one address gets 429 once past the limit (each of the 2 workers counts on its own)
    probe = disclosure["load"]["public_list_rate_limited"]
    assert probe["refused"] >= probe["requests"] - 2 * probe["limit"] and probe["refused"] > 0
    assert disclosure["cleanup_deleted"] == disclosure["data"]["published"]

    assert set(data["targets"]) == TARGETS
    assert all(isinstance(t["met"], bool) for t in data["targets"].values())
    # the results section is written from the JSON
    assert "bench:results:start" in docs.read_text()
