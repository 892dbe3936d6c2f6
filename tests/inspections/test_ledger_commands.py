"""python manage.py import_ledger FILE --org CODE and export_ledger --org --from --to --out."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from inspections.models import Dispatch
from tests.inspections.records_helpers import database_snapshot, good_ledger, jan_aug, workbook


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_then_export(tmp_path, changning):
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(workbook(good_ledger()))
    output = run("import_ledger", str(ledger), "--org", "changning")
    assert "已导入长宁区执法台账“台账.xlsx”" in output and "执法出动：新增3条，更新0条，未变化0条" in output
    assert "未变化3条" in run("import_ledger", str(ledger), "--org", "changning")
    assert jan_aug(changning).dispatches == 2

    out = tmp_path / "out.xlsx"
    message = run(
        "export_ledger", "--org", "changning", "--from", "2023-01-01", "--to", "2023-08-31", "--out", str(out)
    )
    assert "已导出长宁区2023-01-01至2023-08-31的执法台账" in message
    wb = load_workbook(out)
    assert [r[0] for r in wb["执法出动"].iter_rows(min_row=2, values_only=True)] == ["CD2023-001", "CD2023-002"]
    assert [r[0] for r in wb["行政处罚"].iter_rows(min_row=2, values_only=True)] == [
        "长环罚〔2023〕1号",
        "长环罚〔2023〕2号",
    ]
    assert wb["执法出动"]["B2"].value.date() == date(2023, 1, 1)


def test_import_errors_are_listed_and_nothing_is_written(tmp_path, changning):
    sheets = good_ledger()
    sheets["执法出动"][1][2] = "两"
    ledger = tmp_path / "bad.xlsx"
    ledger.write_bytes(workbook(sheets))
    before = database_snapshot()
    with pytest.raises(CommandError) as info:
        run("import_ledger", str(ledger), "--org", "changning")
    assert "台账有1处错误，未导入任何内容" in str(info.value)
    assert "工作表“执法出动”第2行“出动人数”列（C2）：“两”不是数字，请填写整数" in str(info.value)
    assert database_snapshot() == before


def test_unknown_dispatches_are_listed_with_the_cell_errors(tmp_path, changning):
    sheets = good_ledger()
    sheets["执法出动"][1][1] = "2023-13-01"
    sheets["污染源检查"][2][0] = "NOPE"
    ledger = tmp_path / "bad.xlsx"
    ledger.write_bytes(workbook(sheets))
    with pytest.raises(CommandError) as info:
        run("import_ledger", str(ledger), "--org", "changning")
    assert str(info.value).splitlines() == [
        "台账有2处错误，未导入任何内容：",
        "工作表“执法出动”第2行“出动日期”列（B2）：“2023-13-01”不是有效日期（没有这一天）",
        "工作表“污染源检查”第3行“出动编号”列：出动编号“NOPE”既不在“执法出动”工作表中，也不是本单位已有的出动记录",
    ]
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import_ledger", "/nonexistent.xlsx", "--org", "changning"], "无法读取文件"),
        (["import_ledger", "/dev/null", "--org", "nowhere"], "找不到机构代码“nowhere”"),
        (
            ["export_ledger", "--org", "changning", "--from", "2023-13-01", "--to", "2023-12-31", "--out", "x"],
            "不是 YYYY-MM-DD",
        ),
        (
            ["export_ledger", "--org", "changning", "--from", "2023-12-31", "--to", "2023-01-01", "--out", "x"],
            "起始日期不能晚于",
        ),
    ],
)
def test_bad_arguments(changning, args, message):
    with pytest.raises(CommandError) as info:
        run(*args)
    assert message in str(info.value)
    assert not Dispatch.objects.exists()
