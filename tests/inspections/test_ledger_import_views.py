"""Uploading a ledger on the page: queued, imported by the task, progress as JSON, errors on the page
and as a download. (Tasks run with the immediate backend here; test_ledger_worker.py uses the real worker.)"""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from inspections.models import Dispatch, LedgerImport
from tests.inspections.records_helpers import database_snapshot, good_ledger, workbook, xlsm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def upload(client, data: bytes, name: str = "台账.xlsx"):
    return client.post(reverse("inspections:import"), {"workbook": SimpleUploadedFile(name, data, XLSX)})


def test_the_import_page_offers_the_template(as_alice):
    page = as_alice.get(reverse("inspections:import")).content.decode()
    assert reverse("inspections:template") in page and "一行也不导入" in page
    template = as_alice.get(reverse("inspections:template"))
    assert template["Content-Type"] == XLSX
    assert (
        "filename*=UTF-8''%E6%89%A7%E6%B3%95%E5%8F%B0%E8%B4%A6%E6%A8%A1%E6%9D%BF.xlsx"
        in template["Content-Disposition"]
    )
    assert load_workbook(io.BytesIO(template.content)).sheetnames[0] == "执法出动"


def test_a_good_upload_is_imported_and_reported(as_alice, changning, alice, settings, tmp_path):
    response = upload(as_alice, workbook(good_ledger()))
    job = LedgerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inspections:import-detail", args=[job.pk])
    assert (job.status, job.organization, job.created_by, job.original_name) == (
        "succeeded",
        changning,
        alice,
        "台账.xlsx",
    )
    assert job.task_id
    assert Path(job.file.path).is_file() and str(settings.MEDIA_ROOT) in job.file.path
    assert Dispatch.objects.filter(organization=changning).count() == 3
    status = as_alice.get(reverse("inspections:import-status", args=[job.pk])).json()
    assert status["finished"] and status["percent"] == 100 and status["status"] == "succeeded"
    assert status["summary"][0] == "执法出动：新增3条，更新0条，未变化0条"
    page = as_alice.get(reverse("inspections:import-detail", args=[job.pk])).content.decode()
    assert "导入成功。" in page and "执法出动：新增3条" in page
    assert 'src="/static/js/inspections-import.js"' in page
    assert "<script>" not in page  # no inline script: the page will run under a CSP


