"""Every kind of bad input is reported with its sheet, row, column and reason, and nothing is written."""

import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from inspections.ledger.reader import MAX_LISTED_PROBLEMS, read_ledger
from inspections.ledger.rows import LedgerError
from inspections.models import Training
from inspections.services import import_ledger
from inspections.services.ledger import read_ledger_for_import
from tests.inspections.records_helpers import (
    VALID_CODES,
    code,
    database_snapshot,
    good_ledger,
    headers,
    workbook,
    xlsm,
)

MAX = 50 * 1024 * 1024


def attempt(data: bytes, organization) -> list:
    with pytest.raises(LedgerError) as info:
        import_ledger(organization=organization, ledger=read_ledger(data, max_bytes=MAX))
    return info.value.problems


@pytest.fixture
def stored(changning):
    """The organisation already holds a ledger; a bad import must leave it exactly as it is."""
    import_ledger(organization=changning, ledger=read_ledger(workbook(good_ledger()), max_bytes=MAX))
    return database_snapshot()


def edited(sheet: str, row: int, column: str, value) -> bytes:
    sheets = good_ledger()
    sheets[sheet][row - 1][headers(sheet).index(column)] = value
    return workbook(sheets)


CELL_CASES = [
    # sheet, row, column, value, what the reason says
    ("执法出动", 2, "出动日期", "2023-02-30", "“2023-02-30”不是有效日期（没有这一天）"),
    (
        "执法出动",
        2,
        "出动日期",
        "上周三",
        "“上周三”不是日期，请填写 Excel 日期，或“2023-03-05”“2023年3月5日”格式的文字",
    ),
    ("执法出动", 3, "出动日期", 45000, "“45000”不是日期"),
    ("执法出动", 2, "出动人数", -2, "不能为负数（填写的是-2）"),
    ("执法出动", 2, "出动人数", 0, "至少为1（填写的是0）"),
    ("执法出动", 2, "出动人数", "两人", "“两人”不是数字，请填写整数"),
    ("执法出动", 2, "出动人数", 2.5, "“2.5”应为整数"),
    ("执法出动", 2, "出动编号", None, "不能为空"),
    (
        "执法出动",
        2,
        "任务类型",
        "日常巡查",
        "“日常巡查”不是可选的任务类型，应为：日常监管、专项执法、信访投诉、双随机抽查、其他",
    ),
    ("执法出动", 2, "执法人员", "甲、乙、丙", "列出了3名执法人员，多于出动人数2"),
    ("污染源检查", 2, "统一社会信用代码", "9144030071526726XH", "校验位错误"),
    ("污染源检查", 3, "统一社会信用代码", "91440300715267", "应为18位"),
    ("污染源检查", 2, "检查结果", "合格", "不是可选的检查结果"),
    ("行政处罚", 2, "罚款金额（元）", -100, "不能为负数"),
    ("行政处罚", 2, "罚款金额（元）", "九十万", "“九十万”不是数字，请只填写元数"),
    ("行政处罚", 2, "罚款金额（元）", "100.555", "最多保留2位小数"),
    ("行政处罚", 2, "罚款金额（元）", None, "处理结果为“罚款”时须填写大于0的罚款金额"),
    ("行政处罚", 3, "罚款金额（元）", 500, "处理结果为“免于处罚”时罚款金额应为空或0"),
    ("行政处罚", 2, "决定日期", date(2023, 6, 1), "决定日期2023-06-01早于立案日期2023-07-01"),
    ("行政处罚", 2, "决定日期", None, "处理结果为“罚款”时须填写决定日期"),
    ("行政处罚", 3, "处理结果", None, "已填写决定日期，须同时填写处理结果"),
    ("行政处罚", 2, "是否移送公安", "不确定", "应填写“是”或“否”"),
    ("执法装备", 2, "类别", "望远镜", "不是可选的类别"),
    ("培训记录", 2, "参训人数", "三十", "不是数字"),
    ("培训记录", 3, "学时", -1, "不能为负数"),
    ("培训记录", 3, "学时", 1.25, "最多保留1位小数"),
    ("培训记录", 2, "培训主题", "长" * 201, "内容有201个字，超过200字上限"),
]


