"""The bad-input corpus: malformed 台账 (ledger) and 评分表 workbooks and mistyped evidence files.

    .venv/bin/python -m tests.corpus.build      # rewrites tests/corpus/files/ (byte for byte the same each time)

Every file is a good workbook with exactly one kind of defect, so that the message the product gives can be
pinned in tests/test_bad_input_corpus.py. The ledger files start from ``records_helpers.good_ledger()``; the
评分表 files from ``score_base()``, laid out as ``assessment.exports.score_workbook`` lays out 长宁区's 2024
self-assessment (the ``draft_2024`` fixture). Zip entries get a fixed date and the document properties a fixed
time, so a rebuild changes no byte (a test checks that the committed files are what this script writes).

Files that would be large on disk are not committed but built at test time (``TEST_TIME``): Excel's
1,048,576 rows (one repeated row XML, deflated to well under 1 MB) and the zip bombs.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

FILES = Path(__file__).resolve().parent / "files"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
CORE_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>corpus</dc:creator>'
    b'<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:created>'
    b'<dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>'
)

# 长宁区's 2024 self-assessment as the draft_2024 fixture makes it (assessment/standards/shanghai.yaml)
ORG_NAME = "上海市长宁区生态环境局"
OTHER_ORG_NAME = "上海市徐汇区生态环境局"
YEAR = 2024
SCORE_HEADERS = ["编号", "指标", "满分", "得分", "自评说明"]

LONG_TEXT = "长" * 100_000
LONG_MARK = "LONG-TEXT-MARK"  # written by openpyxl, then replaced in the XML by LONG_TEXT (openpyxl cuts at 32,767)
ZWSP, RLO = "\u200b", "\u202e"


# --- zip plumbing -------------------------------------------------------------------------------------


def normalised(data: bytes) -> bytes:
    """The same zip with fixed entry dates, deflated, and fixed document properties: a reproducible file."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = CORE_XML if item.filename == "docProps/core.xml" else source.read(item.filename)
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, body, compresslevel=9)
    return out.getvalue()


def patched(data: bytes, changes: dict[str, Callable[[bytes], bytes]], added: dict[str, bytes] | None = None) -> bytes:
    """The zip with some parts rewritten (part name → function of its bytes) and some added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            body = source.read(name)
            if name in changes:
                body = changes[name](body)
            target.writestr(name, body)
        for name, body in (added or {}).items():
            target.writestr(name, body)
    return normalised(out.getvalue())


def replace_once(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(body: bytes) -> bytes:
        assert body.count(old) >= 1, (old, body[:2000])
        return body.replace(old, new, 1)

    return change


def sub_once(pattern: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(body: bytes) -> bytes:
        result, count = re.subn(pattern, new, body, count=1)
        assert count == 1, (pattern, body[:2000])
        return result

    return change


def saved(wb) -> bytes:
    wb.properties.created = wb.properties.modified = datetime(2024, 1, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    return normalised(buffer.getvalue())


# --- the two kinds of workbook ------------------------------------------------------------------------


def ledger(edit: Callable[[dict], None] | None = None) -> bytes:
    """records_helpers.good_ledger() as a workbook, after ``edit`` changed its rows (sheet → rows)."""
    from tests.inspections.records_helpers import good_ledger, workbook

    sheets = good_ledger()
    if edit is not None:
        edit(sheets)
    return normalised(workbook(sheets))


def ledger_sheet_part(title: str) -> str:
    from inspections.ledger.layout import SHEETS

    return f"xl/worksheets/sheet{[s.title for s in SHEETS].index(title) + 1}.xml"


def cell(sheets: dict, title: str, row: int, header: str, value: object) -> None:
    from tests.inspections.records_helpers import headers

    sheets[title][row - 1][headers(title).index(header)] = value


def score_rows() -> list[list]:
    """Rows 4… of 长宁区's 2024 评分表 as exported, for the first system (the rest may be left out)."""
    return [
        ["一", "构建执法制度体系", 20, 12, "小计（4个指标）"],
        ["1.1", "权责清单与执法事项清单", 5, 4, "已编制权责清单，尚未全部公开。"],
        ["1.2", "执法公示、全过程记录、法制审核三项制度", 5, 4.5, "法制审核记录缺2份。"],
        ["1.3", "裁量基准与免罚清单", 5, 3.5, "免罚清单未公开。"],
        ["合计", None, 100, 12, None],
    ]


