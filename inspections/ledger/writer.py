"""Build the ledger workbook (export and empty template) and the error report, as bytes.

Written in openpyxl's write-only mode so that a 100,000-row export streams in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from common.xlsx import HEADER_FILL, HEADER_FONT, NO, YES, cell_value, workbook_bytes
from inspections.ledger.layout import SHEETS, Kind, Sheet
from inspections.selectors import MonthStatistics, PeriodStatistics
from inspections.wording import enforcement_paragraph

STATISTICS_TITLE = "统计汇总"


def _header(ws: WriteOnlyWorksheet, headers: Sequence[str], widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if widths:
        ws.freeze_panes = "A2"
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    ws.append(cells)


def _validations(ws: WriteOnlyWorksheet, sheet: Sheet) -> None:
    # Drop-down lists help people typing into the template; the reader checks the values regardless.
    for index, column in enumerate(sheet.columns, start=1):
        if column.kind in (Kind.CHOICE, Kind.YES_NO):
            labels = column.labels if column.kind == Kind.CHOICE else [YES, NO]
            validation = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True)
            validation.error = f"请从列表中选择：{'、'.join(labels)}"
            validation.errorTitle = column.header
            validation.showErrorMessage = True
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}1048576")
            ws.data_validations.append(validation)


def ledger_workbook(
    rows: Mapping[str, Iterable[Sequence[object]]],
    *,
    statistics: tuple[PeriodStatistics, Sequence[MonthStatistics]] | None = None,
) -> bytes:
    """Every sheet of the ledger, headers in row 1; ``rows`` maps a sheet title to rows in header order.

    With ``statistics`` a last sheet shows the period's figures; the reader ignores it (not a ledger sheet).
    """
    wb = Workbook(write_only=True)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.title)
        _validations(ws, sheet)
        _header(ws, sheet.headers, [c.width for c in sheet.columns])
        for row in rows.get(sheet.title, ()):
            ws.append([cell_value(ws, v) for v in row])
    if statistics is not None:
        _statistics_sheet(wb, *statistics)
    return workbook_bytes(wb)


def _statistics_sheet(wb: Workbook, stats: PeriodStatistics, months: Sequence[MonthStatistics]) -> None:
    ws = wb.create_sheet(STATISTICS_TITLE)
    for letter, width in zip("ABCDEFGHI", (22, 14, 14, 14, 14, 16, 14, 14, 14), strict=True):
        ws.column_dimensions[letter].width = width
    bold = [WriteOnlyCell(ws, f"统计期间：{stats.start.isoformat()} 至 {stats.end.isoformat()}")]
    bold[0].font = HEADER_FONT
    ws.append(bold)
    ws.append([enforcement_paragraph(stats)])
    ws.append([])
    for label, value in (
        ("出动执法人员（批次）", stats.dispatches),
        ("出动执法人员（人次）", stats.person_times),
        ("检查污染源（户次）", stats.source_checks),
        ("作出罚款决定的案件（件）", stats.fined_cases),
        ("罚款金额（元）", stats.fines_yuan),
        ("罚款金额（万元）", stats.fines_wan_yuan_text),
        ("轻微违法免于处罚（件）", stats.exempted_cases),
        ("不予处罚（件）", stats.not_penalised_cases),
        ("移送公安（件）", stats.transferred_cases),
        ("培训（期）", stats.training_sessions),
        ("培训（人次）", stats.training_attendees),
    ):
        ws.append([label, value])
    ws.append([])
    _header(ws, ("违法行为类型", "案件数"), ())
    for name, count in stats.violation_types:
        ws.append([cell_value(ws, name), count])
    ws.append([])
    _header(ws, ("装备类别（期间购置）", "数量"), ())
    for name, count in stats.equipment_by_category:
        ws.append([name, count])
    ws.append([])
    _header(
        ws,
        ("月份", "出动批次", "出动人次", "检查户次", "罚款案件", "罚款金额（元）", "免于处罚", "培训期数", "培训人次"),
        (),
    )
    for m in months:
        ws.append(
            [
                m.label,
                m.dispatches,
                m.person_times,
                m.source_checks,
                m.fined_cases,
                m.fines_yuan,
                m.exempted_cases,
                m.training_sessions,
                m.training_attendees,
            ]
        )


def error_report_workbook(problems: Iterable[Mapping[str, object]], *, unlisted: int = 0) -> bytes:
    """The problems of a failed import: one row each with sheet, row, column, cell and reason."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("错误清单")
    _header(ws, ("工作表", "行号", "列", "单元格", "错误原因"), (14, 8, 18, 10, 90))
    for p in problems:
        values = (
            p.get("sheet") or "（整个文件）",
            p.get("row"),
            p.get("column") or "",
            p.get("cell") or "",
            p["reason"],
        )
        ws.append([cell_value(ws, v) for v in values])
    if unlisted:
        ws.append([None, None, None, None, f"另有{unlisted}处错误未列出：请先改正以上错误后重新上传。"])
    return workbook_bytes(wb)
