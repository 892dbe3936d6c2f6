"""List pages: the organisations a user may look at, and the records of one, sorted by a whitelisted column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Case, F, Prefetch, QuerySet, Value, When

from accounts.models import Organization, User
from accounts.scoping import can_view_all_organizations
from inspections.models import (
    CaseFileReview,
    CaseMeasure,
    Dispatch,
    DrillResult,
    Equipment,
    Inspection,
    Officer,
    PenaltyCase,
    PollutionSource,
    Training,
)

Outcome = PenaltyCase.Outcome


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
    CaseFileReview: {
        "date": ("reviewed_on",),
        "case": ("case__case_number", "reviewed_on"),
        "passed": ("passed", "reviewed_on"),
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
    CaseFileReview: "-date",
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
    if model is CaseFileReview:
        return qs.select_related("case")
    return qs