def score_workbook(
    rows: list[list] | None = None,
    *,
    headers: list | None = None,
    org: str = ORG_NAME,
    title: str = "评分表",
    edit: Callable | None = None,
) -> bytes:
    """A 评分表 as assessment.exports.score_workbook writes it: title, identity row, headers, rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.merge_cells("A1:E1")
    ws["A1"] = f"{org}{YEAR}年度执法机构规范化建设自评评分表"
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "单位", org, "年度", YEAR
    ws["E2"] = "标准：上海市生态环境保护综合行政执法机构规范化建设标准（第1版）"
    ws.append(headers or SCORE_HEADERS)
    for row in score_rows() if rows is None else rows:
        ws.append(row)
    if edit is not None:
        edit(ws)
    return saved(wb)


def score_with(row_code: str, *, score: object = ..., text: object = ...) -> bytes:
    rows = score_rows()
    for row in rows:
        if row[0] == row_code:
            if score is not ...:
                row[3] = score
            if text is not ...:
                row[4] = text
    return score_workbook(rows)


SCORE_PART = "xl/worksheets/sheet1.xml"


# --- defects shared by both kinds ---------------------------------------------------------------------


def macro_enabled(data: bytes) -> bytes:
    """What Excel saves as .xlsm: the macro content type and a VBA project part."""
    return patched(
        data,
        {"[Content_Types].xml": replace_once(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")},
        {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b'Attribute VB_Name = "Module1"'},
    )


def legacy_xls() -> bytes:
    """The start of a real BIFF8 .xls: an OLE2 compound file header (D0 CF 11 E0 A1 B1 1A E1)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")  # minor version
    header[26:28] = (3).to_bytes(2, "little")  # major version 3: 512-byte sectors
    header[28:30] = b"\xfe\xff"  # byte order mark
    header[30:32] = (9).to_bytes(2, "little")  # sector shift
    header[32:34] = (6).to_bytes(2, "little")  # mini sector shift
    header[44:48] = (1).to_bytes(4, "little")  # one FAT sector
    header[48:52] = (1).to_bytes(4, "little")  # the directory starts at sector 1
    header[56:60] = (4096).to_bytes(4, "little")  # mini stream cutoff
    header[60:64] = (0xFFFFFFFE).to_bytes(4, "little")
    header[68:72] = (0xFFFFFFFE).to_bytes(4, "little")
    header[76:512] = b"\xff" * 436
    header[76:80] = (0).to_bytes(4, "little")  # the FAT is sector 0
    directory = "Root Entry".encode("utf-16-le").ljust(64, b"\0") + b"\x16\x00\x05\x01" + b"\xff" * 12
    return bytes(header) + b"\xfd\xff\xff\xff" + b"\xff" * 508 + directory.ljust(512, b"\0")


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def docx_renamed() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return normalised(out.getvalue())


def many_entries(data: bytes) -> bytes:
    return patched(data, {}, {f"xl/media/image{i}.png": b"\x89PNG\r\n\x1a\n" for i in range(600)})


ENTITY_BOMB = (
    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
)


def entity_expansion(data: bytes, part: str) -> bytes:
    """A "billion laughs" payload in a sheet: a DOCTYPE whose entities expand to 2 GB; defusedxml refuses it."""
    return patched(
        data,
        {part: lambda body: ENTITY_BOMB + body.replace(b"<sheetData>", b"<sheetData>&h;", 1)},
    )


