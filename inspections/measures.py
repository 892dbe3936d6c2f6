"""Measures: counts a rule item of the standard can name, computed from an organisation's records for a year.

Each measure is a pure function on plain values (``count_*``) and a reader that fetches those values with a
fixed number of queries, whatever the number of records. ``measure_values`` computes every measure, and the
standard file names them per rule item (docs/standard.md). Each value keeps the records that make it up, so a
page can show them and a person can check the number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from accounts.models import Organization
from inspections.models import (
    CaseFileReview,
    Dispatch,
    Equipment,
    EquipmentRequirement,
    Officer,
    PenaltyCase,
    TrainingAttendance,
)
from inspections.procedure.periods import decided_late

#: the demo standard's training threshold (hours a year per officer) when a rule item gives none
DEFAULT_TRAINING_HOURS = Decimal(40)


@dataclass(frozen=True)
class MeasureValue:
    name: str
    label: str
    value: int
    records: tuple[str, ...]  # what makes up the value: case numbers, 出动编号, officers' names, categories

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.name, "label": self.label, "value": self.value, "records": list(self.records)}


# --- pure computations ------------------------------------------------------------------------------------


def count_late_decisions(cases: Iterable[tuple[str, date, date, int]]) -> list[str]:
    """Case numbers of (number, filed, decided, extension days) decided after the statutory period."""
    return [
        n for n, filed, decided, ext in cases if decided_late(filed_on=filed, decided_on=decided, extension_days=ext)
    ]


def count_short_dispatches(
    dispatches: Iterable[tuple[str, date]], certificates: Mapping[str, list[tuple[date, date]]], minimum: int = 2
) -> list[str]:
    """出动编号 of the dispatches where fewer than ``minimum`` officers with a certificate valid that day went
    (行政处罚法 第四十二条: at least two officers with enforcement certificates)."""
    short = []
    for number, day in dispatches:
        certified = sum(1 for start, end in certificates.get(number, ()) if start <= day <= end)
        if certified < minimum:
            short.append(number)
    return short


def count_under_hours(hours: Mapping[str, Decimal], threshold: Decimal) -> list[str]:
    """Officers whose hours are below ``threshold``; exactly the threshold is enough."""
    return [name for name, h in hours.items() if h < threshold]


def count_short_categories(
    have: Mapping[str, int], requirements: Iterable[tuple[str, int, int | None]], officers: int
) -> list[str]:
    """Categories with fewer pieces than required: at least ``minimum``, and one per ``per_officers`` officers."""
    short = []
    for category, minimum, per_officers in requirements:
        needed = max(minimum, math.ceil(officers / per_officers) if per_officers else 0)
        if have.get(category, 0) < needed:
            short.append(category)
    return short


# --- readers ------------------------------------------------------------------------------------------------


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def late_decisions(organization: Organization, year: int, params: Mapping[str, Any]) -> list[str]:
    start, end = _year(year)
    cases = PenaltyCase.objects.filter(organization=organization, decided_on__range=(start, end)).order_by(
        "case_number"
    )
    return count_late_decisions(cases.values_list("case_number", "filed_on", "decided_on", "extension_days"))


def dispatches_without_two_certified(organization: Organization, year: int, params: Mapping[str, Any]) -> list[str]:
    start, end = _year(year)
    dispatches = Dispatch.objects.filter(organization=organization, dispatched_on__range=(start, end))
    links = Dispatch.officers.through.objects.filter(
        dispatch__organization=organization, dispatch__dispatched_on__range=(start, end)
    ).exclude(officer__certificate_number="")
    certificates: dict[str, list[tuple[date, date]]] = {}
    for number, valid_from, valid_to in links.values_list(
        "dispatch__number", "officer__certificate_valid_from", "officer__certificate_valid_to"
    ):
        certificates.setdefault(number, []).append((valid_from, valid_to))
    rows = dispatches.order_by("dispatched_on", "number").values_list("number", "dispatched_on")
    return count_short_dispatches(rows, certificates, int(params.get("minimum", 2)))


def officers_under_training_hours(organization: Organization, year: int, params: Mapping[str, Any]) -> list[str]:
    threshold = Decimal(str(params.get("threshold", DEFAULT_TRAINING_HOURS)))
    officers = Officer.objects.filter(organization=organization).serving()
    hours = dict.fromkeys(
        (_officer_label(n, c) for n, c in officers.values_list("name", "certificate_number")), Decimal(0)
    )
    attended = (
        TrainingAttendance.objects.filter(
            organization=organization, officer__in=officers, training__held_on__range=_year(year)
        )
        .values_list("officer__name", "officer__certificate_number")
        .annotate(total=Sum("hours"))
    )
    for name, number, total in attended:
        hours[_officer_label(name, number)] = total
    return count_under_hours(hours, threshold)


def officers_without_valid_certificate(organization: Organization, year: int, params: Mapping[str, Any]) -> list[str]:
    """Serving officers without a certificate valid on the year's last day."""
    officers = Officer.objects.filter(organization=organization).serving().not_certified_on(_year(year)[1])
    return [_officer_label(n, c) for n, c in officers.order_by("name", "pk").values_list("name", "certificate_number")]


def equipment_categories_short(organization: Organization, year: int, params: Mapping[str, Any]) -> list[str]:
    """Categories of the equipment standard (admin-maintained) the organisation has fewer of than required, counting
    equipment bought by the year's end and not scrapped, against its serving officers."""
    end = _year(year)[1]
    have = dict(
        Equipment.objects.filter(organization=organization, purchased_on__lte=end)
        .exclude(status=Equipment.Status.SCRAPPED)
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    officers = Officer.objects.filter(organization=organization).serving().count()
    requirements = EquipmentRequirement.objects.order_by("category").values_list("category", "minimum", "per_officers")
    labels = dict(Equipment.Category.choices)
    return [str(labels.get(c, c)) for c in count_short_categories(have, requirements, officers)]


def failed_case_files(organization: Organization, year: int, params: Mapping[str, Any]) -> list[str]:
    """Case files the year's reviews found failing (a substantive checklist item failed)."""
    reviews = CaseFileReview.objects.filter(organization=organization, reviewed_on__range=_year(year), passed=False)
    return list(reviews.order_by("reviewed_on", "pk").values_list("case__case_number", flat=True))


def _officer_label(name: str, certificate_number: str) -> str:
    # names repeat within a bureau: the certificate number tells two officers apart
    return f"{name}（{certificate_number}）" if certificate_number else name


MEASURES: dict[str, tuple[str, Callable[[Organization, int, Mapping[str, Any]], list[str]]]] = {
    "late_decisions": ("作出决定超过法定期限的案件", late_decisions),
    "dispatches_without_two_certified": ("持有效执法证人员少于2人的执法出动", dispatches_without_two_certified),
    "officers_under_training_hours": ("年度培训学时不足的在岗执法人员", officers_under_training_hours),
    "officers_without_valid_certificate": ("年末无有效执法证的在岗执法人员", officers_without_valid_certificate),
    "equipment_categories_short": ("未达到装备配备标准的装备类别", equipment_categories_short),
    "failed_case_files": ("案卷评查不合格的案卷", failed_case_files),
}


def measure_value(
    *, organization: Organization, year: int, name: str, params: Mapping[str, Any] | None = None
) -> MeasureValue:
    label, compute = MEASURES[name]
    records = tuple(compute(organization, year, params or {}))
    return MeasureValue(name, label, len(records), records)