@pytest.mark.parametrize(("sheet", "row", "column", "value", "reason"), CELL_CASES)
def test_a_bad_cell(stored, changning, sheet, row, column, value, reason):
    problems = attempt(edited(sheet, row, column, value), changning)
    assert [(p.sheet, p.row, p.column) for p in problems] == [(sheet, row, column)]
    assert reason in problems[0].reason
    assert problems[0].message.startswith(f"工作表“{sheet}”第{row}行“{column}”列")
    assert database_snapshot() == stored


def test_the_message_names_the_cell(changning):
    problems = attempt(edited("执法出动", 3, "出动人数", "x"), changning)
    assert problems[0].cell == "C3"
    assert problems[0].message == "工作表“执法出动”第3行“出动人数”列（C3）：“x”不是数字，请填写整数"


def test_a_missing_column(stored, changning):
    sheets = good_ledger()
    for row in sheets["执法出动"]:
        del row[2]
    problems = attempt(workbook(sheets), changning)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("执法出动", 1, "出动人数")]
    assert "缺少必需的列“出动人数”" in problems[0].reason
    assert database_snapshot() == stored


def test_a_wrong_header_names_what_was_found(stored, changning):
    sheets = good_ledger()
    sheets["行政处罚"][0][7] = "罚款金额(万元)"
    problems = attempt(workbook(sheets), changning)
    assert [(p.sheet, p.column) for p in problems] == [("行政处罚", "罚款金额（元）")]
    assert "现有不认识的表头：罚款金额(万元)" in problems[0].reason
    assert database_snapshot() == stored


def test_a_header_twice(changning):
    sheets = good_ledger()
    for row in sheets["执法装备"]:
        row.append(row[0])
    problems = attempt(workbook(sheets), changning)
    assert problems[0].column == "资产编号" and "出现了两次" in problems[0].reason


def test_extra_columns_and_other_sheets_are_ignored(changning):
    sheets = good_ledger()
    for row in sheets["执法出动"]:
        row.append("说明")
    sheets["说明"] = [["这是一张说明表"]]
    import_ledger(organization=changning, ledger=read_ledger(workbook(sheets), max_bytes=MAX))
    assert Training.objects.count() == 2


def test_no_ledger_sheet_at_all(stored, changning):
    problems = attempt(workbook({"Sheet1": [["a", "b"]]}), changning)
    assert "工作簿中没有可导入的工作表" in problems[0].reason and "现有：Sheet1" in problems[0].reason


def test_an_inspection_of_an_unknown_dispatch(stored, changning):
    data = edited("污染源检查", 3, "出动编号", "CD-NOWHERE")
    problems = attempt(data, changning)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("污染源检查", 3, "出动编号")]
    assert "出动编号“CD-NOWHERE”既不在“执法出动”工作表中，也不是本单位已有的出动记录" in problems[0].reason
    assert database_snapshot() == stored


def test_another_districts_dispatch_is_unknown(xuhui, changning, make_xuhui):
    make_xuhui.dispatch(date(2023, 1, 1), number="XH-1")
    sheets = {"污染源检查": [headers("污染源检查"), ["XH-1", date(2023, 1, 1), "甲", VALID_CODES[0], "未发现问题", ""]]}
    problems = attempt(workbook(sheets), changning)
    assert "出动编号“XH-1”既不在" in problems[0].reason


# --- unknown 出动编号 reported in the same pass as the cell errors ---------------------------------------


def refused(data: bytes, organization) -> list:
    """What an import is refused for: the rows read for it, checked as the worker and the command check them."""
    with pytest.raises(LedgerError) as info:
        read_ledger_for_import(organization=organization, data=data, max_bytes=MAX)
    return info.value.problems


def audit_reproduction() -> bytes:
    """Three bad cells on 执法出动, and two inspections of dispatch "NOPE", one with a bad credit code too."""
    sheets = good_ledger()
    sheets["执法出动"][1][1] = "2023-13-01"
    sheets["执法出动"][2][2] = "=1+1"
    sheets["执法出动"][3][2] = -3
    sheets["污染源检查"][1][0] = "NOPE"
    sheets["污染源检查"][2][0] = "NOPE"
    sheets["污染源检查"][2][3] = "123456789012345670"
    return workbook(sheets)