def external_entity(data: bytes, part: str) -> bytes:
    """An XXE payload: an external entity reading a local file; defusedxml refuses it."""
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return patched(data, {part: lambda body: doctype + body.replace(b"<sheetData>", b"<sheetData>&xxe;", 1)})


EXTERNAL_LINK = (
    b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
    b'<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>5</v></cell></row></sheetData>'
    b"</sheetDataSet></externalBook></externalLink>"
)
EXTERNAL_LINK_RELS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'externalLinkPath" Target="file:///C:/Users/Public/other.xlsx" TargetMode="External"/></Relationships>'
)


def external_link(data: bytes, part: str, cell_ref: bytes) -> bytes:
    """A workbook linked to another file: an xl/externalLinks part, and ``cell_ref`` a formula into it
    with a cached value of 5 (which data_only=True would silently take)."""
    return patched(
        data,
        {
            part: sub_once(
                rb'<c r="' + cell_ref + rb'"[^>]*>.*?</c>',
                b'<c r="' + cell_ref + b'"><f>[1]Sheet1!A1</f><v>5</v></c>',
            ),
            "xl/workbook.xml": replace_once(
                b"</sheets>",
                b"</sheets><externalReferences><externalReference"
                b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId99"/>'
                b"</externalReferences>",
            ),
            "xl/_rels/workbook.xml.rels": replace_once(
                b"</Relationships>",
                b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>',
            ),
            "[Content_Types].xml": replace_once(
                b"</Types>",
                b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
            ),
        },
        {
            "xl/externalLinks/externalLink1.xml": EXTERNAL_LINK,
            "xl/externalLinks/_rels/externalLink1.xml.rels": EXTERNAL_LINK_RELS,
        },
    )


def long_strings_in(data: bytes) -> bytes:
    """Every LONG_MARK in the sheets replaced by the 100,000 characters of LONG_TEXT."""
    mark, text = LONG_MARK.encode(), LONG_TEXT.encode()
    names = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("xl/worksheets/")]
    return patched(data, {n: (lambda body: body.replace(mark, text)) for n in names})


def damaged_cell(data: bytes, part: str, cell_ref: bytes) -> bytes:
    """A number cell whose value is not a number: no spreadsheet program writes this."""
    return patched(
        data,
        {part: sub_once(rb'<c r="' + cell_ref + rb'"[^>]*>.*?</c>', b'<c r="' + cell_ref + b'" t="n"><v>abc</v></c>')},
    )


def wrong_dimension(data: bytes, part: str, ref: bytes) -> bytes:
    """A <dimension> that claims fewer rows than the sheet has (some programs always write "A1")."""
    return patched(data, {part: sub_once(rb'<dimension ref="[A-Z0-9:]+"/>', b'<dimension ref="' + ref + b'"/>')})


def row_number_overflow(data: bytes, part: str, row: int) -> bytes:
    """A row numbered past Excel's last row (1,048,576)."""
    return patched(data, {part: replace_once(f'<row r="{row}"'.encode(), b'<row r="99999999999"')})


def illegal_xml_character(data: bytes, part: str) -> bytes:
    """A control character (U+0001) that XML 1.0 does not allow even as a character reference."""
    return patched(data, {part: replace_once(b"<t>", b"<t>&#1;")})


def date_serial_overflow(data: bytes, part: str, cell_ref: bytes) -> bytes:
    """A cell formatted as a date whose serial number is past year 9999: openpyxl cannot turn it into a date."""
    return patched(data, {part: sub_once(rb'(<c r="' + cell_ref + rb'"[^>]*>)<v>[^<]*</v>', rb"\g<1><v>99999999</v>")})


# --- the corpus ---------------------------------------------------------------------------------------


