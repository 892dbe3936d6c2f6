"""Checks that run on an uploaded workbook before openpyxl opens anything.

An .xlsx is a zip of XML parts: a small file can expand to gigabytes ("zip bomb"), so the entry count
and the declared uncompressed size are checked first. openpyxl parses the XML with defusedxml when it
is installed (it is pinned in requirements.txt), which stops entity-expansion attacks.
"""

from __future__ import annotations

import io
import zipfile

XLSX_MAX_ENTRIES = 500
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024


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
    except zipfile.BadZipFile:
        raise WorkbookFileError(f"{name}不是 Excel 工作簿（.xlsx）文件，或文件已损坏。") from None
