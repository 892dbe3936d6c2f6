"""The open-data downloads of what is published today: CSV (UTF-8 with BOM, so Excel reads the Chinese) and JSON.
Both return bytes; the views only wrap them. Only ``selectors.OPEN_DATA_FIELDS`` are written, all of them public."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from disclosure.selectors import OPEN_DATA_FIELDS

HEADERS = {
    "id": "公示编号",
    "decision_number": "处罚决定书文号",
    "party_name": "当事人",
    "credit_code": "统一社会信用代码",
    "violation": "违法行为类型",
    "violation_facts": "主要违法事实",
    "legal_basis": "处罚依据",
    "penalty": "处罚内容",
    "fine_yuan": "罚款金额（元）",
    "decided_on": "处罚决定日期",
    "authority": "处罚机关",
    "number": "版本号",
    "correction_note": "更正说明",
    "published_at": "公示时间",
    "expires_on": "公示截止日期",
}
assert tuple(HEADERS) == OPEN_DATA_FIELDS


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _cell(value: Any) -> str:
    text = str(_plain(value))
    # a spreadsheet runs a cell that starts like a formula: published text is shown, never run
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def penalties_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS.values())
    for row in rows:
        writer.writerow([_cell(row[key]) for key in HEADERS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def penalties_json(rows: list[dict[str, Any]], *, generated: datetime, url_of) -> bytes:
    items = [{**{key: _plain(row[key]) for key in HEADERS}, "url": url_of(row["id"])} for row in rows]
    document = {
        "title": "行政处罚决定公示",
        "generated_at": timezone.localtime(generated).isoformat(timespec="seconds"),
        "fields": HEADERS,
        "count": len(items),
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
