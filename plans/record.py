"""The draw record as a file (JSON or xlsx) and back, and its verification: re-run the draw from the file's
inputs and compare with the file's result. The files hold everything the draw used, so verification needs
neither the database nor this system's data — only this module and ``plans.draw``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping

from openpyxl import Workbook, load_workbook

from common.uploads import WorkbookFileError, check_extents, check_xlsx_bytes, worksheet_extents
from common.xlsx import text_cell, workbook_bytes
from plans import draw as pure

FORMAT = "sdraw-record-1"
MAX_RECORD_BYTES = 50 * 1024 * 1024
# the widest sheet has six columns; rows as _rows() allows
RECORD_MAX_COLUMNS = 26
RECORD_MAX_ROWS = 1_000_001

META_SHEET, QUOTA_SHEET, SOURCE_SHEET, ITEM_SHEET = "抽查记录", "抽取数量", "候选名单", "抽查事项"
OFFICER_SHEET, AVOID_SHEET, RESULT_SHEET = "执法人员", "回避", "抽查结果"
META_FIELDS = [
    ("format", "记录格式"),
    ("organization", "机构"),
    ("plan", "计划"),
    ("number", "第几次抽查"),
    ("algorithm", "算法版本"),
    ("seed", "随机种子"),
    ("team_size", "每组执法人员数"),
    ("inputs_sha256", "输入SHA-256"),
    ("result_sha256", "结果SHA-256"),
    ("ran_by", "执行人"),
    ("ran_at", "执行时间"),
    ("replaces", "取代第几次抽查"),
    ("redraw_reason", "重新抽查理由"),
]


class RecordError(ValueError):
    """A record file that cannot be read; the message is shown as is."""


def record_of(draw) -> dict:
    """The exported record of a ``plans.models.Draw``."""
    from django.utils import timezone

    return {
        "format": FORMAT,
        "organization": draw.labels.get("organization", ""),
        "plan": draw.labels.get("plan", ""),
        "number": draw.number,
        "ran_by": draw.ran_by_name,
        "ran_at": timezone.localtime(draw.ran_at).isoformat(timespec="seconds"),
        "replaces": draw.replaces.number if draw.replaces_id else "",
        "redraw_reason": draw.redraw_reason,
        "inputs": draw.inputs,
        "inputs_sha256": draw.inputs_sha256,
        "list_hashes": draw.list_hashes,
        "result": draw.result,
        "result_sha256": draw.result_sha256,
        "labels": {k: draw.labels.get(k, {}) for k in ("sources", "items", "officers")},
    }


def to_json(record: Mapping) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True).encode()


def to_xlsx(record: Mapping) -> bytes:
    """One sheet per part of the inputs and one for the result; every key written as text."""
    wb = Workbook(write_only=True)
    inputs, labels = record["inputs"], record.get("labels", {})

    def sheet(title: str, header: list[str], rows) -> None:
        ws = wb.create_sheet(title)
        ws.append(header)
        for row in rows:
            ws.append([text_cell(ws, v) for v in row])

    meta = [(label, str(record.get(key, inputs.get(key, "")))) for key, label in META_FIELDS]
    meta[META_FIELDS.index(("algorithm", "算法版本"))] = ("算法版本", inputs["algorithm"])
    meta[META_FIELDS.index(("seed", "随机种子"))] = ("随机种子", inputs["seed"])
    meta[META_FIELDS.index(("team_size", "每组执法人员数"))] = ("每组执法人员数", str(inputs["team_size"]))
    meta += [(f"名单SHA-256 {name}", value) for name, value in sorted(record["list_hashes"].items())]
    sheet(META_SHEET, ["项目", "内容"], meta)
    sheet(QUOTA_SHEET, ["类别代码", "抽取数量"], [(c, str(n)) for c, n in inputs["quotas"].items()])
    sheet(
        SOURCE_SHEET,
        ["类别代码", "统一社会信用代码", "单位名称"],
        [(c, k, labels.get("sources", {}).get(k, "")) for c, keys in inputs["sources"].items() for k in keys],
    )
    sheet(
        ITEM_SHEET,
        ["类别代码", "事项编号", "抽查事项"],
        [(c, k, labels.get("items", {}).get(k, "")) for c, keys in inputs["items"].items() for k in keys],
    )
    sheet(OFFICER_SHEET, ["执法证号", "姓名"], [(k, labels.get("officers", {}).get(k, "")) for k in inputs["officers"]])
    sheet(AVOID_SHEET, ["执法证号", "统一社会信用代码"], [tuple(pair) for pair in inputs["avoid"]])
    sheet(
        RESULT_SHEET,
        ["序号", "类别代码", "统一社会信用代码", "单位名称", "事项编号", "执法证号"],
        [
            (
                str(n),
                t["category"],
                t["source"],
                labels.get("sources", {}).get(t["source"], ""),
                t["item"],
                "、".join(t["officers"]),
            )
            for n, t in enumerate(record["result"]["tasks"], start=1)
        ],
    )
    return workbook_bytes(wb)


# --- reading back ------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(wb, title: str, width: int) -> list[list[str]]:
    if title not in wb.sheetnames:
        raise RecordError(f"抽查记录缺少工作表“{title}”。")
    rows = []
    for number, row in enumerate(wb[title].iter_rows(min_row=2, values_only=True), start=2):
        cells = [_cell(v) for v in (tuple(row) + (None,) * width)[:width]]
        if not any(cells):
            continue
        rows.append(cells)
        if len(rows) > 1_000_000:
            raise RecordError(f"工作表“{title}”第{number}行：行数超过上限。")
    return rows


def from_xlsx(data: bytes) -> dict:
    try:
        check_xlsx_bytes(data, name="抽查记录文件", max_bytes=MAX_RECORD_BYTES)
        # openpyxl fills every gap with empty cells: bounded before it reads (common.uploads)
        check_extents(
            worksheet_extents(data, max_columns=RECORD_MAX_COLUMNS),
            max_rows=RECORD_MAX_ROWS,
            max_columns=RECORD_MAX_COLUMNS,
            max_cells=RECORD_MAX_ROWS * 6,
        )
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except WorkbookFileError as exc:
        raise RecordError(str(exc)) from None
    except Exception:
        raise RecordError("抽查记录文件无法作为 Excel 工作簿打开。") from None
    meta = {label: value for label, value in _rows(wb, META_SHEET, 2)}
    by_label = {label: key for key, label in META_FIELDS}
    record: dict = {by_label[label]: value for label, value in meta.items() if label in by_label}
    record["list_hashes"] = {
        label.removeprefix("名单SHA-256 "): value for label, value in meta.items() if label.startswith("名单SHA-256 ")
    }
    try:
        team_size = int(meta.get("每组执法人员数", ""))
        quotas = {c: int(n) for c, n in _rows(wb, QUOTA_SHEET, 2)}
    except ValueError:
        raise RecordError("抽查记录中的“每组执法人员数”或“抽取数量”不是整数。") from None
    sources: dict[str, list[str]] = {c: [] for c in quotas}
    for c, k, _ in _rows(wb, SOURCE_SHEET, 3):
        sources.setdefault(c, []).append(k)
    items: dict[str, list[str]] = {}
    for c, k, _ in _rows(wb, ITEM_SHEET, 3):
        items.setdefault(c, []).append(k)
    record["inputs"] = {
        "algorithm": meta.get("算法版本", ""),
        "seed": meta.get("随机种子", ""),
        "team_size": team_size,
        "quotas": quotas,
        "sources": sources,
        "items": items,
        "officers": [k for k, _ in _rows(wb, OFFICER_SHEET, 2)],
        "avoid": [[o, s] for o, s in _rows(wb, AVOID_SHEET, 2)],
    }
    record["result"] = {
        "inputs_sha256": record.get("inputs_sha256", ""),
        "tasks": [
            {"category": c, "source": s, "item": i, "officers": [o for o in officers.split("、") if o]}
            for _, c, s, _, i, officers in _rows(wb, RESULT_SHEET, 6)
        ],
    }
    return record


def from_json(data: bytes) -> dict:
    if len(data) > MAX_RECORD_BYTES:
        raise RecordError("抽查记录文件过大。")
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(f"抽查记录不是有效的 JSON 文件：{exc}") from None
    if not isinstance(record, dict):
        raise RecordError("抽查记录不是有效的 JSON 对象。")
    return record


def read(data: bytes, *, name: str = "") -> dict:
    if data.startswith(b"PK") or name.lower().endswith(".xlsx"):
        return from_xlsx(data)
    return from_json(data)


def verify(record: Mapping) -> str | None:
    """None when the record's draw re-runs to exactly its result; otherwise the first difference, in words."""
    if record.get("format") != FORMAT:
        return f"记录格式不是{FORMAT}（为“{record.get('format', '')}”）"
    try:
        draw_input = pure.DrawInput.from_dict(record["inputs"])
        recorded = pure.DrawResult(
            inputs_sha256=str(record["result"]["inputs_sha256"]),
            tasks=tuple(
                pure.Task(str(t["category"]), str(t["source"]), str(t["item"]), tuple(map(str, t["officers"])))
                for t in record["result"]["tasks"]
            ),
        )
    except (KeyError, TypeError, AttributeError, pure.DrawError) as exc:
        return f"记录不完整：{exc}"
    if draw_input.sha256 != record.get("inputs_sha256"):
        return f"输入的SHA-256不符：记录为{record.get('inputs_sha256')}，按记录中的输入计算为{draw_input.sha256}"
    for name, value in draw_input.list_hashes.items():
        if record.get("list_hashes", {}).get(name) != value:
            return f"名单“{name}”的SHA-256不符：记录为{record.get('list_hashes', {}).get(name)}，计算为{value}"
    try:
        rerun = pure.run(draw_input)
    except pure.DrawError as exc:
        return f"按记录的输入无法重新抽查：{exc}"
    if difference := pure.first_difference(recorded, rerun):
        return difference
    if rerun.sha256 != record.get("result_sha256"):
        return f"结果的SHA-256不符：记录为{record.get('result_sha256')}，重算为{rerun.sha256}"
    return None
