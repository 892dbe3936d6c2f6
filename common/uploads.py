"""Checks that run on an uploaded workbook before openpyxl opens anything.

An .xlsx is a zip of XML parts: a small file can expand to gigabytes ("zip bomb"), so the entry count
and the declared uncompressed size are checked first. openpyxl parses the XML with defusedxml when it
is installed (it is pinned in requirements.txt), which stops entity-expansion attacks. Macro-enabled
workbooks (.xlsm) are refused here too, for every upload that takes a workbook.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from defusedxml.ElementTree import fromstring

XLSX_MAX_ENTRIES = 500
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
# [Content_Types].xml lists a few dozen parts; a larger one is not a workbook any reader should open.
CONTENT_TYPES_MAX = 1024 * 1024
EXCEL_MAX_ROW = 1_048_576
WORKSHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class WorkbookFileError(ValueError):
    """The message is shown to the user as is."""


def check_xlsx_bytes(data: bytes, *, name: str = "上传的文件", max_bytes: int) -> None:
    if len(data) == 0:
        raise WorkbookFileError(f"{name}是空文件。")
    if len(data) > max_bytes:
        raise WorkbookFileError(
            f"{name}大小为{len(data) / 1024 / 1024:.1f} MB，超过上限{max_bytes // 1024 // 1024} MB。"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookFileError(f"{name}不是 Excel 工作簿（.xlsx）文件。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > XLSX_MAX_ENTRIES:
                raise WorkbookFileError(f"{name}包含{len(entries)}个内部文件，超过上限{XLSX_MAX_ENTRIES}个，已拒绝。")
            if sum(e.file_size for e in entries) > XLSX_MAX_UNCOMPRESSED:
                raise WorkbookFileError(f"{name}解压后超过{XLSX_MAX_UNCOMPRESSED // 1024 // 1024} MB，已拒绝。")
            if "[Content_Types].xml" not in archive.namelist():
                raise WorkbookFileError(f"{name}不是 Excel 工作簿（.xlsx）文件。")
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > CONTENT_TYPES_MAX:
                raise WorkbookFileError(f"{name}不是 Excel 工作簿（.xlsx）文件。")
            content_types = archive.read(types)
            # A macro-enabled workbook (.xlsm) is a valid zip that openpyxl would open; its macros are a risk
            # we never need, so it is refused rather than silently stripped (both the ledger and the 评分表).
            if any(e.filename.lower().endswith("vbaproject.bin") for e in entries) or b"macroEnabled" in content_types:
                raise WorkbookFileError(
                    f"{name}是启用宏的工作簿（.xlsm），不予导入；请在 Excel 中另存为“Excel 工作簿（.xlsx）”后上传。"
                )
    except zipfile.BadZipFile:
        raise WorkbookFileError(f"{name}不是 Excel 工作簿（.xlsx）文件，或文件已损坏。") from None
    except (zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError):
        # an encrypted entry, an unsupported compression method, a damaged deflate stream
        raise WorkbookFileError(f"{name}无法读取（可能已加密或已损坏），请另存为普通的 .xlsx 文件后上传。") from None


@dataclass(frozen=True)
class SheetExtent:
    """What a worksheet's XML holds, counted before openpyxl opens the file."""

    rows: int  # <row> elements
    cells: int  # <c> elements
    last_row: int  # the highest row number a row or a cell names
    last_column: int  # the highest column number a cell names (A = 1 … XFD = 16384)