def _ledger_files() -> dict[str, Callable[[], bytes]]:
    from tests.inspections.records_helpers import headers, xlsm

    def wrong_headers(s):
        s["行政处罚"][0][7] = "罚款金额(万元)"

    def shuffled(s):
        s["执法出动"] = [list(reversed(row)) for row in s["执法出动"]]
        s["执法出动"][2][3] = "两人"  # 出动人数 is column D once the columns are reversed

    def duplicate_header(s):
        for row in s["执法装备"]:
            row.append(row[0])

    def merged_header() -> bytes:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(ledger()))
        wb["执法出动"].merge_cells("A1:B1")  # B1 (出动日期) is lost under the merge
        return saved(wb)

    def formula(s):
        cell(s, "培训记录", 2, "参训人数", "=30+5")

    def dates(s):
        cell(s, "执法出动", 2, "出动日期", date(1900, 1, 1))
        cell(s, "执法出动", 3, "出动日期", "2101-01-01")
        cell(s, "执法出动", 4, "出动日期", "2023-02-30")
        cell(s, "执法装备", 2, "购置日期", "上周三")

    def negative(s):
        cell(s, "执法出动", 2, "出动人数", -2)
        cell(s, "行政处罚", 2, "罚款金额（元）", -100)
        cell(s, "培训记录", 3, "学时", -1)

    def huge_numbers(s):
        cell(s, "行政处罚", 2, "罚款金额（元）", "1e999999999")
        cell(s, "培训记录", 2, "学时", "1e999999999")
        cell(s, "执法出动", 2, "出动人数", 10**30)

    def non_numeric(s):
        cell(s, "执法出动", 2, "出动人数", "两人")
        cell(s, "行政处罚", 2, "罚款金额（元）", "九十万")
        cell(s, "培训记录", 2, "参训人数", "三十")
        cell(s, "培训记录", 3, "学时", "#DIV/0!")

    def credit_codes(s):
        cell(s, "污染源检查", 2, "统一社会信用代码", "9144030071526726XH")
        cell(s, "污染源检查", 3, "统一社会信用代码", "91440300715267")
        cell(s, "行政处罚", 2, "统一社会信用代码", "91440300715267I6XG")

    def duplicate_case(s):
        s["行政处罚"].append(list(s["行政处罚"][2]))

    def unknown_dispatch(s):
        cell(s, "污染源检查", 3, "出动编号", "CD-NOWHERE")

    def long_strings(s):
        cell(s, "执法出动", 2, "备注", LONG_MARK)
        cell(s, "行政处罚", 2, "单位名称", LONG_MARK)
        cell(s, "污染源检查", 2, "统一社会信用代码", LONG_MARK)

    def control_characters(s):
        cell(s, "执法出动", 2, "出动编号", "CD2023\x7f001")
        cell(s, "执法出动", 3, "备注", "第一行\x85第二行")

    def rtl_zero_width(s):
        cell(s, "执法出动", 2, "出动编号", "CD2023-001" + ZWSP)
        cell(s, "污染源检查", 3, "统一社会信用代码", RLO + "9144030071526726XG")

    def no_ledger_sheet() -> bytes:
        from tests.inspections.records_helpers import workbook

        return normalised(workbook({"Sheet1": [["出动编号", "出动日期"], ["CD1", "2023-01-01"]]}))

    def empty_sheet() -> bytes:
        from tests.inspections.records_helpers import workbook

        return normalised(workbook({"执法出动": []}))

    def too_few_officers(s):
        cell(s, "执法出动", 2, "执法人员", "甲、乙、丙")

    def choices(s):
        cell(s, "执法出动", 2, "任务类型", "日常巡查")
        cell(s, "行政处罚", 2, "是否移送公安", "不确定")

    dispatches = ledger_sheet_part("执法出动")
    trainings = ledger_sheet_part("培训记录")
    return {
        "ledger-wrong-headers.xlsx": lambda: ledger(wrong_headers),
        "ledger-shuffled-columns.xlsx": lambda: ledger(shuffled),
        "ledger-duplicate-header.xlsx": lambda: ledger(duplicate_header),
        "ledger-merged-header.xlsx": merged_header,
        "ledger-formula.xlsx": lambda: ledger(formula),
        "ledger-external-link.xlsx": lambda: external_link(ledger(), trainings, b"E2"),
        "ledger-macro-enabled.xlsx": lambda: normalised(xlsm()),
        "ledger-macro-enabled.xlsm": lambda: normalised(xlsm()),
        "ledger-legacy.xls": legacy_xls,
        "ledger-legacy-renamed.xlsx": legacy_xls,
        "ledger-csv-renamed.xlsx": lambda: (",".join(headers("执法出动")) + "\nCD1,2023-01-01,2,,其他,\n").encode(
            "gbk"
        ),
        "ledger-empty.xlsx": lambda: b"",
        "ledger-truncated.xlsx": lambda: truncated(ledger()),
        "ledger-docx-renamed.xlsx": docx_renamed,
        "ledger-too-many-entries.xlsx": lambda: many_entries(ledger()),
        "ledger-entity-expansion.xlsx": lambda: entity_expansion(ledger(), dispatches),
        "ledger-external-entity.xlsx": lambda: external_entity(ledger(), dispatches),
        "ledger-dates-out-of-range.xlsx": lambda: ledger(dates),
        "ledger-date-serial-overflow.xlsx": lambda: date_serial_overflow(ledger(), dispatches, b"B2"),
        "ledger-negative-numbers.xlsx": lambda: ledger(negative),
        "ledger-non-numeric.xlsx": lambda: ledger(non_numeric),
        "ledger-huge-numbers.xlsx": lambda: ledger(huge_numbers),
        "ledger-invalid-credit-codes.xlsx": lambda: ledger(credit_codes),
        "ledger-duplicate-case-numbers.xlsx": lambda: ledger(duplicate_case),
        "ledger-unknown-dispatch.xlsx": lambda: ledger(unknown_dispatch),
        "ledger-long-strings.xlsx": lambda: long_strings_in(ledger(long_strings)),
        "ledger-control-characters.xlsx": lambda: ledger(control_characters),
        "ledger-illegal-xml-character.xlsx": lambda: illegal_xml_character(ledger(), dispatches),
        "ledger-rtl-zero-width.xlsx": lambda: ledger(rtl_zero_width),
        "ledger-no-ledger-sheet.xlsx": no_ledger_sheet,
        "ledger-empty-sheet.xlsx": empty_sheet,
        "ledger-wrong-dimension.xlsx": lambda: wrong_dimension(ledger(too_few_officers), dispatches, b"A1:F1"),
        "ledger-damaged-cell.xlsx": lambda: damaged_cell(ledger(), dispatches, b"C3"),
        "ledger-row-number-overflow.xlsx": lambda: row_number_overflow(ledger(), dispatches, 4),
        "ledger-unknown-choices.xlsx": lambda: ledger(choices),
    }


