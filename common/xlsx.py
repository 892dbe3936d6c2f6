"""Cells of the workbooks the product writes (ledger, 评分表, audit trail) and reads (ledger, 评分表)."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Text starting with one of these is a formula to Excel ("=HYPERLINK(…)": CSV/formula injection).
# The full-width forms too: Excel and WPS in Chinese input mode read a leading ＝＋－＠ as the ASCII operator.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
# CSV also: a leading tab or carriage return, which some spreadsheet programs strip before parsing a formula
CSV_TRIGGERS = (*FORMULA_TRIGGERS, "\t", "\r")
YES, NO = "是", "否"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="000000")
THIN_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def keep_text(cell: Cell | WriteOnlyCell) -> Cell | WriteOnlyCell:
    """Text typed by people stays text in whoever opens the file, even when it starts like a formula."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True  # and Excel keeps it text when the user edits the cell
    return cell


def text_cell(ws: WriteOnlyWorksheet, value: object) -> object:
    """A value for a write-only sheet, with formula-like text kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return keep_text(WriteOnlyCell(ws, value))
    return value


def cell_value(ws: WriteOnlyWorksheet, value: object) -> object:
    """A value for a write-only sheet, shown as written: 是/否 for booleans, formula-like text as text."""
    if isinstance(value, bool):
        return YES if value else NO
    return text_cell(ws, value)


def csv_cell(value: str) -> str:
    return "'" + value if value.startswith(CSV_TRIGGERS) else value


def cell_text(value: object) -> str:
    """A read cell as the text a person typed: 12.0 is "12", a date is 2023-03-05, spaces around are dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
