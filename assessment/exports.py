"""The 评分表 workbook: built from the same ScoringSheet as the page, returned as bytes."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from assessment.selectors import ScoringSheet
from common.xlsx import HEADER_FILL, THIN_BORDER, keep_text, workbook_bytes

SHEET_TITLE = "评分表"
HEADERS = ("编号", "指标", "满分", "得分", "自评说明")
HEADER_ROW = 3
CHINESE_NUMERALS = "一二三四五六七八九十"

_SYSTEM_FILL = PatternFill("solid", fgColor="F2F2F2")
_FONT = "仿宋"


def _text(ws: Worksheet, row: int, column: int, value: str | None) -> None:
    keep_text(ws.cell(row=row, column=column, value=value))


def _number(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def workbook_title(sheet: ScoringSheet) -> str:
    a = sheet.assessment
    return f"{a.organization.name}{a.year}年度执法机构规范化建设自评评分表"


def _style_row(ws: Worksheet, row: int, *, bold: bool = False, fill: PatternFill | None = None) -> None:
    for col in range(1, len(HEADERS) + 1):
        cell = ws.cell(row=row, column=col)
        cell.border = THIN_BORDER
        cell.font = Font(name=_FONT, size=11, bold=bold)
        cell.alignment = Alignment(vertical="center", wrap_text=True, horizontal="left" if col in (2, 5) else "center")
        if fill is not None:
            cell.fill = fill


def score_workbook(sheet: ScoringSheet) -> bytes:
    a = sheet.assessment
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    _text(ws, 1, 1, workbook_title(sheet))
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32

    # Row 2 identifies the assessment; an upload is checked against it.
    ws["A2"], ws["C2"], ws["D2"] = "单位", "年度", a.year
    _text(ws, 2, 2, a.organization.name)
    _text(ws, 2, 5, f"标准：{a.standard}")
    for cell in ws[2]:
        cell.font = Font(name=_FONT, size=11)

    for col, text in enumerate(HEADERS, start=1):
        ws.cell(row=HEADER_ROW, column=col, value=text)
    _style_row(ws, HEADER_ROW, bold=True, fill=HEADER_FILL)

    row = HEADER_ROW + 1
    for index, block in enumerate(sheet.systems):
        ws.cell(row=row, column=1, value=CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1))
        _text(ws, row, 2, block.system.name)
        ws.cell(row=row, column=3, value=_number(block.system.max_score))
        ws.cell(row=row, column=4, value=_number(block.subtotal))
        ws.cell(row=row, column=5, value=f"小计（{block.indicator_count}个指标）")
        _style_row(ws, row, bold=True, fill=_SYSTEM_FILL)
        row += 1
        for item in block.rows:
            _text(ws, row, 1, item.indicator.code)
            _text(ws, row, 2, item.indicator.name)
            ws.cell(row=row, column=3, value=_number(item.indicator.max_score))
            ws.cell(row=row, column=4, value=_number(item.value))
            _text(ws, row, 5, item.justification or None)
            _style_row(ws, row)
            ws.cell(row=row, column=1).number_format = "@"
            row += 1
    ws.cell(row=row, column=1, value="合计")
    ws.cell(row=row, column=3, value=_number(sheet.max_total))
    ws.cell(row=row, column=4, value=_number(sheet.total))
    _style_row(ws, row, bold=True, fill=HEADER_FILL)

    for letter, width in zip("ABCDE", (8, 36, 8, 8, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"

    return workbook_bytes(wb)