def test_a_bad_upload_lists_every_error_on_the_page_and_as_a_download(as_alice, changning):
    sheets = good_ledger()
    sheets["执法出动"][1][1] = "2023-13-01"
    sheets["行政处罚"][2][2] = "123456789012345670"
    before = database_snapshot()
    upload(as_alice, workbook(sheets))
    job = LedgerImport.objects.get()
    assert job.status == "failed" and job.error_count == 2
    assert database_snapshot() == before
    status = as_alice.get(reverse("inspections:import-status", args=[job.pk])).json()
    assert status["errors"] == [
        "工作表“执法出动”第2行“出动日期”列（B2）：“2023-13-01”不是有效日期（没有这一天）",
        "工作表“行政处罚”第3行“统一社会信用代码”列（C3）："
        "统一社会信用代码“123456789012345670”校验位错误（按GB 32100-2015应为“8”），请核对",
    ]
    assert status["errors_url"] == reverse("inspections:import-errors", args=[job.pk])
    page = as_alice.get(reverse("inspections:import-detail", args=[job.pk])).content.decode()
    assert '台账有<span id="import-error-count">2</span>处错误，未导入任何内容。' in page
    assert "“2023-13-01”不是有效日期" in page
    report = as_alice.get(status["errors_url"])
    assert report["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(report.content))["错误清单"].iter_rows(values_only=True))
    assert rows[0] == ("工作表", "行号", "列", "单元格", "错误原因")
    assert rows[1] == ("执法出动", 2, "出动日期", "B2", "“2023-13-01”不是有效日期（没有这一天）")
    assert rows[2][:4] == ("行政处罚", 3, "统一社会信用代码", "C3")


def report_rows(client, job: LedgerImport) -> list[tuple]:
    report = client.get(reverse("inspections:import-errors", args=[job.pk]))
    assert report["Content-Type"] == XLSX
    return list(load_workbook(io.BytesIO(report.content))["错误清单"].iter_rows(values_only=True))


def test_unknown_dispatches_are_listed_with_the_cell_errors_and_in_the_report(as_alice, changning):
    sheets = good_ledger()
    sheets["执法出动"][1][1] = "2023-13-01"
    sheets["污染源检查"][2][0] = "NOPE"
    sheets["污染源检查"][3][0] = "NOPE"
    sheets["污染源检查"][3][3] = "123456789012345670"
    upload(as_alice, workbook(sheets))
    job = LedgerImport.objects.get()
    assert job.status == "failed" and job.error_count == 4
    assert not Dispatch.objects.exists()
    status = as_alice.get(reverse("inspections:import-status", args=[job.pk])).json()
    unknown = "出动编号“NOPE”既不在“执法出动”工作表中，也不是本单位已有的出动记录"
    assert status["errors"][1] == f"工作表“污染源检查”第3行“出动编号”列：{unknown}"
    assert status["errors"][3] == f"工作表“污染源检查”第4行“出动编号”列：{unknown}"
    assert unknown in as_alice.get(reverse("inspections:import-detail", args=[job.pk])).content.decode()
    assert [row[:3] for row in report_rows(as_alice, job)[1:]] == [
        ("执法出动", 2, "出动日期"),
        ("污染源检查", 3, "出动编号"),
        ("污染源检查", 4, "统一社会信用代码"),
        ("污染源检查", 4, "出动编号"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("台账.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "不是 Excel 工作簿（.xlsx）文件"),
        ("台账.xlsx", xlsm(), "启用宏的工作簿（.xlsm），不予导入"),
    ],
    ids=["xls-renamed", "xlsm"],
)
def test_a_refused_file_is_a_failed_import_with_a_downloadable_error_report(as_alice, settings, name, data, reason):
    response = upload(as_alice, data, name)
    job = LedgerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inspections:import-detail", args=[job.pk])
    assert (job.status, job.error_count, job.original_name) == ("failed", 1, name)
    # nothing of a refused file is kept
    assert job.file.name == "" and not (Path(settings.MEDIA_ROOT) / "ledger-imports").exists()
    page = as_alice.get(response["Location"]).content.decode()
    assert '台账有<span id="import-error-count">1</span>处错误，未导入任何内容。' in page
    assert reason in page and reverse("inspections:import-errors", args=[job.pk]) in page
    status = as_alice.get(reverse("inspections:import-status", args=[job.pk])).json()
    assert status["finished"] and reason in status["errors"][0]
    rows = report_rows(as_alice, job)
    assert rows[1][:4] == ("（整个文件）", None, None, None) and reason in rows[1][4]


def test_a_file_over_the_size_limit_is_reported_the_same_way(as_alice, settings):
    settings.LEDGER_MAX_BYTES = 1000
    upload(as_alice, workbook(good_ledger()))
    job = LedgerImport.objects.get()
    assert job.status == "failed" and "超过上限" in report_rows(as_alice, job)[1][4]


def test_a_refused_file_is_seen_only_in_its_organisation(client, alice, bob):
    client.force_login(alice)
    upload(client, xlsm())
    job = LedgerImport.objects.get()
    client.force_login(bob)
    for name in ("import-detail", "import-status", "import-errors"):
        assert client.get(reverse(f"inspections:{name}", args=[job.pk])).status_code == 404, name
    assert "台账.xlsx" not in client.get(reverse("inspections:import")).content.decode()


def test_a_file_not_named_xlsx_is_refused_by_the_form(as_alice):
    response = upload(as_alice, b"a,b\n1,2\n", "台账.csv")
    assert response.status_code == 400 and "不支持 .xls、.xlsm、.csv" in response.content.decode()
    assert not LedgerImport.objects.exists()


def test_a_job_is_run_once_even_if_its_task_is_delivered_twice(as_alice, changning):
    from inspections.tasks import import_ledger_task

    upload(as_alice, workbook(good_ledger()))
    job = LedgerImport.objects.get()
    before = database_snapshot()
    assert import_ledger_task.call(job.pk) == "succeeded"
    assert database_snapshot() == before


def test_the_status_of_a_running_import(as_alice, changning, alice):
    job = LedgerImport.objects.create(
        organization=changning, created_by=alice, original_name="大台账.xlsx", status="running",
        stage="正在读取台账", rows_total=100000, rows_done=50000,
    )  # fmt: skip
    status = as_alice.get(reverse("inspections:import-status", args=[job.pk])).json()
    assert status == {
        "status": "running",
        "status_label": "导入中",
        "stage": "正在读取台账",
        "percent": 45,
        "rows_done": 50000,
        "rows_total": 100000,
        "finished": False,
    }
    page = as_alice.get(reverse("inspections:import-detail", args=[job.pk])).content.decode()
    assert 'data-percent="45"' in page and "已读取 50000 / 100000 行" in page


def test_only_scorers_of_the_organisation_may_import(client, lea, rita):
    for user in (lea, rita):
        client.force_login(user)
        assert client.get(reverse("inspections:import")).status_code == 403
        assert upload(client, workbook(good_ledger())).status_code == 403
    assert not LedgerImport.objects.exists()