def _score_files() -> dict[str, Callable[[], bytes]]:
    def merged_header(ws):
        ws.merge_cells("D3:E3")

    def rows_with(*extra: list) -> list[list]:
        rows = score_rows()
        return rows[:-1] + [list(r) for r in extra] + rows[-1:]

    return {
        "score-wrong-headers.xlsx": lambda: score_workbook(headers=["编号", "指标", "满分", "分数", "自评说明"]),
        "score-shuffled-columns.xlsx": lambda: score_workbook(
            [[r[0], r[1], r[2], r[4], r[3]] for r in score_rows()],
            headers=["编号", "指标", "满分", "自评说明", "得分"],
        ),
        "score-merged-header.xlsx": lambda: score_workbook(edit=merged_header),
        "score-formula.xlsx": lambda: score_with("1.1", score="=4+1"),
        "score-external-link.xlsx": lambda: external_link(score_workbook(), SCORE_PART, b"D5"),
        "score-macro-enabled.xlsx": lambda: macro_enabled(score_workbook()),
        "score-legacy.xls": legacy_xls,
        "score-csv-renamed.xlsx": lambda: (
            "编号,指标,满分,得分,自评说明\n1.1,权责清单与执法事项清单,5,5,已落实\n"
        ).encode(),
        "score-empty.xlsx": lambda: b"",
        "score-truncated.xlsx": lambda: truncated(score_workbook()),
        "score-docx-renamed.xlsx": docx_renamed,
        "score-too-many-entries.xlsx": lambda: many_entries(score_workbook()),
        "score-entity-expansion.xlsx": lambda: entity_expansion(score_workbook(), SCORE_PART),
        "score-external-entity.xlsx": lambda: external_entity(score_workbook(), SCORE_PART),
        "score-negative.xlsx": lambda: score_with("1.1", score=-1),
        "score-non-numeric.xlsx": lambda: score_with("1.1", score="四分"),
        "score-not-half-step.xlsx": lambda: score_with("1.2", score=2.3),
        "score-huge-exponent.xlsx": lambda: score_with("1.2", score="1e999999999"),
        "score-above-max.xlsx": lambda: score_with("1.3", score=6),
        "score-date-as-score.xlsx": lambda: score_with("1.1", score=date(2024, 3, 5)),
        "score-duplicate-codes.xlsx": lambda: score_workbook(
            rows_with(["1.1", "权责清单与执法事项清单", 5, 5, "又一行"])
        ),
        "score-unknown-code.xlsx": lambda: score_workbook(rows_with(["9.9", "不存在的指标", 5, 3, ""])),
        "score-long-strings.xlsx": lambda: long_strings_in(score_with("1.2", text=LONG_MARK)),
        "score-control-characters.xlsx": lambda: score_with("1.2", text="已落实\x7f。"),
        "score-rtl-zero-width.xlsx": lambda: score_workbook(
            [[r[0] + ZWSP if r[0] == "1.1" else r[0], *r[1:]] for r in score_rows()]
        ),
        "score-other-organisation.xlsx": lambda: score_workbook(org=OTHER_ORG_NAME),
        "score-no-score-sheet.xlsx": lambda: score_workbook(title="Sheet1"),
        "score-missing-header-row.xlsx": lambda: score_workbook([], headers=[None]),
        "score-damaged-cell.xlsx": lambda: damaged_cell(score_workbook(), SCORE_PART, b"D5"),
        "score-wrong-dimension.xlsx": lambda: wrong_dimension(score_with("1.3", score=7), SCORE_PART, b"A1:E3"),
        "score-illegal-xml-character.xlsx": lambda: illegal_xml_character(score_workbook(), SCORE_PART),
        "score-row-number-overflow.xlsx": lambda: row_number_overflow(score_workbook(), SCORE_PART, 6),
    }


