"""Malformed workbooks from the shared corpus on the category upload; script typed into plans' free text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import PollutionSource
from plans import record, services
from plans.models import SourceSupervision
from tests.plans import helpers
from tests.test_bad_input_corpus import PAYLOAD, assert_shown_escaped

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "files"
FILES = {
    "ledger-csv-renamed.xlsx": "不是 Excel 工作簿",
    "ledger-docx-renamed.xlsx": "无法作为 Excel 工作簿打开",
    "ledger-legacy.xls": "不是 Excel 工作簿",
    "ledger-macro-enabled.xlsm": "启用宏的工作簿",
    "ledger-macro-enabled.xlsx": "启用宏的工作簿",
    "ledger-entity-expansion.xlsx": "",
    "ledger-external-entity.xlsx": "",
    "ledger-empty.xlsx": "所提交的是空文件",  # the form's own check, before any reading
    "ledger-no-ledger-sheet.xlsx": "没有名为“监管类别”的工作表",
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_corpus_files_are_refused_by_the_category_upload_and_change_nothing(client, alice, make, name):
    source = make.source("甲厂")
    client.force_login(alice)
    data = (CORPUS / name).read_bytes()
    response = client.post(reverse("plans:categories-import"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert FILES[name] in page
    assert name == "ledger-empty.xlsx" or "工作簿未导入，没有修改任何数据" in page
    source.refresh_from_db()
    assert source.category == PollutionSource.Category.GENERAL and not SourceSupervision.objects.exists()


def test_script_in_reasons_and_notes_is_escaped_on_pages_and_literal_in_the_record(
    client, changning, make, lea, rita, alice
):
    plan = helpers.monthly(changning, note=PAYLOAD)
    client.force_login(lea)
    client.post(reverse("plans:monthly-file", args=[plan.pk]))
    client.force_login(rita)
    client.post(reverse("plans:monthly-return", args=[plan.pk]), {"reason": PAYLOAD})
    page = client.get(reverse("plans:monthly-detail", args=[plan.pk])).content.decode()
    assert_shown_escaped(page, PAYLOAD)
    assert_shown_escaped(client.get(reverse("plans:filings")).content.decode(), PAYLOAD)
    ready = helpers.ready(changning, make, month=4, plan=plan.annual_plan)
    first = services.run_draw(user=alice, plan=ready)
    client.force_login(alice)
    client.post(reverse("plans:redraw", args=[first.pk]), {"reason": PAYLOAD})
    second = ready.draws.get(number=2)
    assert_shown_escaped(client.get(reverse("plans:draw-detail", args=[second.pk])).content.decode(), PAYLOAD)
    workbook = load_workbook(io.BytesIO(client.get(reverse("plans:draw-xlsx", args=[second.pk])).content))
    cells = {c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row}
    assert PAYLOAD in cells
    assert record.verify(record.from_xlsx(client.get(reverse("plans:draw-xlsx", args=[second.pk])).content)) is None


def test_a_formula_like_name_stays_text_in_the_record(client, changning, make, alice):
    plan = helpers.ready(changning, make, quota_key=6, quota_general=0)
    PollutionSource.objects.filter(organization=changning, category="key").update(name='=HYPERLINK("http://x")')
    draw = services.run_draw(user=alice, plan=plan)
    data = record.to_xlsx(record.record_of(draw))
    sheet = load_workbook(io.BytesIO(data))[record.RESULT_SHEET]
    cell = sheet.cell(row=2, column=4)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
