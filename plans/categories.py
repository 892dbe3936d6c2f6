"""Setting sources' supervision categories in bulk from a workbook: every row checked first, then all written in
one transaction, or nothing written and every problem reported by row and column, in Chinese."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook, load_workbook

from common.uploads import WorkbookFileError, check_extents, check_xlsx_bytes, worksheet_extents
from common.xlsx import cell_text, workbook_bytes
from inspections.models import PollutionSource
from plans.models import SourceSupervision

SHEET = "监管类别"
HEADERS = ["统一社会信用代码", "单位名称", "监管类别", "特殊监管原因", "正面清单起始日", "正面清单截止日"]
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 26
MAX_LISTED = 200
CATEGORY_BY_LABEL = {
    **{label: value for value, label in PollutionSource.Category.choices},
    **{f"{label}监管对象": value for value, label in PollutionSource.Category.choices},
}
REASON_BY_LABEL = {label: value for value, label in SourceSupervision.Reason.choices if value}
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class CategoryFileError(Exception):
    """The workbook was refused; ``problems`` lists each as “第N行“列”：原因”. Nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_LISTED]
        more = f"（另有{len(problems) - MAX_LISTED}处未列出）" if len(problems) > MAX_LISTED else ""
        super().__init__("监管类别工作簿未导入，没有修改任何数据：" + "；".join(shown) + more)


@dataclass(frozen=True)
class CategoryRow:
    credit_code: str
    category: str
    reason: str
    positive_from: date | None
    positive_to: date | None


def template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    ws.append(["91310105MA1FL0XX0X", "示例单位（导入前请删除本行）", "特殊", "挂牌督办", None, None])
    for column, width in zip("ABCDEF", (24, 30, 12, 24, 16, 16), strict=True):
        ws.column_dimensions[column].width = width
    note = wb.create_sheet("填写说明")
    note.append(["监管类别填写“重点”“一般”或“特殊”；特殊监管对象须填写原因：" + "、".join(REASON_BY_LABEL) + "。"])
    note.append(["正面清单：起始日和截止日同时填写（如 2026-01-01），不在正面清单的留空。"])
    return workbook_bytes(wb)


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_TEXT.match(str(value).strip())
    if not match:
        raise ValueError(f"“{str(value)[:30]}”不是日期，请填写 Excel 日期或“2026-01-31”格式的文字")
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        raise ValueError(f"“{value}”不是有效日期（没有这一天）") from None


def parse(data: bytes, *, codes: set[str]) -> list[CategoryRow]:
    """Checked rows of the workbook, or CategoryFileError with every problem. ``codes``: the district's sources."""
    try:
        check_xlsx_bytes(data, name="上传的文件", max_bytes=MAX_BYTES)
        extents = worksheet_extents(data, max_columns=MAX_COLUMNS)
        if any(extent.rows > MAX_ROWS + 1 for extent in extents.values()):
            raise CategoryFileError([f"工作表超过{MAX_ROWS}行，请分批导入"])
        # openpyxl fills every gap with empty cells: bounded before it reads (common.uploads)
        check_extents(extents, max_rows=MAX_ROWS + 1, max_columns=MAX_COLUMNS, max_cells=(MAX_ROWS + 1) * len(HEADERS))
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except WorkbookFileError as exc:
        raise CategoryFileError([str(exc)]) from None
    except CategoryFileError:
        raise
    except Exception:
        raise CategoryFileError(["上传的文件无法作为 Excel 工作簿打开"]) from None
    if SHEET not in wb.sheetnames:
        raise CategoryFileError([f"工作簿中没有名为“{SHEET}”的工作表（请使用下载的模板）"])
    rows = wb[SHEET].iter_rows(values_only=True)
    header = [cell_text(v) for v in next(rows, ())]
    if header[: len(HEADERS)] != HEADERS:
        raise CategoryFileError([f"第1行：表头应为“{'、'.join(HEADERS)}”（请使用下载的模板）"])
    problems: list[str] = []
    result: list[CategoryRow] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        cells = (tuple(raw) + (None,) * 6)[:6]
        if all(cell_text(v) == "" for v in cells):
            continue
        code, _, category_text, reason_text = (cell_text(v) for v in cells[:4])

        def bad(column: str, reason: str, number=number) -> None:
            problems.append(f"第{number}行“{column}”：{reason}")

        if not code:
            bad("统一社会信用代码", "不能为空")
        elif code not in codes:
            bad("统一社会信用代码", f"本单位没有信用代码为{code}的污染源")
        elif code in seen:
            bad("统一社会信用代码", f"与第{seen[code]}行重复")
        seen.setdefault(code, number)
        category = CATEGORY_BY_LABEL.get(category_text)
        if category is None:
            bad("监管类别", f"“{category_text}”不是监管类别，请填写“重点”“一般”或“特殊”")
        reason = ""
        if category == PollutionSource.Category.SPECIAL:
            reason = REASON_BY_LABEL.get(reason_text, "")
            if not reason:
                shown = f"“{reason_text}”不是可选的原因" if reason_text else "特殊监管对象须填写原因"
                bad("特殊监管原因", f"{shown}，可选：" + "、".join(REASON_BY_LABEL))
        elif reason_text and category is not None:
            bad("特殊监管原因", "只有特殊监管对象填写原因")
        try:
            starts = _date(cells[4])
        except ValueError as exc:
            bad("正面清单起始日", str(exc))
            starts = None
        try:
            ends = _date(cells[5])
        except ValueError as exc:
            bad("正面清单截止日", str(exc))
            ends = None
        if (cells[4] in (None, "")) != (cells[5] in (None, "")):
            bad("正面清单截止日", "正面清单的起始日和截止日须同时填写或同时留空")
        elif starts and ends and ends < starts:
            bad("正面清单截止日", "截止日不能早于起始日")
        if starts and category == PollutionSource.Category.SPECIAL:
            bad("正面清单起始日", "特殊监管对象不能列入正面清单")
        if len(problems) <= MAX_LISTED * 5 and category is not None:
            result.append(CategoryRow(code, category, reason, starts, ends))
    if problems:
        raise CategoryFileError(problems)
    if not result:
        raise CategoryFileError([f"工作表“{SHEET}”没有数据行"])
    return result