# --- evidence files (the scoring page's 佐证材料) --------------------------------------------------------

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>'
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\0" * 48
    + b"This program cannot be run in DOS mode."
)


def _evidence_files() -> dict[str, Callable[[], bytes]]:
    text = "这不是一个真正的文件。\n".encode()
    return {
        "evidence-text-as.pdf": lambda: text,
        "evidence-text-as.jpg": lambda: text,
        "evidence-png-as.jpeg": lambda: PNG_1X1,
        "evidence-pdf-as.png": lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        "evidence-text-as.docx": lambda: text,
        "evidence-xls-as.xlsx": legacy_xls,
        "evidence-program.exe.pdf": lambda: EXE,
        "evidence-svg-script.png": lambda: SVG_SCRIPT,
        "evidence-svg-script.svg": lambda: SVG_SCRIPT,
        "evidence-page.html": lambda: b"<html><script>alert(1)</script></html>",
        "evidence-empty.pdf": lambda: b"",
        "evidence-no-extension": lambda: b"%PDF-1.4\n",
    }


def corpus() -> dict[str, Callable[[], bytes]]:
    return _ledger_files() | _score_files() | _evidence_files()


# --- built at test time: large when unpacked, so not committed -----------------------------------------


def million_rows(data: bytes, part: str, row_xml: bytes, rows: int = 1_048_575) -> bytes:
    """``data`` with ``rows`` copies of ``row_xml`` after its first row: with the header, Excel's 1,048,576.

    Rows carry no r attribute (openpyxl counts them, as Excel does), so one repeated pattern deflates to
    about 1/250 of its size.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            if item.filename != part:
                target.writestr(info, body)
                continue
            body = re.sub(rb'<dimension ref="[A-Z0-9:]+"/>', b"", body)
            head, tail = body.split(b"</sheetData>")
            with target.open(info, "w", force_zip64=True) as stream:
                stream.write(head)
                block = row_xml * 10_000
                for _ in range(rows // 10_000):
                    stream.write(block)
                stream.write(row_xml * (rows % 10_000))
                stream.write(b"</sheetData>" + tail)
    return out.getvalue()


def _inline(*values: str) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' if v else "<c/>" for v in values)
    return f"<row>{cells}</row>".encode()


def ledger_million_rows() -> bytes:
    from tests.inspections.records_helpers import headers, workbook

    return million_rows(
        normalised(workbook({"执法出动": [headers("执法出动")]})),
        "xl/worksheets/sheet1.xml",
        _inline("CD2023-001", "2023-01-01", "2", "", "其他", ""),
    )


def score_million_rows() -> bytes:
    data = score_workbook([])
    return million_rows(data, SCORE_PART, _inline("1.1", "", "", "4"), 1_048_573)


def declared_zip_bomb(data: bytes, declared: int = 300 * 1024 * 1024) -> bytes:
    """A small workbook whose central directory declares one part to be ``declared`` bytes unpacked."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = max(archive.infolist(), key=lambda i: i.file_size)
    out = bytearray(data)
    start = 0
    while (start := out.find(b"PK\x01\x02", start)) != -1:
        name_length = int.from_bytes(out[start + 28 : start + 30], "little")
        name = bytes(out[start + 46 : start + 46 + name_length]).decode()
        if name == info.filename:  # the central directory entry: uncompressed size at offset 24
            out[start + 24 : start + 28] = declared.to_bytes(4, "little")
            break
        start += 4
    return bytes(out)


