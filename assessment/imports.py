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
from assessment.services import ImportedRow, ScoreImportError
from common.text import clipped, invisible_characters
from common.uploads import WorkbookFileError, check_xlsx_bytes, worksheet_rows
from common.xlsx import cell_text

JUSTIFICATION_LIMIT = Score._meta.get_field("justification").max_length
# An exported 评分表 has a few dozen rows; a sheet far longer is not one (and could be Excel's 1,048,576).
MAX_ROWS = 2000
CORRUPT = (
    "“{sheet}”工作表内容已损坏，第{row}行附近无法读取；请在 Excel 中打开并另存为“Excel 工作簿（.xlsx）”后重新上传。"
)


def read_score_workbook(
    data: bytes, *, assessment: SelfAssessment, maxima: dict[str, Decimal], system_names: set[str], max_bytes: int
) -> list[ImportedRow]:
    try:
        check_xlsx_bytes(data, max_bytes=max_bytes)
        counts = worksheet_rows(data)
    except WorkbookFileError as exc:
        raise ScoreImportError([str(exc)]) from None
    # Counted before openpyxl opens the file: it would parse a sheet without a <dimension> whole on opening.
    for title, count in counts.items():
        if count > MAX_ROWS:
            raise ScoreImportError([_too_long(title, count)])
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise ScoreImportError(["上传的文件无法作为 Excel 工作簿打开，请上传由本系统导出的评分表（.xlsx）。"]) from None
    try:
        if SHEET_TITLE not in wb.sheetnames:
            raise ScoreImportError(
                [f"工作簿中没有名为“{SHEET_TITLE}”的工作表（现有：{clipped('、'.join(wb.sheetnames))}）。"]
            )
        rows = _read_rows(wb[SHEET_TITLE])
    finally:
        wb.close()

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

    result: list[ImportedRow] = []
    errors: list[str] = []
    for number, cells in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        values = tuple(_value(cells, i) for i in range(len(HEADERS)))
        code, name, _max, raw_score, raw_text = values
        code = cell_text(code)
        if not code and all(v in (None, "") for v in values):
            continue
        if code == "合计":
            continue
        if code in CHINESE_NUMERALS and cell_text(name) in system_names:
            continue
        if hidden := invisible_characters(code):
            errors.append(
                f"第{number}行：指标编号“{clipped(code)}”含有不可见字符（{'、'.join(hidden)}），请删除后重新填写。"
            )
            continue
        if code not in maxima:
            errors.append(f"第{number}行：指标编号“{clipped(code) or '（空）'}”不在本次自评所用的标准中。")
            continue
        formulas = [
            f"“{HEADERS[i]}”单元格（{'ABCDE'[i]}{number}）是公式“{clipped(values[i])}”"
            for i in (3, 4)
            if i < len(cells) and cells[i].data_type == "f"
        ]
        if formulas:
            errors.append(
                f"第{number}行（指标{code}）：{'；'.join(formulas)}，请改为直接填写数值或文字（可“选择性粘贴—数值”）。"
            )
            continue
        try:
            score = scoring.parse_score(raw_score, maxima[code])
        except scoring.ScoreInputError as exc:
            errors.append(f"第{number}行（指标{code}）：{exc}")
            continue
        except ArithmeticError:  # parse_score cannot show "1e999999999" (decimal.Overflow)
            errors.append(f"第{number}行（指标{code}）：得分“{clipped(raw_score)}”不是有效的分数。")
            continue
        justification = cell_text(raw_text)
        if len(justification) > JUSTIFICATION_LIMIT:
            errors.append(
                f"第{number}行（指标{code}）：自评说明有{len(justification)}字，超过{JUSTIFICATION_LIMIT}字上限。"
            )
            continue
        if hidden := invisible_characters(justification):
            errors.append(
                f"第{number}行（指标{code}）：自评说明含有不可见字符或控制字符（{'、'.join(hidden)}），请删除后重新填写。"
            )
            continue
        result.append(ImportedRow(row_number=number, code=code, score=score, justification=justification))
    seen: dict[str, int] = {}
    for row in result:
        if row.code in seen:
            errors.append(f"第{row.row_number}行：指标{row.code}与第{seen[row.code]}行重复。")
        seen.setdefault(row.code, row.row_number)
    if errors:
        raise ScoreImportError(errors)
    return result


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
