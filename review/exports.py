"""The comparison as a formatted workbook: built from the same CityComparison as the page, returned as bytes.

Names come from the database (organisations, indicators, grades); every text cell is written as text, so a name
beginning with "=" never becomes a formula in whoever opens the file.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from common.xlsx import HEADER_FILL, THIN_BORDER, keep_text, workbook_bytes
from review.selectors.comparison import CityComparison

_HEAT_FILLS = {
    1: PatternFill("solid", fgColor="F8CBAD"),
    2: PatternFill("solid", fgColor="FFE699"),
    3: PatternFill("solid", fgColor="E2EFDA"),
    4: PatternFill("solid", fgColor="A9D08E"),
}
_FONT = "仿宋"


def _cell(ws: Worksheet, row: int, column: int, value, *, bold: bool = False, fill: PatternFill | None = None):
    if isinstance(value, Decimal):
        value = value.normalize()
    cell = keep_text(ws.cell(row=row, column=column, value=value))
    cell.border = THIN_BORDER
    cell.font = Font(name=_FONT, size=11, bold=bold)
    cell.alignment = Alignment(vertical="center", horizontal="center", wrap_text=True)
    if fill is not None:
        cell.fill = fill
    return cell


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    cell = ws.cell(row=1, column=1, value=text)
    cell.font = Font(name="黑体", size=14, bold=True)
    cell.alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 24


def _header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for column, text in enumerate(headers, start=1):
        _cell(ws, row, column, text, bold=True, fill=HEADER_FILL)
    ws.freeze_panes = ws.cell(row=row + 1, column=3)


def comparison_workbook(result: CityComparison) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "各区对比"
    systems = [s.name for s in result.systems]
    headers = ["排名", "区", "状态", "自评总分", "复核总分", "计分", "等次", *systems]
    _title(ws, f"各区{result.year}年度规范化建设自评与复核对比", len(headers))
    _cell(ws, 2, 1, "排名只计区级审定及以后的自评：已确认的按复核总分，未确认的按区级审定的自评总分。")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    _header(ws, 3, headers)
    row = 4
    for d in result.ranked:
        values = [d.rank, d.organization.short_name, d.status_label, d.self_total, d.review_total, d.figure, d.grade]
        values += [d.systems.get(name) for name in systems]
        for column, value in enumerate(values, start=1):
            _cell(ws, row, column, value)
        row += 1
    if result.in_progress or result.not_started:
        row += 1
        _cell(ws, row, 1, "未审定（不参与排名，得分为部分得分）", bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        row += 1
        for d in result.in_progress + result.not_started:
            values = ["—", d.organization.short_name, d.status_label, d.self_total if d.assessment else None]
            for column, value in enumerate(values, start=1):
                _cell(ws, row, column, value)
            row += 1
    for column, width in enumerate([6, 12, 12, 10, 10, 10, 8] + [14] * len(systems), start=1):
        ws.column_dimensions[get_column_letter(column)].width = width

    heat = wb.create_sheet("指标得分热力表")
    headers = ["区", "计分"] + [f"{i.code} {i.name}（满分{i.max_score.normalize()}）" for i in result.indicators]
    _title(heat, f"各区{result.year}年度各指标得分（底色：得分率≥90%深绿，≥75%浅绿，≥60%黄，<60%橙）", len(headers))
    _header(heat, 2, headers)
    row = 3
    for d, cells in result.heat_rows():
        _cell(heat, row, 1, d.organization.short_name)
        _cell(heat, row, 2, d.figure)
        for column, cell in enumerate(cells, start=3):
            _cell(heat, row, column, cell.value, fill=_HEAT_FILLS.get(cell.level))
        row += 1
    _cell(heat, row, 1, "全市平均", bold=True)
    _cell(heat, row, 2, result.average, bold=True)
    for column, cell in enumerate(result.indicator_averages(), start=3):
        _cell(heat, row, column, cell.value, bold=True, fill=_HEAT_FILLS.get(cell.level))
    heat.column_dimensions["A"].width = 12
    for column in range(3, len(headers) + 1):
        heat.column_dimensions[get_column_letter(column)].width = 14
    heat.row_dimensions[2].height = 60

    return workbook_bytes(wb)
