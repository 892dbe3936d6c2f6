"""The penalty procedure's optional columns of the 行政处罚 sheet: their rules, named by header, and their
values for the export."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from inspections.ledger.layout import PROCEDURE_FIELDS
from inspections.procedure.models import ExemptionGround
from inspections.procedure.rules import procedure_problems

HEADERS = {field: header for header, field in PROCEDURE_FIELDS.items()}
# the columns of the sheet's first version that the procedure's rules also name
HEADERS |= {"filed_on": "立案日期", "decided_on": "决定日期", "outcome": "处理结果", "fine_yuan": "罚款金额（元）"}
HEADERS |= {"transferred_to_police": "是否移送公安"}
# which detail a file must give depends on which of its columns it has: an older file has none of them
DETAIL_COLUMNS = {
    "ground": ("免罚依据",),
    "transfer": ("移送日期", "接收机关"),
    "review": ("法制审核人", "法制审核日期"),
    "hearing": ("听证日期",),
}


def procedure_row_problems(values: Mapping[str, Any], procedure: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(header, reason) for the procedure rules one 行政处罚 row breaks."""
    required = frozenset(k for k, headers in DETAIL_COLUMNS.items() if all(h in values for h in headers))
    case = {
        "filed_on": values["立案日期"],
        "decided_on": values["决定日期"],
        "outcome": values["处理结果"],
        "fine_yuan": values["罚款金额（元）"] or Decimal(0),
        "transferred_to_police": values["是否移送公安"],
        **procedure,
    }
    # closed_on is not a ledger column: its rule against 送达 is the form's alone
    return [(HEADERS[f], reason) for f, reason in procedure_problems(case, require_detail=required) if f in HEADERS]


def procedure_export_values(case: Mapping[str, Any], item_codes: Mapping[int, str]) -> tuple:
    """The procedure's columns of one case for the export, in the sheet's order (blank where not given)."""
    grounds = {value: str(label) for value, label in ExemptionGround.choices}
    values = []
    for field in PROCEDURE_FIELDS.values():
        value = case[field]
        if field == "exemption_ground":
            value = grounds[value] if value else None
        elif field == "exemption_item":
            value = item_codes.get(value) if value else None
        elif field in ("paid_yuan", "surcharge_yuan", "extension_days") or isinstance(value, str):
            value = value or None
        values.append(value)
    return tuple(values)
