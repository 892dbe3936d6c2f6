"""Period statistics: one answer for the page, the workbook and the annual report.

Aggregate queries, a fixed handful per call whatever the number of records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from accounts.models import Organization
from inspections.models import ZERO, Dispatch, Equipment, Inspection, PenaltyCase, Training

TEN_THOUSAND = Decimal(10000)
CENT = Decimal("0.01")
Outcome = PenaltyCase.Outcome


def wan_yuan_text(yuan: Decimal) -> str:
    """Yuan as 万元 the way the report writes it: 909150 元 → "90.915", no trailing zeros."""
    return format((yuan / TEN_THOUSAND).normalize(), "f")


@dataclass(frozen=True)
class PeriodStatistics:
    start: date
    end: date
    dispatches: int  # 出动批次
    person_times: int  # 人次: officers summed over dispatches
    source_checks: int  # 户次: pollution sources checked
    violations_found: int  # checks that found a violation
    fined_cases: int  # penalty decisions with a fine
    fines_yuan: Decimal
    fines_wan_yuan_text: str
    exempted_cases: int  # 轻微违法免于处罚
    not_penalised_cases: int  # 不予处罚
    pending_cases: int  # filed, not yet decided
    transferred_cases: int  # 移送公安
    violation_types: tuple[tuple[str, int], ...]  # ranked by frequency, then by name
    # The 主要违法行为 a report names first are the most heavily fined: ranked by fines, then frequency, then name.
    violation_types_by_fines: tuple[tuple[str, Decimal], ...]
    equipment_by_category: tuple[tuple[str, int], ...]  # (category label, count) purchased in the period
    training_sessions: int
    training_attendees: int
    training_hours: Decimal

    @property
    def decided_cases(self) -> int:
        return self.fined_cases + self.exempted_cases + self.not_penalised_cases


def records_in_period(model: type, organization: Organization, start: date | None, end: date | None) -> QuerySet:
    return model.objects.filter(organization=organization).in_period(start, end)


def _case_counts() -> dict[str, Any]:
    return {
        "fined": Count("pk", filter=Q(outcome=Outcome.FINED)),
        "fines": Sum("fine_yuan", filter=Q(outcome=Outcome.FINED)),
        "exempted": Count("pk", filter=Q(outcome=Outcome.EXEMPTED)),
        "not_penalised": Count("pk", filter=Q(outcome=Outcome.NOT_PENALISED)),
        "pending": Count("pk", filter=Q(outcome=Outcome.PENDING)),
        "transferred": Count("pk", filter=Q(transferred_to_police=True)),
    }


def period_statistics(*, organization: Organization, start: date, end: date) -> PeriodStatistics:
    """The enforcement figures of one organisation for [start, end], both days included."""
    dispatches = records_in_period(Dispatch, organization, start, end).aggregate(
        n=Count("pk"), people=Sum("officer_count")
    )
    checks = records_in_period(Inspection, organization, start, end).aggregate(
        n=Count("pk"), violations=Count("pk", filter=Q(result=Inspection.Result.VIOLATION))
    )
    cases = records_in_period(PenaltyCase, organization, start, end)
    case_counts = cases.aggregate(**_case_counts())
    types = list(
        cases.values("violation_type")
        .annotate(n=Count("pk"), fines=Sum("fine_yuan", filter=Q(outcome=Outcome.FINED)))
        .order_by()
    )
    equipment = dict(
        records_in_period(Equipment, organization, start, end)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("category", "n")
    )
    training = records_in_period(Training, organization, start, end).aggregate(
        n=Count("pk"), people=Sum("attendees"), hours=Sum("hours")
    )
    # SQLite sums decimals without their scale; quantize so both databases answer 909150.00.
    fines = (case_counts["fines"] or ZERO).quantize(CENT)
    return PeriodStatistics(
        start=start,
        end=end,
        dispatches=dispatches["n"],
        person_times=dispatches["people"] or 0,
        source_checks=checks["n"],
        violations_found=checks["violations"],
        fined_cases=case_counts["fined"],
        fines_yuan=fines,
        fines_wan_yuan_text=wan_yuan_text(fines),
        exempted_cases=case_counts["exempted"],
        not_penalised_cases=case_counts["not_penalised"],
        pending_cases=case_counts["pending"],
        transferred_cases=case_counts["transferred"],
        # Ties by name in Python: the databases' collations order Chinese text differently.
        violation_types=tuple(sorted(((t["violation_type"], t["n"]) for t in types), key=lambda t: (-t[1], t[0]))),
        violation_types_by_fines=tuple(
            (t["violation_type"], (t["fines"] or ZERO).quantize(CENT))
            for t in sorted(types, key=lambda t: (-(t["fines"] or ZERO), -t["n"], t["violation_type"]))
        ),
        equipment_by_category=tuple(
            (str(label), equipment[value]) for value, label in Equipment.Category.choices if value in equipment
        ),
        training_sessions=training["n"],
        training_attendees=training["people"] or 0,
        training_hours=training["hours"] or ZERO,
    )


@dataclass(frozen=True)
class MonthStatistics:
    month: date  # the first day of the month
    dispatches: int = 0
    person_times: int = 0
    source_checks: int = 0
    fined_cases: int = 0
    fines_yuan: Decimal = ZERO
    exempted_cases: int = 0
    transferred_cases: int = 0
    training_sessions: int = 0
    training_attendees: int = 0

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


def _months(start: date, end: date) -> list[date]:
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = current.replace(year=current.year + current.month // 12, month=current.month % 12 + 1)
    return months


def _by_month(qs: QuerySet, **aggregates: Any) -> dict[date, dict[str, Any]]:
    rows = qs.annotate(month=TruncMonth("period_date")).values("month").annotate(**aggregates).order_by("month")
    return {row.pop("month"): row for row in rows}


def monthly_statistics(*, organization: Organization, start: date, end: date) -> tuple[MonthStatistics, ...]:
    """The same figures month by month (every month of the period, empty ones too), for charts."""
    dispatches = _by_month(
        records_in_period(Dispatch, organization, start, end), dispatches=Count("pk"), person_times=Sum("officer_count")
    )
    checks = _by_month(records_in_period(Inspection, organization, start, end), source_checks=Count("pk"))
    counts = _case_counts()
    cases = _by_month(
        records_in_period(PenaltyCase, organization, start, end),
        fined_cases=counts["fined"],
        fines_yuan=counts["fines"],
        exempted_cases=counts["exempted"],
        transferred_cases=counts["transferred"],
    )
    training = _by_month(
        records_in_period(Training, organization, start, end),
        training_sessions=Count("pk"),
        training_attendees=Sum("attendees"),
    )
    result = []
    for month in _months(start, end):
        values: dict[str, Any] = {}
        for source in (dispatches, checks, cases, training):
            values.update({k: v for k, v in source.get(month, {}).items() if v is not None})
        result.append(MonthStatistics(month=month, **values))
    return tuple(result)
