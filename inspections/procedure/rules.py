"""The procedure's rules for one case, as a pure function on its values: what the form and the ledger import
refuse, each problem with the field it concerns and a Chinese reason.

The database constraints (``procedure.models.PROCEDURE_CONSTRAINTS``) hold the rules that always apply. The
ones here that ask for detail (a ground for 免罚, the hand-over of a transferred case, the reviewer of a major
case) are enforced on every form, but on an import only when the file has the columns that carry the detail:
an older ledger without them still imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from inspections.procedure.periods import MAX_EXTENSION_DAYS

NOT_FINED = ("exempted", "not_penalised")

#: (later, earlier, message): the later step's date may not come before the earlier one's
DATE_ORDER = (
    ("investigation_ended_on", "filed_on", "调查终结日期不能早于立案日期。"),
    ("legal_reviewed_on", "filed_on", "法制审核日期不能早于立案日期。"),
    ("notified_on", "filed_on", "告知日期不能早于立案日期。"),
    ("hearing_on", "notified_on", "听证日期不能早于告知日期。"),
    ("decided_on", "legal_reviewed_on", "决定日期不能早于法制审核日期。"),
    ("decided_on", "notified_on", "决定日期不能早于告知日期。"),
    ("delivered_on", "decided_on", "送达日期不能早于决定日期。"),
    ("paid_on", "decided_on", "缴纳日期不能早于决定日期。"),
    ("closed_on", "delivered_on", "结案日期不能早于送达日期。"),
    ("transferred_on", "filed_on", "移送日期不能早于立案日期。"),
)


def procedure_problems(
    values: Mapping[str, Any], *, require_detail: frozenset[str] | None = None
) -> list[tuple[str, str]]:
    """(field, reason) for every rule of the procedure the values break.

    ``require_detail`` names the detail that must be given (``ground``, ``transfer``, ``review``, ``hearing``);
    None means all of it, as on the form.
    """
    v = values.get
    required = {"ground", "transfer", "review", "hearing"} if require_detail is None else require_detail
    problems: list[tuple[str, str]] = []
    for later, earlier, message in DATE_ORDER:
        if v(later) and v(earlier) and v(later) < v(earlier):
            problems.append((later, message))
    decided = bool(v("decided_on"))
    if v("delivered_on") and not decided:
        problems.append(("delivered_on", "未作出决定的案件不能填写送达日期。"))
    extension = v("extension_days") or 0
    if extension > MAX_EXTENSION_DAYS:
        problems.append(("extension_days", f"决定期限最多延长{MAX_EXTENSION_DAYS}天。"))
    if extension and not (v("extension_reason") or "").strip():
        problems.append(("extension_reason", "延长决定期限须填写延期理由（经负责人批准的理由）。"))
    outcome, ground = v("outcome") or "", v("exemption_ground") or ""
    if outcome in NOT_FINED and not ground and "ground" in required:
        problems.append(("exemption_ground", "免于处罚或不予处罚的案件须填写免罚依据。"))
    if ground and outcome not in NOT_FINED:
        problems.append(("exemption_ground", "只有处理结果为“免于处罚”或“不予处罚”的案件才填写免罚依据。"))
    if ground == "listed" and not v("exemption_item"):
        problems.append(("exemption_item", "依据为“免罚清单事项”时须选择清单中的事项。"))
    if v("exemption_item") and ground != "listed":
        problems.append(("exemption_item", "免罚清单事项只在依据为“免罚清单事项”时填写。"))
    if v("is_major") and decided and "review" in required:
        if not (v("legal_reviewer") or "").strip():
            problems.append(("legal_reviewer", "重大案件作出决定前须经法制审核，请填写法制审核人。"))
        if not v("legal_reviewed_on"):
            problems.append(("legal_reviewed_on", "重大案件作出决定前须经法制审核，请填写法制审核日期。"))
    if v("hearing_on") and not v("hearing_requested"):
        problems.append(("hearing_on", "当事人未要求听证，不应填写听证日期。"))
    if v("hearing_requested") and decided and not v("hearing_on") and "hearing" in required:
        problems.append(("hearing_on", "当事人要求听证的，作出决定前须举行听证，请填写听证日期。"))
    if v("transferred_to_police"):
        if "transfer" in required:
            if not v("transferred_on"):
                problems.append(("transferred_on", "移送公安的案件须填写移送日期。"))
            if not (v("transferred_to") or "").strip():
                problems.append(("transferred_to", "移送公安的案件须填写接收机关。"))
    elif v("transferred_on") or (v("transferred_to") or "").strip():
        problems.append(("transferred_to_police", "填写了移送日期或接收机关，但未标记为移送公安。"))
    fine = Decimal(v("fine_yuan") or 0)
    surcharge, paid = Decimal(v("surcharge_yuan") or 0), Decimal(v("paid_yuan") or 0)
    if surcharge > fine:
        problems.append(("surcharge_yuan", "加处罚款的数额不得超出罚款的数额（行政处罚法第七十二条）。"))
    if paid > fine + surcharge:
        problems.append(("paid_yuan", "已缴金额不能超过罚款与加处罚款之和。"))
    if paid and not v("paid_on"):
        problems.append(("paid_on", "填写了已缴金额，请填写缴纳日期。"))
    if v("paid_on") and not paid:
        problems.append(("paid_yuan", "填写了缴纳日期，请填写已缴金额。"))
    return problems
