"""Read an uploaded ledger into checked rows, or report every problem with its sheet, row and column.

Nothing here touches the database: references to records that may already exist (an inspection's
出动编号) are checked by ``inspections.services.ledger``, before anything is written and, when cells are
wrong, on the rows kept in ``LedgerError.ledger`` so that one upload reports every bad row.
The workbook is opened in openpyxl's read-only mode so that 100,000 rows stream through in bounded
memory, and with ``data_only=False`` so that a formula is seen as a formula, not as a cached value.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from common.text import clipped, invisible_characters
from common.uploads import WorkbookFileError, check_extents, check_xlsx_bytes, row_tags, worksheet_extents
from common.xlsx import NO, YES, cell_text
from inspections.ledger.case_rows import build_case, build_officer
from inspections.ledger.layout import (
    CASES,
    DISPATCHES,
    EQUIPMENT,
    INSPECTIONS,
    OFFICERS,
    SHEETS,
    TRAININGS,
    Column,
    Kind,
    Sheet,
)
from inspections.ledger.rows import (
    DispatchRow,
    EquipmentRow,
    InspectionRow,
    Ledger,
    LedgerError,
    Problem,
    TrainingRow,
)
from inspections.models import split_names
from inspections.validators import credit_code_problem, normalize_credit_code

# Past this many problems the rest are counted, not listed: a wholly wrong 100,000-row file would
# otherwise produce an error report larger than the file itself.
MAX_LISTED_PROBLEMS = 20_000
PROGRESS_EVERY = 2_000
# Twice the size the import is built and measured for (docs/records.md: 100,000 rows in about 15 s and
# 230 MB); a sheet filled to Excel's 1,048,576 rows is refused before its cells are read.
MAX_ROWS = 200_000
# The widest sheet's columns, and room for a few notes to their right; cells: MAX_ROWS rows that wide.
WIDEST_SHEET = max(len(sheet.columns) for sheet in SHEETS)
MAX_COLUMNS = WIDEST_SHEET + 10
MAX_CELLS = MAX_ROWS * WIDEST_SHEET
EXCEL_MAX_ROW = 1_048_576
MONEY_MAX = Decimal("9999999999.99")
HOURS_MAX = Decimal("9999.9")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
DATE_MIN_YEAR, DATE_MAX_YEAR = 1990, 2100
DATE_HINT = "请填写 Excel 日期，或“2023-03-05”“2023年3月5日”格式的文字"


class CellError(ValueError):
    pass


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and (match := DATE_TEXT.match(value.strip())):
        try:
            parsed = date(*map(int, match.groups()))
        except ValueError:
            raise CellError(f"“{clipped(value)}”不是有效日期（没有这一天）") from None
    else:
        raise CellError(f"“{clipped(value)}”不是日期，{DATE_HINT}")
    # The same range for Excel dates as for typed ones: 1900-01-01 is what an empty date cell shows as.
    if not DATE_MIN_YEAR <= parsed.year <= DATE_MAX_YEAR:
        raise CellError(f"“{clipped(value)}”的年份不在{DATE_MIN_YEAR}—{DATE_MAX_YEAR}年之间")
    return parsed


def _decimal(value: object, *, places: int, maximum: Decimal, unit: str) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"“{clipped(value)}”不是数字")
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{clipped(value)}”不是数字，请只填写{unit}数") from None
    if not number.is_finite():
        raise CellError(f"“{clipped(value)}”不是数字")
    if number < 0:
        raise CellError(f"不能为负数（填写的是{clipped(value)}）")
    # Checked before rounding: quantize() cannot hold "1e999999999" to two places and would raise.
    if number > maximum:
        raise CellError(f"“{clipped(value)}”超过上限{maximum}")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise CellError(f"“{clipped(value)}”最多保留{places}位小数")
    return number.quantize(Decimal(1).scaleb(-places))


def _count(value: object, minimum: int, maximum: int) -> int:
    if isinstance(value, bool):
        raise CellError(f"“{clipped(value)}”不是数字")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        try:
            Decimal(text)
        except InvalidOperation:
            raise CellError(f"“{clipped(value)}”不是数字，请填写整数") from None
        raise CellError(f"“{clipped(value)}”应为整数")
    number = int(text)
    if number < 0:
        raise CellError(f"不能为负数（填写的是{number}）")
    if number < minimum:
        raise CellError(f"至少为{minimum}（填写的是{number}）")
    if number > maximum:
        raise CellError(f"“{number}”超过上限{maximum}")
    return number


def parse_cell(column: Column, value: object) -> object:
    """The cell's value as the column's type; raises CellError with the reason in Chinese."""
    if isinstance(value, str) and not value.strip():
        value = None
    if isinstance(value, str) and (hidden := invisible_characters(value)):
        # Zero-width and direction-override characters make two different codes look the same, and
        # control characters cannot be written back to an .xlsx: both are refused, named by code point.
        raise CellError(f"“{clipped(value)}”含有不可见字符（{'、'.join(hidden)}），请删除后重新填写")
    if value is None:
        if column.required:
            raise CellError("不能为空")
        return {Kind.YES_NO: False, Kind.CHOICE: "", Kind.TEXT: ""}.get(column.kind)
    match column.kind:
        case Kind.TEXT:
            text = cell_text(value)
            if column.max_length and len(text) > column.max_length:
                raise CellError(f"内容有{len(text)}个字，超过{column.max_length}字上限")
            return text
        case Kind.DATE:
            return _date(value)
        case Kind.COUNT:
            return _count(value, column.minimum, column.maximum)
        case Kind.MONEY:
            return _decimal(value, places=2, maximum=MONEY_MAX, unit="元")
        case Kind.HOURS:
            return _decimal(value, places=1, maximum=HOURS_MAX, unit="学时")
        case Kind.CHOICE:
            text = cell_text(value)
            for label, stored in column.choices:
                if text == label:
                    return stored
            raise CellError(f"“{clipped(text)}”不是可选的{column.header}，应为：{'、'.join(column.labels)}")
        case Kind.YES_NO:
            if isinstance(value, bool):
                return value
            text = cell_text(value)
            if text in (YES, NO):
                return text == YES
            raise CellError(f"“{clipped(text)}”应填写“是”或“否”")
        case Kind.CREDIT_CODE:
            code = normalize_credit_code(cell_text(value))
            problem = credit_code_problem(code)
            if problem:
                raise CellError(problem)
            return code
    raise AssertionError(column.kind)


class _Collector:
    def __init__(self, progress: Callable[[int], None] | None):
        self.problems: list[Problem] = []
        self.unlisted = 0
        self.rows_read = 0
        self.current_row = 1
        self._progress = progress

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(problem)
        else:
            self.unlisted += 1

    def row_read(self) -> None:
        self.rows_read += 1
        if self._progress is not None and self.rows_read % PROGRESS_EVERY == 0:
            self._progress(self.rows_read)


def check_ledger_file(data: bytes, *, max_bytes: int) -> None:
    """File-level checks, cheap enough to run in the request before the upload is queued.

    Empty, too large, not a zip, too many entries or too large unpacked, macro-enabled (.xlsm): see
    ``common.uploads.check_xlsx_bytes``; then the rows of each sheet, counted in its XML.
    """
    try:
        check_xlsx_bytes(data, max_bytes=max_bytes)
        extents = worksheet_extents(data, max_columns=MAX_COLUMNS)
    except WorkbookFileError as exc:
        raise LedgerError([Problem("", None, "", str(exc))]) from None
    counts = {title: extent.rows for title, extent in extents.items()}
    total = sum(max(n - 1, 0) for n in counts.values())  # less each sheet's header row
    if total > MAX_ROWS:
        title, largest = max(counts.items(), key=lambda item: item[1])
        raise LedgerError(
            [
                Problem(
                    title,
                    None,
                    "",
                    f"有{largest}行，全部工作表合计{total}行数据，超过每次导入的上限{MAX_ROWS}行；"
                    "请删除多余的行，或分成几个文件分别上传。",
                )
            ]
        )
    try:
        # openpyxl fills every gap with empty cells (one cell in column XFD is a row of 16,384): bounded first
        check_extents(
            extents,
            max_rows=MAX_ROWS + 1,
            max_columns=MAX_COLUMNS,
            max_cells=MAX_CELLS,
            hint="请对照空白模板。",
        )
    except WorkbookFileError as exc:
        raise LedgerError([Problem("", None, "", str(exc))]) from None


def count_rows(ws: object) -> int:
    """Rows in a read-only sheet, for the progress bar; the sheet's own dimension is often missing or wrong."""
    path = getattr(ws, "_worksheet_path", None)  # openpyxl keeps the part name privately
    if path is None:
        return ws.max_row or 0
    total, tail = 0, b""
    with ws.parent._archive.open(path) as part:
        while chunk := part.read(1 << 20):
            block = tail + chunk
            total += row_tags(block)
            tail = block[-5:]
            total -= row_tags(tail)
    return max(total - 1, 0)


