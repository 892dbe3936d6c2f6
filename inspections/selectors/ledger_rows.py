"""The ledger export's rows, sheet by sheet, streamed from the database."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Organization
from inspections.ledger.layout import CASES, DISPATCHES, EQUIPMENT, INSPECTIONS, OFFICERS, PROCEDURE_FIELDS, TRAININGS
from inspections.ledger.procedure_columns import procedure_export_values
from inspections.models import (
    Dispatch,
    Equipment,
    ExemptionListItem,
    Inspection,
    Officer,
    PenaltyCase,
    Training,
    split_names,
)
from inspections.selectors.statistics import records_in_period

Outcome = PenaltyCase.Outcome


def _user_name(last: str, first: str, username: str) -> str:
    return (last + first).strip() or username  # as accounts.User.__str__


def _label(choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def ledger_rows(*, organization: Organization, start: date | None, end: date | None) -> dict[str, Iterator[tuple]]:
    """Rows of each ledger sheet for the period, in header order, streamed from the database.

    An inspection's dispatch is included even when dated outside the period, so that the file can be
    imported on its own; it does not change the period's statistics, which select dispatches by date.
    """
    inspections = records_in_period(Inspection, organization, start, end)
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
        CASES.title: _case_rows(records_in_period(PenaltyCase, organization, start, end)),
        EQUIPMENT.title: _equipment_rows(records_in_period(Equipment, organization, start, end)),
        TRAININGS.title: _training_rows(records_in_period(Training, organization, start, end)),
        # the roster has no period: every export carries it, so that the dispatches' names match on import
        OFFICERS.title: _officer_rows(organization),
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
    item_codes = dict(ExemptionListItem.objects.values_list("pk", "code"))
    first = (
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
    rows = cases.order_by("filed_on", "case_number").values(*first, *PROCEDURE_FIELDS.values())
    for case in rows.iterator(chunk_size=2000):
        outcome = case["outcome"]
        yield (
            *(case[f] for f in first[:6]),
            outcomes[outcome] if outcome else None,
            case["fine_yuan"] if outcome == Outcome.FINED else None,
            case["transferred_to_police"],
            *procedure_export_values(case, item_codes),
        )


def _officer_rows(organization: Organization) -> Iterator[tuple]:
    """The roster's officers with a certificate (the sheet's key); those without one are kept on the page."""
    statuses = _label(Officer.Status.choices)
    rows = (
        Officer.objects.filter(organization=organization)
        .exclude(certificate_number="")
        .order_by("name", "certificate_number")
        .values_list(
            "name", "department__name", "certificate_number", "certificate_valid_from", "certificate_valid_to", "status"
        )
    )
    for name, department, number, start, end, status in rows.iterator(chunk_size=2000):
        yield (name, department, number, start, end, statuses[status])


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