def test_unknown_dispatches_are_reported_with_the_cell_errors(changning):
    before = database_snapshot()
    problems = refused(audit_reproduction(), changning)
    # Row 4 of 污染源检查 names CD2023-003, whose row is refused for its count: it is in the file, not unknown.
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("执法出动", 2, "出动日期"),
        ("执法出动", 3, "出动人数"),
        ("执法出动", 4, "出动人数"),
        ("污染源检查", 2, "出动编号"),
        ("污染源检查", 3, "统一社会信用代码"),
        ("污染源检查", 3, "出动编号"),
    ]
    unknown = "出动编号“NOPE”既不在“执法出动”工作表中，也不是本单位已有的出动记录"
    assert problems[3].message == f"工作表“污染源检查”第2行“出动编号”列：{unknown}"
    assert problems[5].reason == unknown
    assert database_snapshot() == before


def test_with_cell_errors_stored_dispatches_are_known_and_other_districts_are_not(changning, make, make_xuhui):
    make.dispatch(date(2023, 1, 1), number="OLD-1")
    make_xuhui.dispatch(date(2023, 1, 1), number="XH-1")
    rows = [
        headers("污染源检查"),
        ["OLD-1", date(2023, 1, 2), "甲", VALID_CODES[0], "未发现问题", ""],
        ["XH-1", date(2023, 1, 2), "乙", VALID_CODES[1], "未发现问题", ""],
        ["OLD-1", "昨天", "丙", VALID_CODES[2], "未发现问题", ""],
    ]
    problems = refused(workbook({"污染源检查": rows}), changning)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("污染源检查", 3, "出动编号"),
        ("污染源检查", 4, "检查日期"),
    ]
    assert "出动编号“XH-1”既不在" in problems[0].reason


def test_a_wrong_dispatch_header_does_not_make_every_inspection_unknown(changning):
    sheets = good_ledger()
    sheets["执法出动"][0][0] = "编号"
    problems = refused(workbook(sheets), changning)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("执法出动", 1, "出动编号")]


def test_unknown_dispatches_count_towards_the_listed_problems(changning):
    count = MAX_LISTED_PROBLEMS
    rows = [headers("污染源检查")] + [
        ["NOPE", "昨天" if n % 2 else "2023-01-01", "甲", code(n), "未发现问题", ""] for n in range(count)
    ]
    with pytest.raises(LedgerError) as info:
        read_ledger_for_import(organization=changning, data=workbook({"污染源检查": rows}), max_bytes=MAX)
    problems = info.value.problems
    # every row names the unknown dispatch and every other row has a bad date: half as many again are left off
    assert (len(problems), info.value.unlisted) == (count, count // 2)
    assert [(p.row, p.column) for p in problems[:4]] == [
        (2, "出动编号"),
        (3, "检查日期"),
        (3, "出动编号"),
        (4, "出动编号"),
    ]


def test_a_case_number_twice_in_the_file(stored, changning):
    sheets = good_ledger()
    sheets["行政处罚"].append(list(sheets["行政处罚"][2]))
    problems = attempt(workbook(sheets), changning)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("行政处罚", 5, "案件编号")]
    assert problems[0].reason == "案件编号“长环罚〔2023〕2号”与第3行重复，同一文件中只能出现一次"
    assert database_snapshot() == stored


def test_the_same_source_twice_in_one_dispatch(changning):
    sheets = good_ledger()
    sheets["污染源检查"].append(list(sheets["污染源检查"][1]))
    problems = attempt(workbook(sheets), changning)
    assert problems[0].column == "统一社会信用代码" and "与第2行重复" in problems[0].reason


def test_a_formula_where_a_value_belongs(stored, changning):
    problems = attempt(edited("培训记录", 2, "参训人数", "=30+5"), changning)
    assert [(p.sheet, p.row, p.column, p.cell) for p in problems] == [("培训记录", 2, "参训人数", "E2")]
    assert "单元格是公式“=30+5”，请改为填写数值或文字" in problems[0].reason
    assert database_snapshot() == stored