def read_ledger(
    data: bytes,
    *,
    max_bytes: int,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Ledger:
    """Every sheet present, checked row by row; raises LedgerError listing every problem found."""
    check_ledger_file(data, max_bytes=max_bytes)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise LedgerError(
            [Problem("", None, "", "上传的文件无法作为 Excel 工作簿打开，文件可能已损坏或不是 .xlsx 格式。")]
        ) from None
    collector = _Collector(progress)
    ledger = Ledger()
    try:
        present = {title.strip(): title for title in wb.sheetnames}
        sheets = [(sheet, wb[present[sheet.title]]) for sheet in SHEETS if sheet.title in present]
        if not sheets:
            raise LedgerError(
                [
                    Problem(
                        "",
                        None,
                        "",
                        f"工作簿中没有可导入的工作表：工作表名称应为{'、'.join(s.title for s in SHEETS)}"
                        f"（现有：{'、'.join(wb.sheetnames)}）。请下载空白模板对照。",
                    )
                ]
            )
        if on_total is not None:
            on_total(sum(count_rows(ws) for _, ws in sheets))
        for sheet, ws in sheets:
            ledger.sheets.append(sheet.title)
            # The <dimension> a file declares may be wrong (some programs always write "A1"); read-only
            # openpyxl would silently stop at it, so every row present is read instead.
            ws.reset_dimensions()
            try:
                _read_sheet(sheet, ws.iter_rows(), ledger, collector)
            except (LedgerError, MemoryError):
                raise
            except Exception:  # the XML of the sheet is damaged: openpyxl fails while streaming it
                raise LedgerError(
                    [
                        Problem(
                            sheet.title,
                            None,
                            "",
                            f"内容已损坏，第{collector.current_row}行附近无法读取（不是 Excel 能正常保存的内容）；"
                            "请在 Excel 中打开并另存为“Excel 工作簿（.xlsx）”后重新上传。",
                        )
                    ]
                ) from None
        if progress is not None:
            progress(collector.rows_read)
    finally:
        wb.close()
    if collector.problems:
        raise LedgerError(collector.problems, collector.unlisted, ledger=ledger)
    return ledger


def _header_map(sheet: Sheet, header_cells: Iterable, collector: _Collector) -> dict[str, int] | None:
    """Where each required header is; None (after reporting why) when a header is missing or doubled."""
    positions: dict[str, int] = {}
    texts = [cell_text(c.value) for c in header_cells]
    ok = True
    for index, text in enumerate(texts):
        if text not in sheet.headers:
            continue
        if text in positions:
            first = get_column_letter(positions[text] + 1)
            reason = f"表头“{text}”出现了两次（另见{first}1），无法确定使用哪一列"
            collector.add(Problem(sheet.title, 1, text, reason, f"{get_column_letter(index + 1)}1"))
            ok = False
        positions.setdefault(text, index)
    unknown = [t for t in texts if t and t not in sheet.headers]
    found = f"；第1行现有不认识的表头：{'、'.join(unknown[:8])}" if unknown else ""
    for header in (c.header for c in sheet.columns if not c.optional):
        if header not in positions:
            collector.add(
                Problem(sheet.title, 1, header, f"缺少必需的列“{header}”（第1行表头须与模板完全一致{found}）")
            )
            ok = False
    return positions if ok else None


def _read_sheet(sheet: Sheet, rows: Iterable, ledger: Ledger, collector: _Collector) -> None:
    rows = iter(rows)
    collector.current_row = 1
    header = next(rows, None)
    collector.current_row = 2
    if header is None:
        collector.add(Problem(sheet.title, 1, "", "工作表是空的，缺少第1行表头"))
        ledger.unread_sheets.add(sheet.title)
        return
    positions = _header_map(sheet, header, collector)
    if positions is None:
        ledger.unread_sheets.add(sheet.title)
        return
    ledger.columns[sheet.title] = frozenset(positions)
    columns = [c for c in sheet.columns if c.header in positions]
    seen: dict[tuple, int] = {}
    build = _BUILDERS[sheet.title]
    read = 0
    for number, cells in enumerate(rows, start=2):
        if number > EXCEL_MAX_ROW:
            # openpyxl fills the gap up to a row number it is given; past Excel's last row it is not a sheet
            raise LedgerError([Problem(sheet.title, None, "", f"行号超过 Excel 的上限{EXCEL_MAX_ROW}行，文件已损坏。")])
        collector.current_row = number + 1  # where a damaged sheet stops being readable
        collector.row_read()
        values: dict[str, object] = {}
        raw = [cells[positions[c.header]] if positions[c.header] < len(cells) else None for c in columns]
        if all(cell is None or cell.value is None or cell_text(cell.value) == "" for cell in raw):
            continue
        read += 1
        if read > MAX_ROWS:  # rows that check_ledger_file() did not count (an unusual XML spelling)
            raise LedgerError(
                [Problem(sheet.title, number, "", f"超过每次导入的上限{MAX_ROWS}行；请分成几个文件分别上传。")]
            )
        ok = True
        for column, cell in zip(columns, raw, strict=True):
            letter = f"{get_column_letter(positions[column.header] + 1)}{number}"
            if cell is not None and cell.data_type == "f":
                collector.add(
                    Problem(
                        sheet.title,
                        number,
                        column.header,
                        f"单元格是公式“{clipped(cell.value)}”，请改为填写数值或文字（可“选择性粘贴—数值”）",
                        letter,
                    )
                )
                ok = False
                continue
            try:
                values[column.header] = parse_cell(column, None if cell is None else cell.value)
            except CellError as exc:
                collector.add(Problem(sheet.title, number, column.header, str(exc), letter))
                ok = False
        if not ok:
            _note_refused(sheet, ledger, number, values)
            continue
        key = tuple(values[h] for h in sheet.key)
        if key in seen:
            what = "、".join(f"{h}“{clipped(values[h])}”" for h in sheet.key)
            collector.add(
                Problem(sheet.title, number, sheet.key[-1], f"{what}与第{seen[key]}行重复，同一文件中只能出现一次")
            )
            continue
        seen[key] = number
        problems = build(ledger, number, values)
        for column_header, reason in problems:
            collector.add(Problem(sheet.title, number, column_header, reason))
        if problems:
            _note_refused(sheet, ledger, number, values)


def _note_refused(sheet: Sheet, ledger: Ledger, number: int, values: dict) -> None:
    """What the 出动编号 check needs of a refused row (a duplicate needs nothing: its first row is kept)."""
    dispatch_number = values.get("出动编号")
    if not dispatch_number:
        return
    if sheet.title == DISPATCHES.title:
        ledger.refused_dispatch_numbers.add(dispatch_number)
    elif sheet.title == INSPECTIONS.title:
        ledger.refused_references.append((number, dispatch_number))


def _dispatch(ledger: Ledger, number: int, v: dict) -> list[tuple[str, str]]:
    officers = tuple(split_names(v["执法人员"]))
    if len(officers) > v["出动人数"]:
        return [("执法人员", f"列出了{len(officers)}名执法人员，多于出动人数{v['出动人数']}")]
    ledger.dispatches.append(
        DispatchRow(number, v["出动编号"], v["出动日期"], v["出动人数"], officers, v["任务类型"], v["备注"])
    )
    return []


def _inspection(ledger: Ledger, number: int, v: dict) -> list[tuple[str, str]]:
    ledger.inspections.append(
        InspectionRow(
            number, v["出动编号"], v["检查日期"], v["单位名称"], v["统一社会信用代码"], v["检查结果"], v["问题描述"]
        )
    )
    return []


def _equipment(ledger: Ledger, number: int, v: dict) -> list[tuple[str, str]]:
    ledger.equipment.append(EquipmentRow(number, v["资产编号"], v["装备名称"], v["类别"], v["购置日期"], v["状态"]))
    return []


def _training(ledger: Ledger, number: int, v: dict) -> list[tuple[str, str]]:
    ledger.trainings.append(
        TrainingRow(number, v["培训日期"], v["培训主题"], v["培训类别"], v["承办单位"], v["参训人数"], v["学时"])
    )
    return []


_BUILDERS: dict[str, Callable[[Ledger, int, dict], list[tuple[str, str]]]] = {
    DISPATCHES.title: _dispatch,
    INSPECTIONS.title: _inspection,
    CASES.title: build_case,
    EQUIPMENT.title: _equipment,
    TRAININGS.title: _training,
    OFFICERS.title: build_officer,
}
