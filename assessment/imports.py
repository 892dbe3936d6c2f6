"""Read an uploaded 评分表 back into rows, reporting every problem with its row."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from assessment import scoring
from assessment.exports import CHINESE_NUMERALS, HEADER_ROW, HEADERS, SHEET_TITLE
from assessment.models import Score, SelfAssessment
from assessment.services import ImportedRow, ScoreImportError
from changning_enforce.uploads import WorkbookFileError, check_xlsx_bytes

JUSTIFICATION_LIMIT = Score._meta.get_field("justification").max_length


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_score_workbook(
    data: bytes, *, assessment: SelfAssessment, maxima: dict[str, Decimal], system_names: set[str], max_bytes: int
) -> list[ImportedRow]:
    try:
        check_xlsx_bytes(data, max_bytes=max_bytes)
    except WorkbookFileError as exc:
        raise ScoreImportError([str(exc)]) from None
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same to the user
        raise ScoreImportError(["上传的文件无法作为 Excel 工作簿打开，请上传由本系统导出的评分表（.xlsx）。"]) from None
    try:
        if SHEET_TITLE not in wb.sheetnames:
            raise ScoreImportError([f"工作簿中没有名为“{SHEET_TITLE}”的工作表（现有：{'、'.join(wb.sheetnames)}）。"])
        rows = list(wb[SHEET_TITLE].iter_rows(values_only=True))
    finally:
        wb.close()

    if len(rows) < HEADER_ROW:
        raise ScoreImportError([f"“{SHEET_TITLE}”工作表内容不完整，缺少表头。"])
    header = tuple(_text(v) for v in rows[HEADER_ROW - 1][: len(HEADERS)])
    if header != HEADERS:
        raise ScoreImportError(
            [f"第{HEADER_ROW}行表头应为“{'、'.join(HEADERS)}”，实际为“{'、'.join(h or '（空）' for h in header)}”。"]
        )
    identity = rows[1] + (None,) * 4
    org_name, year = _text(identity[1]), _text(identity[3])
    if org_name != assessment.organization.name or year != str(assessment.year):
        raise ScoreImportError(
            [
                f"第2行显示该评分表属于“{org_name or '（空）'}”{year or '（空）'}年度，"
                f"与当前自评（{assessment.organization.name}{assessment.year}年度）不符。"
            ]
        )

    result: list[ImportedRow] = []
    errors: list[str] = []
    for number, values in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        values = tuple(values) + (None,) * len(HEADERS)
        code, name, _max, raw_score, raw_text = values[:5]
        code = _text(code)
        if not code and all(v in (None, "") for v in values[:5]):
            continue
        if code == "合计":
            continue
        if code in CHINESE_NUMERALS and _text(name) in system_names:
            continue
        if code not in maxima:
            errors.append(f"第{number}行：指标编号“{code or '（空）'}”不在本次自评所用的标准中。")
            continue
        try:
            score = scoring.parse_score(raw_score, maxima[code])
        except scoring.ScoreInputError as exc:
            errors.append(f"第{number}行（指标{code}）：{exc}")
            continue
        justification = _text(raw_text)
        if len(justification) > JUSTIFICATION_LIMIT:
            errors.append(
                f"第{number}行（指标{code}）：自评说明有{len(justification)}字，超过{JUSTIFICATION_LIMIT}字上限。"
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
