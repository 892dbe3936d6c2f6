"""Cells that stay text, and cell text as read."""

from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook, load_workbook

from common.xlsx import cell_text, cell_value, csv_cell, keep_text, workbook_bytes


def test_formula_like_text_stays_text_in_both_kinds_of_sheet():
    formula = '=HYPERLINK("http://example.invalid","点击")'
    normal = Workbook()
    keep_text(normal.active.cell(row=1, column=1, value=formula))
    streamed = Workbook(write_only=True)
    ws = streamed.create_sheet("s")
    ws.append([cell_value(ws, formula), cell_value(ws, True), cell_value(ws, 3)])
    for data in (workbook_bytes(normal), workbook_bytes(streamed)):  # a write-only workbook saves once
        sheet = load_workbook(BytesIO(data)).worksheets[0]
        assert sheet["A1"].value == formula and sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix
    assert [c.value for c in sheet[1]][1:] == ["是", 3]


def test_csv_cells_that_start_like_a_formula_get_a_quote():
    assert [csv_cell(v) for v in ("=1+1", "\tx", "-3", "正常")] == ["'=1+1", "'\tx", "'-3", "正常"]


def test_cell_text_reads_what_a_person_typed():
    assert [cell_text(v) for v in (None, 12.0, 12.5, " 长宁 ", date(2023, 3, 5), datetime(2023, 3, 5))] == [
        "",
        "12",
        "12.5",
        "长宁",
        "2023-03-05",
        "2023-03-05",
    ]