def test_every_bad_row_is_reported_not_just_the_first(stored, changning):
    sheets = good_ledger()
    sheets["执法出动"][1][1] = "bad"
    sheets["执法出动"][2][2] = -1
    sheets["污染源检查"][1][3] = "123"
    sheets["培训记录"][2][4] = "many"
    problems = attempt(workbook(sheets), changning)
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("执法出动", 2, "出动日期"),
        ("执法出动", 3, "出动人数"),
        ("污染源检查", 2, "统一社会信用代码"),
        ("培训记录", 3, "参训人数"),
    ]
    assert database_snapshot() == stored


def test_a_huge_number_of_problems_is_capped_and_counted(changning):
    rows = [headers("执法装备")] + [
        [f"A{i}", "x", "望远镜", "2023-01-01", "在用"] for i in range(MAX_LISTED_PROBLEMS + 5)
    ]
    with pytest.raises(LedgerError) as info:
        read_ledger(workbook({"执法装备": rows}), max_bytes=MAX)
    assert len(info.value.problems) == MAX_LISTED_PROBLEMS
    assert info.value.unlisted == 5


# --- files that are not a ledger workbook at all -----------------------------------------------------


def zip_with(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def legacy_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000


def csv_file() -> bytes:
    return "出动编号,出动日期\nCD1,2023-01-01\n".encode("gbk")


def docx_renamed() -> bytes:
    return zip_with({"word/document.xml": b"<w:document/>"})


def many_entries() -> bytes:
    return zip_with({f"xl/media/image{i}.png": b"x" for i in range(600)})


def zip_bomb() -> bytes:
    return zip_with({"xl/worksheets/sheet1.xml": b"\0" * (210 * 1024 * 1024)})


@pytest.mark.parametrize(
    ("make_file", "reason"),
    [
        (lambda: b"", "是空文件"),
        (legacy_xls, "不是 Excel 工作簿（.xlsx）文件"),
        (csv_file, "不是 Excel 工作簿（.xlsx）文件"),
        (lambda: "这是一个改了扩展名的文本文件".encode(), "不是 Excel 工作簿（.xlsx）文件"),
        (xlsm, "启用宏的工作簿（.xlsm），不予导入"),
        (docx_renamed, "无法作为 Excel 工作簿打开"),
        (many_entries, "包含601个内部文件，超过上限500个"),
        (zip_bomb, "解压后超过200 MB"),
        (lambda: b"PK\x03\x04 truncated", "不是 Excel 工作簿（.xlsx）文件，或文件已损坏"),
    ],
    ids=["empty", "xls", "csv", "renamed-text", "xlsm", "docx", "entries", "zip-bomb", "truncated"],
)
def test_a_file_that_is_not_a_ledger_workbook(stored, changning, make_file, reason):
    problems = attempt(make_file(), changning)
    assert len(problems) == 1 and reason in problems[0].message
    assert problems[0].sheet == "" and problems[0].row is None
    assert database_snapshot() == stored


def test_a_file_over_the_size_limit(changning):
    with pytest.raises(LedgerError) as info:
        read_ledger(workbook(good_ledger()), max_bytes=1000)
    assert "超过上限" in info.value.problems[0].reason


def test_a_failure_while_writing_leaves_nothing_half_written(stored, changning, monkeypatch):
    """The last sheet fails in the database after the others were written: all of it is rolled back."""
    sheets = good_ledger()
    sheets["执法出动"].append(["CD-NEW", date(2023, 2, 2), 2, "", "其他", ""])
    sheets["培训记录"].append([date(2023, 2, 2), "新培训", "其他", "", 10, 1])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Training.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        import_ledger(organization=changning, ledger=read_ledger(workbook(sheets), max_bytes=MAX))
    assert database_snapshot() == stored


def test_an_empty_sheet(changning):
    wb = Workbook()
    wb.active.title = "执法出动"
    buffer = io.BytesIO()
    wb.save(buffer)
    problems = attempt(buffer.getvalue(), changning)
    assert problems[0].sheet == "执法出动"
