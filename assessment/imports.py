"""Read an uploaded 评分表 back into rows, reporting every problem with its row.

The workbook is read with ``data_only=False`` so that a formula is seen as a formula: its cached value may
be stale (an external link) or missing (a file written by a program), so a formula where a score or a
justification belongs is refused, as the ledger does.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from assessment import scoring
from assessment.exports import CHINESE_NUMERALS, HEADER_ROW, HEADERS, SHEET_TITLE
from assessment.models import Score, SelfAssessment
from assessment.services.scores import ImportedRow, ScoreImportError
from common.text import clipped, invisible_characters
from common.uploads import WorkbookFileError, check_extents, check_xlsx_bytes, worksheet_extents
from common.xlsx import cell_text

JUSTIFICATION_LIMIT = Score._meta.get_field("justification").max_length
# An exported 评分表 has a few dozen rows; a sheet far longer is not one (and could be Excel's 1,048,576).
MAX_ROWS = 2000
# the sheet has five columns; a few more are someone's notes, not a reason to refuse
MAX_COLUMNS = 26
MAX_CELLS = MAX_ROWS * MAX_COLUMNS // 4
CORRUPT = (
    "“{sheet}”工作表内容已损坏，第{row}行附近无法读取；请在 Excel 中打开并另存为“Excel 工作簿（.xlsx）”后重新上传。"
)


def read_score_workbook(
    data: bytes, *, assessment: SelfAssessment, maxima: dict[str, Decimal], system_names: set[str], max_bytes: int
) -> list[ImportedRow]:
    """The workbook's indicator rows; ScoreImportError listing every problem, each with its row, if any."""
    rows = _sheet_rows(data, max_bytes=max_bytes)
    _check_header(rows, assessment)
    result: list[ImportedRow] = []
    errors: list[str] = []
    for number, cells in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        row = _indicator_row(number, cells, maxima=maxima, system_names=system_names)
        if isinstance(row, ImportedRow):
            result.append(row)
        elif row is not None:
            errors.append(row)
    errors += _duplicates(result)
    if errors:
        raise ScoreImportError(errors)
    return result


def _sheet_rows(data: bytes, *, max_bytes: int) -> list[tuple]:
    """The 评分表 sheet's rows, once the file is known to be a workbook of sane size that holds that sheet."""
    try:
        check_xlsx_bytes(data, max_bytes=max_bytes)
        extents = worksheet_extents(data, max_columns=MAX_COLUMNS)
        # Counted before openpyxl opens the file: it would parse a sheet without a <dimension> whole on opening.
        for title, extent in extents.items():
            if extent.rows > MAX_ROWS:
                raise ScoreImportError([_too_long(title, extent.rows)])
        # and it fills every gap with empty cells: one cell in column XFD is a row of 16,384
        check_extents(
            extents,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
            max_cells=MAX_CELLS,
            hint="本系统导出的评分表只有5列、几十行。",
        )
    except WorkbookFileError as exc:
        raise ScoreImportError([str(exc)]) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise ScoreImportError(["上传的文件无法作为 Excel 工作簿打开，请上传由本系统导出的评分表（.xlsx）。"]) from None
    try:
        if SHEET_TITLE not in wb.sheetnames:
            raise ScoreImportError(
                [f"工作簿中没有名为“{SHEET_TITLE}”的工作表（现有：{clipped('、'.join(wb.sheetnames))}）。"]
            )
        return _read_rows(wb[SHEET_TITLE])
    finally:
        wb.close()


def _check_header(rows: list[tuple], assessment: SelfAssessment) -> None:
    """The header row is the export's, and row 2 names this assessment's organisation and year."""
    if len(rows) < HEADER_ROW:
        raise ScoreImportError([f"“{SHEET_TITLE}”工作表内容不完整，缺少表头。"])
    header = tuple(cell_text(_value(rows[HEADER_ROW - 1], i)) for i in range(len(HEADERS)))
    if header != HEADERS:
        raise ScoreImportError(
            [
                f"第{HEADER_ROW}行表头应为“{'、'.join(HEADERS)}”，"
                f"实际为“{'、'.join(clipped(h) if h else '（空）' for h in header)}”。"
            ]
        )
    org_name, year = cell_text(_value(rows[1], 1)), cell_text(_value(rows[1], 3))
    if org_name != assessment.organization.name or year != str(assessment.year):
        raise ScoreImportError(
            [
                f"第2行显示该评分表属于“{clipped(org_name) or '（空）'}”{clipped(year) or '（空）'}年度，"
                f"与当前自评（{assessment.organization.name}{assessment.year}年度）不符。"
            ]
        )