# Any namespace prefix: openpyxl reads <x:row> as it reads <row>, so the counts must too. Counted with
# bytes.count and literal-led patterns, which run at C speed; text that happens to look like a tag only makes a
# count larger, never smaller.
_ROW_TAGS = (b"<row ", b"<row>", b"<row/>")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_REF_COLUMN = re.compile(rb"r\s*=\s*[\"']\$?([A-Za-z]{1,4})\$?\d")
_REF_ROW = re.compile(rb"r\s*=\s*[\"']\$?[A-Za-z]{0,4}\$?(\d{1,9})")


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def worksheet_extents(data: bytes, *, max_columns: int | None = None) -> dict[str, SheetExtent]:
    """Rows, cells and the farthest row and column each worksheet reaches (by sheet name), read from its XML.

    openpyxl's read-only reader fills every gap with empty cells: one cell in column XFD makes a row of 16,384,
    and a row numbered 1,000,000 yields a million empty rows before it. Call after ``check_xlsx_bytes`` (which
    bounds the unpacked size) and refuse what is too large with ``check_extents`` before ``load_workbook``.
    Counting a sheet stops once it reaches past ``max_columns`` (the unpacked size is bounded already). A sheet whose name cannot be read is named
    by its part, e.g. "xl/worksheets/sheet1.xml".
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        titles = _sheet_titles(archive)
        return {
            titles.get(info.filename, info.filename): _extent(archive, info, max_columns)
            for info in archive.infolist()
            if WORKSHEET_PART.match(info.filename)
        }


def worksheet_rows(data: bytes) -> dict[str, int]:
    """How many rows each worksheet has (by sheet name); see ``worksheet_extents``."""
    return {title: extent.rows for title, extent in worksheet_extents(data).items()}


def _extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_columns: int | None) -> SheetExtent:
    """A megabyte at a time. Cells written without an ``r`` reference follow the one before them: in a chunk
    that has any, each row's reach is taken as its farthest reference plus its unreferenced cells."""
    rows = cells = last_row = last_column = 0
    carry = b""
    with archive.open(info) as part:
        while True:
            chunk = part.read(1 << 20)
            block = carry + chunk
            # whole tags only: what follows the last ">" waits for the next chunk
            end = len(block) if not chunk else block.rfind(b">") + 1
            done, carry = block[:end], block[end:]
            rows += row_tags(done)
            # prefixed tags (<x:c>) are rare: the slower pattern only where a prefix may be
            tags = len(_CELL_TAG.findall(done)) if b":c" in done else sum(done.count(t) for t in _CELL_TAGS)
            cells += tags
            numbers = _REF_ROW.findall(done)
            if numbers:
                last_row = max(last_row, max(map(int, numbers)))
            columns = _REF_COLUMN.findall(done)
            if columns:
                last_column = max(last_column, max(column_number(c.decode()) for c in set(columns)))
            if len(columns) < tags:
                last_column = max(last_column, _reach_without_references(done))
            if not chunk or (max_columns is not None and last_column > max_columns):
                break
    return SheetExtent(rows, cells, max(last_row, rows), last_column)


def _reach_without_references(xml: bytes) -> int:
    reach = 0
    for row in _ROW_TAG.split(xml):
        unreferenced = len(_CELL_TAG.findall(row))
        if not unreferenced:
            continue
        columns = _REF_COLUMN.findall(row)
        farthest = max((column_number(c.decode()) for c in set(columns)), default=0)
        reach = max(reach, farthest + unreferenced - len(columns))
    return reach


def check_extents(
    extents: dict[str, SheetExtent], *, max_rows: int, max_columns: int, max_cells: int, hint: str = ""
) -> None:
    """Refuse a workbook whose sheets reach beyond the bounds, naming the sheet and what is too far."""
    for title, extent in extents.items():
        if extent.last_row > EXCEL_MAX_ROW:
            raise WorkbookFileError(f"工作表“{title[:30]}”：行号超过 Excel 的上限{EXCEL_MAX_ROW}行，文件已损坏。")
        if extent.last_column > max_columns:
            raise WorkbookFileError(
                f"“{title[:30]}”工作表在第{column_letters(extent.last_column)}列有内容，超过上限"
                f"（最多到第{column_letters(max_columns)}列，共{max_columns}列）；请删除表格右侧多余的内容后重新上传。{hint}"
            )
        if extent.last_row > max_rows:
            raise WorkbookFileError(
                f"“{title[:30]}”工作表用到第{extent.last_row}行，超过上限{max_rows}行；请删除多余的行后重新上传。{hint}"
            )
        if extent.cells > max_cells:
            raise WorkbookFileError(
                f"“{title[:30]}”工作表有{extent.cells}个单元格，超过上限{max_cells}个；"
                f"请删除多余的内容后重新上传。{hint}"
            )


def row_tags(block: bytes) -> int:
    """The <row> start tags in a piece of sheet XML ("<rowBreaks>" is another element)."""
    if b":row" in block:
        return len(_ROW_TAG.findall(block))
    return sum(block.count(tag) for tag in _ROW_TAGS)


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name → sheet name, from xl/workbook.xml and its relationships; {} when unreadable."""
    try:
        parts = {i.filename: i for i in archive.infolist()}
        sources = [parts["xl/workbook.xml"], parts["xl/_rels/workbook.xml.rels"]]
        if any(i.file_size > CONTENT_TYPES_MAX for i in sources):
            return {}
        workbook, rels = (fromstring(archive.read(i)) for i in sources)
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        titles = {}
        for sheet in workbook.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(_REL_ID), "")
            titles[target.lstrip("/") if target.startswith("/") else f"xl/{target}"] = sheet.get("name", "")
        return titles
    except Exception:  # a damaged workbook part: openpyxl will say so when it opens the file
        return {}