def deflate_zip_bomb(data: bytes, size: int = 210 * 1024 * 1024) -> bytes:
    """A workbook with an extra part of ``size`` zero bytes: deflate packs it about 1000 to 1."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        info = zipfile.ZipInfo("xl/media/padding.bin", date_time=FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as stream:
            zeros = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                stream.write(zeros)
    return out.getvalue()


TEST_TIME: dict[str, Callable[[], bytes]] = {
    "ledger-million-rows.xlsx": ledger_million_rows,
    "ledger-zip-bomb-declared.xlsx": lambda: declared_zip_bomb(ledger()),
    "ledger-zip-bomb-deflate.xlsx": lambda: deflate_zip_bomb(ledger()),
    "score-million-rows.xlsx": score_million_rows,
    "score-zip-bomb-declared.xlsx": lambda: declared_zip_bomb(score_workbook()),
    "score-zip-bomb-deflate.xlsx": lambda: deflate_zip_bomb(score_workbook()),
}


def build(directory: Path = FILES) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in corpus().items():
        path = directory / name
        path.write_bytes(make())
        written.append(path)
    return written


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "changning_enforce.settings")
    os.environ.setdefault("SECRET_KEY", "corpus-build")
    import django

    django.setup()
    for path in build():
        print(f"{path.stat().st_size:>8}  {path.relative_to(FILES.parent.parent.parent)}")