def _indicator_row(
    number: int, cells: tuple, *, maxima: dict[str, Decimal], system_names: set[str]
) -> ImportedRow | str | None:
    """One row below the header: an indicator's row, the error message for it, or None for a row to skip
    (blank, a system's heading row, the 合计 row)."""
    values = tuple(_value(cells, i) for i in range(len(HEADERS)))
    code, name, _max, raw_score, raw_text = values
    code = cell_text(code)
    if (not code and all(v in (None, "") for v in values)) or code == "合计":
        return None
    if code in CHINESE_NUMERALS and cell_text(name) in system_names:
        return None
    if hidden := invisible_characters(code):
        return f"第{number}行：指标编号“{clipped(code)}”含有不可见字符（{'、'.join(hidden)}），请删除后重新填写。"
    if code not in maxima:
        return f"第{number}行：指标编号“{clipped(code) or '（空）'}”不在本次自评所用的标准中。"
    formulas = [
        f"“{HEADERS[i]}”单元格（{'ABCDE'[i]}{number}）是公式“{clipped(values[i])}”"
        for i in (3, 4)
        if i < len(cells) and cells[i].data_type == "f"
    ]
    if formulas:
        return f"第{number}行（指标{code}）：{'；'.join(formulas)}，请改为直接填写数值或文字（可“选择性粘贴—数值”）。"
    try:
        score = scoring.parse_score(raw_score, maxima[code])
    except scoring.ScoreInputError as exc:
        return f"第{number}行（指标{code}）：{exc}"
    except ArithmeticError:  # parse_score cannot show "1e999999999" (decimal.Overflow)
        return f"第{number}行（指标{code}）：得分“{clipped(raw_score)}”不是有效的分数。"
    justification = cell_text(raw_text)
    if len(justification) > JUSTIFICATION_LIMIT:
        return f"第{number}行（指标{code}）：自评说明有{len(justification)}字，超过{JUSTIFICATION_LIMIT}字上限。"
    if hidden := invisible_characters(justification):
        return (
            f"第{number}行（指标{code}）：自评说明含有不可见字符或控制字符（{'、'.join(hidden)}），请删除后重新填写。"
        )
    return ImportedRow(row_number=number, code=code, score=score, justification=justification)


def _duplicates(rows: list[ImportedRow]) -> list[str]:
    seen: dict[str, int] = {}
    errors = []
    for row in rows:
        if row.code in seen:
            errors.append(f"第{row.row_number}行：指标{row.code}与第{seen[row.code]}行重复。")
        seen.setdefault(row.code, row.row_number)
    return errors


def _too_long(title: str, count: int | None = None) -> str:
    size = f"有{count}行，超过上限{MAX_ROWS}行" if count is not None else f"超过{MAX_ROWS}行"
    return f"“{clipped(title)}”工作表{size}（本系统导出的评分表只有几十行），未导入；请删除多余的行后重新上传。"


def _value(cells: tuple, index: int) -> object:
    return cells[index].value if index < len(cells) else None


def _read_rows(ws) -> list[tuple]:
    """The sheet's rows as tuples of cells, at most MAX_ROWS; a damaged or oversized sheet is refused."""
    # The <dimension> a file declares may be wrong; read-only openpyxl would silently stop at it.
    ws.reset_dimensions()
    rows: list[tuple] = []
    try:
        for number, cells in enumerate(ws.iter_rows(), start=1):
            if number > MAX_ROWS:
                raise ScoreImportError([_too_long(SHEET_TITLE)])
            rows.append(tuple(cells))
    except ScoreImportError:
        raise
    except Exception:  # the sheet's XML is damaged: openpyxl fails while streaming it
        raise ScoreImportError([CORRUPT.format(sheet=SHEET_TITLE, row=len(rows) + 1)]) from None
    return rows
