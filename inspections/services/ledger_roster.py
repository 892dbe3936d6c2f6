"""The ledger's roster parts: the 执法人员 sheet, dispatches' officers matched to the roster by name, and the
references of the 行政处罚 sheet's procedure columns (免罚清单序号) and of the roster (部门) that need the database."""

from __future__ import annotations

from typing import Any

from accounts.models import Department, Organization, User
from inspections.ledger.layout import CASES, OFFICERS
from inspections.ledger.rows import Ledger, Problem
from inspections.models import ExemptionListItem, Officer
from inspections.roster.attendance import unique_names

#: unmatched names listed in an import's summary; the rest are counted
UNMATCHED_LISTED = 30


def reference_problems(organization: Organization, ledger: Ledger) -> list[Problem]:
    """Rows naming a 免罚清单 item or a department that does not exist."""
    problems = []
    codes = {r.procedure["exemption_item"] for r in ledger.cases if r.procedure.get("exemption_item")}
    known_codes = set(ExemptionListItem.objects.filter(code__in=codes).values_list("code", flat=True))
    for r in ledger.cases:
        code = r.procedure.get("exemption_item")
        if code and code not in known_codes:
            reason = f"免罚清单中没有序号为“{code}”的事项（免罚清单由管理员维护）"
            problems.append(Problem(CASES.title, r.row, "免罚清单序号", reason))
    departments = _departments(organization)
    for r in ledger.officers:
        if r.department and r.department not in departments:
            reason = f"本单位没有名为“{r.department}”的部门（部门由管理员维护）"
            problems.append(Problem(OFFICERS.title, r.row, "部门", reason))
    return problems


def _departments(organization: Organization) -> dict[str, int]:
    return dict(Department.objects.filter(organization=organization).values_list("name", "pk"))


def officer_records(organization: Organization, ledger: Ledger) -> list[dict[str, Any]]:
    departments = _departments(organization)
    return [
        {
            "certificate_number": r.certificate_number,
            "name": r.name,
            "department_id": departments.get(r.department),
            "certificate_valid_from": r.certificate_valid_from,
            "certificate_valid_to": r.certificate_valid_to,
            "status": r.status,
        }
        for r in ledger.officers
    ]


def exemption_item_ids(ledger: Ledger) -> dict[str, int]:
    codes = {r.procedure["exemption_item"] for r in ledger.cases if r.procedure.get("exemption_item")}
    return dict(ExemptionListItem.objects.filter(code__in=codes).values_list("code", "pk"))


def case_procedure_fields(procedure: dict[str, Any], item_ids: dict[str, int]) -> dict[str, Any]:
    values = dict(procedure)
    if "exemption_item" in values:
        code = values.pop("exemption_item")
        values["exemption_item_id"] = item_ids.get(code) if code else None
    return values


class OfficerMatcher:
    """Names of a dispatch's 执法人员 cell → roster officers (a name that is exactly one officer), then users (exactly
    one active user), else kept as a name and listed as unmatched."""

    def __init__(self, organization: Organization):
        self.officers = unique_names(Officer.objects.filter(organization=organization).values_list("pk", "name"))
        by_name: dict[str, list[int]] = {}
        users = User.objects.filter(organization=organization, is_active=True)
        for user in users.only("pk", "username", "first_name", "last_name"):
            by_name.setdefault(str(user), []).append(user.pk)
        self.users = {name: ids[0] for name, ids in by_name.items() if len(ids) == 1}
        self.unmatched: dict[str, None] = {}  # in the order first met

    def match(self, names: tuple[str, ...]) -> tuple[frozenset[int], frozenset[int], list[str]]:
        """(officer ids, user ids, names kept as text)."""
        officers, users, rest = set(), set(), []
        for name in names:
            if name in self.officers:
                officers.add(self.officers[name])
            elif name in self.users:
                users.add(self.users[name])
            else:
                rest.append(name)
                self.unmatched.setdefault(name)
        return frozenset(officers), frozenset(users), rest

    def unmatched_summary(self) -> dict[str, Any]:
        names = list(self.unmatched)
        return {"names": names[:UNMATCHED_LISTED], "count": len(names)}
