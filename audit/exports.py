"""The filtered trail as .xlsx (openpyxl write-only) and as CSV; both write text that looks like a formula as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from audit.models import AuditEvent
from audit.selectors import changes_text, object_type_label
from common.xlsx import cell_value, csv_cell, workbook_bytes

HEADERS = (
    "时间",
    "操作",
    "操作人",
    "机构",
    "IP地址",
    "对象类型",
    "对象编号",
    "对象",
    "变更内容（字段：原值 → 新值）",
    "说明",
)
WIDTHS = (20, 12, 22, 22, 16, 14, 10, 30, 80, 40)


def _row(event: AuditEvent) -> list[str]:
    return [
        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        event.get_action_display(),
        event.actor_name,
        "；".join(o.name for o in (event.organization, event.other_organization) if o is not None),
        event.ip_address or "",
        object_type_label(event.object_type) if event.object_type else "",
        event.object_id,
        event.object_repr,
        changes_text(event),
        event.note,
    ]


def events_xlsx(events: Iterable[AuditEvent]) -> bytes:
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计记录")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(list(HEADERS))
    for event in events:
        sheet.append([cell_value(sheet, value) for value in _row(event)])
    return workbook_bytes(workbook)


def events_csv(events: Iterable[AuditEvent]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for event in events:
        writer.writerow([csv_cell(value) for value in _row(event)])
    # UTF-8 with a byte-order mark, so that Excel on Chinese Windows opens it as UTF-8
    return buffer.getvalue().encode("utf-8-sig")
