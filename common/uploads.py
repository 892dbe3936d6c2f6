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

from defusedxml.ElementTree import fromstring

XLSX_MAX_ENTRIES = 500
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
# [Content_Types].xml lists a few dozen parts; a larger one is not a workbook any reader should open.
CONTENT_TYPES_MAX = 1024 * 1024
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


def worksheet_rows(data: bytes) -> dict[str, int]:
    """How many rows each worksheet has (by sheet name), counted in its XML before openpyxl opens the file.

    openpyxl's read-only mode parses a whole sheet while opening it when the sheet declares no dimension,
    so a sheet of Excel's 1,048,576 rows must be refused before ``load_workbook``. Call after
    ``check_xlsx_bytes`` (which bounds the unpacked size). A sheet whose name cannot be read is named by its
    part, e.g. "xl/worksheets/sheet1.xml".
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        titles = _sheet_titles(archive)
        counts: dict[str, int] = {}
        for info in archive.infolist():
            if WORKSHEET_PART.match(info.filename):
                counts[titles.get(info.filename, info.filename)] = _count_rows(archive, info)
    return counts


def _count_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    total, tail = 0, b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            block = tail + chunk
            total += row_tags(block)
            tail = block[-5:]
            total -= row_tags(tail)
    return total


def row_tags(block: bytes) -> int:
    """The <row> start tags in a piece of sheet XML ("<rowBreaks>" is another element)."""
    return sum(block.count(b"<row" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


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
