"""Reads: period statistics (one answer for the page, the workbook and the annual report), the
organisations a user may look at, list querysets and the ledger export rows.

Statistics are aggregate queries, a fixed handful per call whatever the number of records.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth

from accounts.models import Organization, User
from accounts.scoping import can_view_all_organizations
from inspections.ledger.layout import CASES, DISPATCHES, EQUIPMENT, INSPECTIONS, TRAININGS
from inspections.models import (
    ZERO,
    CaseMeasure,
    Dispatch,
    DrillResult,
    Equipment,
    Inspection,
    Officer,
    PenaltyCase,
    PollutionSource,
    Training,
    split_names,
)

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


def _records(model: type, organization: Organization, start: date | None, end: date | None) -> QuerySet:
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
    dispatches = _records(Dispatch, organization, start, end).aggregate(n=Count("pk"), people=Sum("officer_count"))
    checks = _records(Inspection, organization, start, end).aggregate(
        n=Count("pk"), violations=Count("pk", filter=Q(result=Inspection.Result.VIOLATION))
    )
    cases = _records(PenaltyCase, organization, start, end)
    case_counts = cases.aggregate(**_case_counts())
    types = list(
        cases.values("violation_type")
        .annotate(n=Count("pk"), fines=Sum("fine_yuan", filter=Q(outcome=Outcome.FINED)))
        .order_by()
    )
    equipment = dict(
        _records(Equipment, organization, start, end)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("category", "n")
    )
    training = _records(Training, organization, start, end).aggregate(
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
        _records(Dispatch, organization, start, end), dispatches=Count("pk"), person_times=Sum("officer_count")
    )
    checks = _by_month(_records(Inspection, organization, start, end), source_checks=Count("pk"))
    counts = _case_counts()
    cases = _by_month(
        _records(PenaltyCase, organization, start, end),
        fined_cases=counts["fined"],
        fines_yuan=counts["fines"],
        exempted_cases=counts["exempted"],
        transferred_cases=counts["transferred"],
    )
    training = _by_month(
        _records(Training, organization, start, end), training_sessions=Count("pk"), training_attendees=Sum("attendees")
    )
    result = []
    for month in _months(start, end):
        values: dict[str, Any] = {}
        for source in (dispatches, checks, cases, training):
            values.update({k: v for k, v in source.get(month, {}).items() if v is not None})
        result.append(MonthStatistics(month=month, **values))
    return tuple(result)


# --- who sees what ----------------------------------------------------------------------------------


def visible_organizations(user: User) -> list[Organization]:
    """Organisations whose records the user may read: their own, or every district for the city reviewer."""
    if can_view_all_organizations(user):
        return list(Organization.objects.filter(kind=Organization.Kind.DISTRICT).order_by("code"))
    if user.is_authenticated and user.organization_id:
        return [user.organization]
    return []


def _choice_order(field: str, choices: Sequence[tuple[str, Any]]) -> Case:
    """A choice column in the order its choices are declared (as the filter lists them), not by stored code."""
    return Case(*(When(**{field: value}, then=Value(n)) for n, (value, _) in enumerate(choices)), default=Value(-1))


#: The columns a list page may be sorted by: ``?sort=key`` ascending, ``?sort=-key`` descending. A whitelist,
#: so that a query string can only order by what the page shows (never by an arbitrary field or relation).
#: Each key orders by its expressions in turn, then by pk, so that pages never overlap or skip a row.
RECORD_SORTS: dict[type, dict[str, tuple[str | Case, ...]]] = {
    Dispatch: {
        "number": ("number",),
        "date": ("dispatched_on", "number"),
        "officers": ("officer_count", "dispatched_on"),
        "task_type": (_choice_order("task_type", Dispatch.TaskType.choices), "dispatched_on"),
        "department": ("department__name", "dispatched_on"),
    },
    Inspection: {
        "date": ("inspected_on",),
        "dispatch": ("dispatch__number", "inspected_on"),
        "source": ("source__name", "inspected_on"),
        "credit_code": ("source__credit_code", "inspected_on"),
        "result": (_choice_order("result", Inspection.Result.choices), "inspected_on"),
    },
    PenaltyCase: {
        "number": ("case_number",),
        "source": ("source__name", "filed_on"),
        "violation_type": ("violation_type", "filed_on"),
        "filed": ("filed_on", "case_number"),
        "decided": ("decided_on", "case_number"),
        "outcome": (_choice_order("outcome", Outcome.choices), "filed_on"),
        "fine": ("fine_yuan", "filed_on"),
        "transferred": ("transferred_to_police", "filed_on"),
        "department": ("department__name", "filed_on"),
    },
    PollutionSource: {
        "name": ("name",),
        "credit_code": ("credit_code",),
        "industry": ("industry", "name"),
        "category": (_choice_order("category", PollutionSource.Category.choices), "name"),
        "address": ("address", "name"),
    },
    Equipment: {
        "asset_number": ("asset_number",),
        "name": ("name", "asset_number"),
        "category": (_choice_order("category", Equipment.Category.choices), "asset_number"),
        "date": ("purchased_on", "asset_number"),
        "status": (_choice_order("status", Equipment.Status.choices), "asset_number"),
    },
    Training: {
        "date": ("held_on", "topic"),
        "topic": ("topic", "held_on"),
        "category": (_choice_order("category", Training.Category.choices), "held_on"),
        "organiser": ("organiser", "held_on"),
        "attendees": ("attendees", "held_on"),
        "hours": ("hours", "held_on"),
    },
    CaseMeasure: {
        "case": ("case__case_number", "started_on"),
        "kind": (_choice_order("kind", CaseMeasure.Kind.choices), "started_on"),
        "started": ("started_on",),
        "ended": ("ended_on", "started_on"),
    },
    DrillResult: {
        "date": ("held_on",),
        "event": ("event", "held_on"),
        "level": (_choice_order("level", DrillResult.Level.choices), "held_on"),
        "placing": ("placing", "held_on"),
    },
    Officer: {
        "name": ("name",),
        "department": ("department__name", "name"),
        "certificate_number": ("certificate_number",),
        "valid_to": ("certificate_valid_to", "name"),
        "status": (_choice_order("status", Officer.Status.choices), "name"),
    },
}
#: Without ``?sort=`` (or with one not in the whitelist): the models' own order, newest first for dated records.
DEFAULT_SORTS: dict[type, str] = {
    Dispatch: "-date",
    Inspection: "-date",
    PenaltyCase: "-filed",
    PollutionSource: "name",
    Equipment: "category",
    Training: "-date",
    Officer: "name",
    CaseMeasure: "-started",
    DrillResult: "-date",
}
# Blank ones go last whichever way the column is sorted (the databases disagree on where NULL sorts). Only
# these: NULLS LAST on a column that cannot be NULL would keep PostgreSQL from reading an index backwards.
NULLABLE_SORT_FIELDS = {"decided_on", "department__name", "certificate_valid_to", "ended_on", "placing"}


def record_sort(model: type, sort: str | None) -> str:
    """The order a list shows: ``sort`` when it is ``key`` or ``-key`` of a whitelisted column, else the default."""
    if sort and sort.removeprefix("-") in RECORD_SORTS[model]:
        return sort
    return DEFAULT_SORTS[model]


def _ordered(qs: QuerySet, model: type, sort: str) -> QuerySet:
    descending = sort.startswith("-")
    ordering = []
    for expression in (*RECORD_SORTS[model][sort.removeprefix("-")], "pk"):
        if isinstance(expression, str):
            term, nulls_last = F(expression), expression in NULLABLE_SORT_FIELDS or None
        else:
            term, nulls_last = expression, None
        ordering.append(term.desc(nulls_last=nulls_last) if descending else term.asc(nulls_last=nulls_last))
    return qs.order_by(*ordering)


def record_list(model: type, user: User, organization: Organization, *, sort: str = "") -> QuerySet:
    """A list page's rows: what the user may read, of one organisation, with what the page shows, in the order
    of ``sort`` (see ``RECORD_SORTS``; anything else falls back to the default order)."""
    qs = _ordered(model.objects.for_user(user).filter(organization=organization), model, record_sort(model, sort))
    if model is Dispatch:
        officers = User.objects.only("pk", "username", "first_name", "last_name")
        return qs.select_related("department").prefetch_related(
            Prefetch("officer_users", queryset=officers),
            Prefetch("officers", queryset=Officer.objects.only("pk", "name")),
        )
    if model is Inspection:
        return qs.select_related("dispatch", "source")
    if model is PenaltyCase:
        return qs.select_related("source", "department")
    if model is Officer:
        return qs.select_related("department", "user")
    if model is CaseMeasure:
        return qs.select_related("case")
    if model is DrillResult:
        return qs.select_related("officer")
    return qs


# --- the ledger export ------------------------------------------------------------------------------


def _user_name(last: str, first: str, username: str) -> str:
    return (last + first).strip() or username  # as accounts.User.__str__


def _label(choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def ledger_rows(*, organization: Organization, start: date | None, end: date | None) -> dict[str, Iterator[tuple]]:
    """Rows of each ledger sheet for the period, in header order, streamed from the database.

    An inspection's dispatch is included even when dated outside the period, so that the file can be
    imported on its own; it does not change the period's statistics, which select dispatches by date.
    """
    inspections = _records(Inspection, organization, start, end)
    # The dispatches behind the period's inspections that are not themselves in the period (rare) are looked up
    # first, so that the dispatches are then chosen by date or by key, which the indexes answer: as two IN
    # subqueries joined by OR they cost a pass over every dispatch of the organisation, and their officers a
    # pass over the officer links of every district (docs/performance.md).
    dispatches = Dispatch.objects.filter(organization=organization)
    if start is not None or end is not None:
        behind = inspections.exclude(_between("dispatch__dispatched_on", start, end))
        behind_ids = sorted(set(behind.order_by().values_list("dispatch_id", flat=True)))
        dispatches = dispatches.filter(_between("dispatched_on", start, end) | Q(pk__in=behind_ids))
    return {
        DISPATCHES.title: _dispatch_rows(dispatches),
        INSPECTIONS.title: _inspection_rows(inspections),
        CASES.title: _case_rows(_records(PenaltyCase, organization, start, end)),
        EQUIPMENT.title: _equipment_rows(_records(Equipment, organization, start, end)),
        TRAININGS.title: _training_rows(_records(Training, organization, start, end)),
    }


def _between(field: str, start: date | None, end: date | None) -> Q:
    """``field`` in [start, end], both inclusive; an open end is not a condition."""
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field}__lte": end})
    return condition


def _dispatch_rows(dispatches: QuerySet) -> Iterator[tuple]:
    officers: dict[int, list[str]] = {}
    # roster officers first, then users, as Dispatch.officer_list names them
    roster = Dispatch.officers.through.objects.filter(dispatch_id__in=dispatches.values("pk")).order_by("officer_id")
    for dispatch_id, name in roster.values_list("dispatch_id", "officer__name"):
        officers.setdefault(dispatch_id, []).append(name)
    through = Dispatch.officer_users.through.objects.filter(dispatch_id__in=dispatches.values("pk")).order_by("user_id")
    for dispatch_id, *name in through.values_list(
        "dispatch_id", "user__last_name", "user__first_name", "user__username"
    ):
        people = officers.setdefault(dispatch_id, [])
        if (user_name := _user_name(*name)) not in people:
            people.append(user_name)
    task_types = _label(Dispatch.TaskType.choices)
    rows = dispatches.order_by("dispatched_on", "number").values_list(
        "pk", "number", "dispatched_on", "officer_count", "officer_names", "task_type", "note"
    )
    for pk, number, day, count, names, task_type, note in rows.iterator(chunk_size=2000):
        people = officers.get(pk, [])
        people += [n for n in split_names(names) if n not in people]
        yield (number, day, count, "、".join(people) or None, task_types[task_type], note or None)


def _inspection_rows(inspections: QuerySet) -> Iterator[tuple]:
    results = _label(Inspection.Result.choices)
    rows = inspections.order_by("inspected_on", "pk").values_list(
        "dispatch__number", "inspected_on", "source__name", "source__credit_code", "result", "findings"
    )
    for number, day, name, code, result, findings in rows.iterator(chunk_size=2000):
        yield (number, day, name, code, results[result], findings or None)


def _case_rows(cases: QuerySet) -> Iterator[tuple]:
    outcomes = _label(Outcome.choices)
    rows = cases.order_by("filed_on", "case_number").values_list(
        "case_number",
        "source__name",
        "source__credit_code",
        "violation_type",
        "filed_on",
        "decided_on",
        "outcome",
        "fine_yuan",
        "transferred_to_police",
    )
    for number, name, code, violation, filed, decided, outcome, fine, transferred in rows.iterator(chunk_size=2000):
        fined = outcome == Outcome.FINED
        yield (
            number,
            name,
            code,
            violation,
            filed,
            decided,
            outcomes[outcome] if outcome else None,
            fine if fined else None,
            transferred,
        )


def _equipment_rows(equipment: QuerySet) -> Iterator[tuple]:
    categories, statuses = _label(Equipment.Category.choices), _label(Equipment.Status.choices)
    rows = equipment.order_by("purchased_on", "asset_number").values_list(
        "asset_number", "name", "category", "purchased_on", "status"
    )
    for number, name, category, day, status in rows.iterator(chunk_size=2000):
        yield (number, name, categories[category], day, statuses[status])


def _training_rows(trainings: QuerySet) -> Iterator[tuple]:
    categories = _label(Training.Category.choices)
    rows = trainings.order_by("held_on", "topic").values_list(
        "held_on", "topic", "category", "organiser", "attendees", "hours"
    )
    for day, topic, category, organiser, attendees, hours in rows.iterator(chunk_size=2000):
        yield (day, topic, categories[category], organiser or None, attendees, hours)
