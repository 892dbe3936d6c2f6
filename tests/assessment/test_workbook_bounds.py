"""Every workbook upload (the 评分表 and the ledger) is bounded in rows, columns and cells before openpyxl reads
it: openpyxl fills every gap with empty cells, so a 12 KB file with one cell in column XFD per row took about
250 MB, and a few KB of a million empty cells took seconds. Each crafted file gets a clear message naming the
sheet, quickly, whichever upload it is sent to."""

from __future__ import annotations

import resource
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.http import XLSX_MIME
from common.uploads import worksheet_extents
from inspections.models import LedgerImport
from tests import crafted_workbooks as crafted
from tests.assessment.test_workbook import assert_refused

CRAFTED = {
    "far_column": ("XFD列", crafted.far_column),
    "many_cells": ("列有内容，超过上限", crafted.many_cells),
    "far_row": ("第1000000行", crafted.far_row),
    "prefixed_rows": ("5000行", crafted.prefixed_rows),
}


def _timed(call):
    started = time.monotonic()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = call()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    return result, time.monotonic() - started, grown_mb


@pytest.mark.parametrize("kind", CRAFTED)
def test_the_score_upload_refuses_it_before_reading(client, draft_2024, alice, kind):
    message, build = CRAFTED[kind]
    client.force_login(alice)
    data = build(title="评分表")
    assert len(data) < 40_000
    response, seconds, grown_mb = _timed(
        lambda: client.post(
            reverse("assessment:import", args=[draft_2024.pk]),
            {"workbook": SimpleUploadedFile("评分表.xlsx", data, content_type=XLSX_MIME)},
        )
    )
    assert_refused(response, "评分表", message)
    assert seconds < 5 and grown_mb < 60, (seconds, grown_mb)


@pytest.mark.parametrize("kind", ["far_column", "many_cells", "far_row"])
def test_the_ledger_upload_refuses_it_before_reading(client, alice, kind):
    message, build = CRAFTED[kind]
    client.force_login(alice)
    data = build(title="污染源检查")
    response, seconds, grown_mb = _timed(
        lambda: client.post(
            reverse("inspections:import"), {"workbook": SimpleUploadedFile("台账.xlsx", data, XLSX_MIME)}
        )
    )
    assert response.status_code == 302
    job = LedgerImport.objects.get()
    assert job.status == LedgerImport.Status.FAILED
    reasons = " ".join(problem["reason"] for problem in job.errors)
    assert "污染源检查" in reasons and (message in reasons or "超过" in reasons), reasons
    assert seconds < 5 and grown_mb < 60, (seconds, grown_mb)


def test_the_extent_is_what_a_reader_sees():
    assert worksheet_extents(crafted.far_column(3))["评分表"].last_column == 16384
    assert worksheet_extents(crafted.many_cells(2, 30))["评分表"].last_column == 30  # cells without a reference
    mixed = crafted.workbook('<row r="1"><c r="Y1"/><c/><c/></row>')  # Y, then Z and AA after it
    assert worksheet_extents(mixed)["评分表"].last_column == 27
    assert worksheet_extents(crafted.far_row())["评分表"].last_row == 1_000_000
    spaced = crafted.workbook("<row r = \"7\"><c r = 'XFD7'/></row>")  # XML allows spaces around "="
    assert (worksheet_extents(spaced)["评分表"].last_column, worksheet_extents(spaced)["评分表"].last_row) == (16384, 7)


def test_every_module_that_reads_an_uploaded_workbook_bounds_it_first():
    """The class: any product module that opens a workbook with openpyxl also checks its extent (a new upload
    that forgets it fails here). The benchmark reads files it wrote itself."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    skipped = {"bench", "tests", ".venv"}
    unbounded = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skipped & set(path.relative_to(root).parts)
        and "load_workbook(" in (text := path.read_text(encoding="utf-8"))
        and "check_extents(" not in text
        and "check_ledger_file(" not in text
    ]
    assert unbounded == []
