"""Rows of the 行政处罚 and 执法人员 sheets, checked and added to the ledger (the reader's other sheets are in
``reader``); each returns (header, reason) for every problem of its row."""

from __future__ import annotations

from decimal import Decimal

from inspections.ledger.layout import PROCEDURE_FIELDS
from inspections.ledger.procedure_columns import procedure_row_problems
from inspections.ledger.rows import CaseRow, Ledger, OfficerRow
from inspections.models import PenaltyCase

ZERO_WHEN_EMPTY = {"extension_days": 0, "paid_yuan": Decimal("0.00"), "surcharge_yuan": Decimal("0.00")}


def build_case(ledger: Ledger, number: int, v: dict) -> list[tuple[str, str]]:
    filed, decided, outcome, fine = v["立案日期"], v["决定日期"], v["处理结果"], v["罚款金额（元）"]
    procedure = {field: v[header] for header, field in PROCEDURE_FIELDS.items() if header in v}
    for field, zero in ZERO_WHEN_EMPTY.items():  # an empty cell of these means none, stored as 0
        if procedure.get(field, zero) is None:
            procedure[field] = zero
    label = dict(PenaltyCase.Outcome.choices).get(outcome, "")
    problems = []
    if decided is not None and decided < filed:
        problems.append(("决定日期", f"决定日期{decided.isoformat()}早于立案日期{filed.isoformat()}"))
    if outcome and decided is None:
        problems.append(("决定日期", f"处理结果为“{label}”时须填写决定日期"))
    if decided is not None and not outcome:
        problems.append(("处理结果", "已填写决定日期，须同时填写处理结果（罚款、免于处罚或不予处罚）"))
    if outcome == PenaltyCase.Outcome.FINED and not fine:
        problems.append(("罚款金额（元）", "处理结果为“罚款”时须填写大于0的罚款金额"))
    if outcome != PenaltyCase.Outcome.FINED and fine:
        problems.append(("罚款金额（元）", f"处理结果为“{label or '未决定'}”时罚款金额应为空或0（填写的是{fine}）"))
    if not problems:
        problems += procedure_row_problems(v, procedure)
    if not problems:
        ledger.cases.append(
            CaseRow(
                number,
                v["案件编号"],
                v["单位名称"],
                v["统一社会信用代码"],
                v["违法行为类型"],
                filed,
                decided,
                outcome,
                fine or Decimal("0.00"),
                v["是否移送公安"],
                procedure,
            )
        )
    return problems


def build_officer(ledger: Ledger, number: int, v: dict) -> list[tuple[str, str]]:
    start, end = v["有效期起"], v["有效期止"]
    if end < start:
        return [("有效期止", f"有效期止{end.isoformat()}早于有效期起{start.isoformat()}")]
    ledger.officers.append(OfficerRow(number, v["姓名"], v["部门"], v["执法证号"], start, end, v["状态"]))
    return []
