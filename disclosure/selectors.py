"""Reads of 执法公示: the public list (keyset pages), one item, open data, the feed; and each district's desk
(decisions due for publication, what is published)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Max, QuerySet

from accounts.models import Organization
from disclosure import calendar, periods
from disclosure.models import BureauContact, PenaltyPublication, PenaltyWithdrawal
from disclosure.public_fields import PUBLIC
from inspections.models import Officer, PenaltyCase

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 50
_CREDIT_CODE = re.compile(r"^[0-9A-Z]{18}$")
_CURSOR = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d{1,18})$")
OUTCOME_FILTERS = {
    "fined": PenaltyCase.Outcome.FINED,
    "exempted": PenaltyCase.Outcome.EXEMPTED,
    "not_penalised": PenaltyCase.Outcome.NOT_PENALISED,
}
# what the open data and the pages carry of a publication, in this order; all on the public list
OPEN_DATA_FIELDS = (
    "id",
    "decision_number",
    "party_name",
    "credit_code",
    "violation",
    "violation_facts",
    "legal_basis",
    "penalty",
    "fine_yuan",
    "decided_on",
    "authority",
    "number",
    "correction_note",
    "published_at",
    "expires_on",
)
assert set(OPEN_DATA_FIELDS) <= PUBLIC["disclosure.PenaltyPublication"]


# --- the public site ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    q: str = ""
    district: str = ""
    year: int | None = None
    outcome: str = ""
    after: tuple[date, int] | None = None  # the last (decided_on, id) of the page before


def parse_filters(params: Any, *, today: date) -> Filters:
    """The list's query parameters; anything malformed is ignored rather than an error (it is a public search)."""
    q = " ".join(str(params.get("q", "")).split())[:MAX_QUERY_LENGTH]
    district = str(params.get("district", ""))[:40]
    raw_year = str(params.get("year", ""))
    year = int(raw_year) if raw_year.isdigit() and int(raw_year) in public_years(today=today) else None
    outcome = str(params.get("type", ""))
    outcome = outcome if outcome in OUTCOME_FILTERS else ""
    after = None
    match = _CURSOR.match(str(params.get("after", "")))
    if match:
        try:
            after = (date.fromisoformat(match.group(1)), int(match.group(2)))
        except ValueError:
            after = None
    return Filters(q=q, district=district, year=year, outcome=outcome, after=after)


def public_years(*, today: date) -> list[int]:
    """A decision is published for at most 3 years, so these are the only years anything can be from."""
    return list(range(today.year, today.year - periods.MAX_YEARS - 1, -1))


def districts() -> list[Organization]:
    return list(Organization.objects.filter(kind=Organization.Kind.DISTRICT).only("code", "name", "short_name"))


def _filtered(filters: Filters, *, today: date) -> QuerySet[PenaltyPublication]:
    qs = PenaltyPublication.objects.visible(today=today)
    if filters.district:
        qs = qs.filter(organization__code=filters.district)
    if filters.year:
        qs = qs.filter(decided_on__gte=date(filters.year, 1, 1), decided_on__lte=date(filters.year, 12, 31))
    if filters.outcome:
        qs = qs.filter(outcome=OUTCOME_FILTERS[filters.outcome])
    if filters.q:
        code = filters.q.upper()
        qs = qs.filter(credit_code=code) if _CREDIT_CODE.match(code) else qs.filter(party_name__icontains=filters.q)
    return qs


@dataclass(frozen=True)
class Page:
    items: list[PenaltyPublication]
    next_cursor: str  # "" on the last page


def public_page(filters: Filters, *, today: date, size: int = PAGE_SIZE) -> Page:
    """One page, newest decision first. Keyset pagination: the page after (date, id) reads only its own rows
    from the (decided_on, id) index, however deep the visitor goes (docs/disclosure.md)."""
    qs = _filtered(filters, today=today)
    if filters.after:
        day, pk = filters.after
        qs = qs.filter(decided_on__lte=day).exclude(decided_on=day, pk__gte=pk)
    rows = list(qs.select_related("organization").order_by("-decided_on", "-pk")[: size + 1])
    items = rows[:size]
    more = len(rows) > size
    return Page(items, f"{items[-1].decided_on.isoformat()}.{items[-1].pk}" if more else "")


def public_item(pk: int, *, today: date) -> PenaltyPublication | None:
    return (
        PenaltyPublication.objects.reachable(today=today)
        .select_related("organization", "correction")
        .filter(pk=pk)
        .first()
    )


def current_version_of(publication: PenaltyPublication) -> PenaltyPublication:
    current = publication
    while getattr(current, "correction", None) is not None:
        current = current.correction
    return current


def open_data(*, today: date) -> list[dict[str, Any]]:
    """Every publication the public sees today, as the CSV and JSON downloads carry them."""
    rows = _filtered(Filters(), today=today).order_by("-decided_on", "-pk").values_list(*OPEN_DATA_FIELDS)
    return [dict(zip(OPEN_DATA_FIELDS, row, strict=True)) for row in rows.iterator(chunk_size=2000)]


def feed_items(*, today: date, limit: int = 50) -> list[PenaltyPublication]:
    return list(
        PenaltyPublication.objects.visible(today=today).select_related("organization").order_by("-published_at")[:limit]
    )


def contacts(organization_ids: list[int] | None = None) -> list[BureauContact]:
    qs = BureauContact.objects.select_related("organization")
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids)
    return list(qs)


def site_stamp(*, today: date) -> str:
    """Changes whenever what the public sees can have changed: a publication, a withdrawal, a new day (expiry).
    Part of every cache key of the public site, so a publish or withdraw invalidates every process's copy."""
    latest = PenaltyPublication.objects.aggregate(p=Max("pk"))["p"] or 0
    withdrawn = PenaltyWithdrawal.objects.aggregate(w=Max("pk"))["w"] or 0
    return f"{today.isoformat()}.{latest}.{withdrawn}"


@dataclass(frozen=True)
class Enforcers:
    organization: Organization
    officers: list[dict[str, Any]]  # public fields only (public_fields.PUBLIC["inspections.Officer"])


_OFFICER_FIELDS = ("name", "certificate_number", "certificate_valid_to")
assert set(_OFFICER_FIELDS) <= PUBLIC["inspections.Officer"]


def enforcers(district: str, *, today: date) -> Enforcers | None:
    """执法主体与人员 of one district: the bureau, and its serving officers whose certificate is valid today."""
    organization = Organization.objects.filter(kind=Organization.Kind.DISTRICT, code=district).first()
    if organization is None:
        return None
    officers = (
        Officer.objects.filter(organization=organization)
        .serving()
        .certified_on(today)
        .order_by("name", "certificate_number")
        .values(*_OFFICER_FIELDS)
    )
    return Enforcers(organization, list(officers))


# --- a district's desk ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    case: PenaltyCase
    deadline: date
    overdue: bool
    due_soon: bool = True  # within WARN_WORKING_DAYS working days of the deadline (or past it)


def _latest_decision_due(today: date, cal: calendar.Calendar) -> date:
    """The latest decision date whose deadline falls within WARN_WORKING_DAYS working days of today."""
    limit = cal.add(today, periods.WARN_WORKING_DAYS)
    day = today
    while cal.add(day, periods.DEADLINE_WORKING_DAYS) > limit:
        day -= timedelta(days=1)
    return day


def unpublished_decisions(organization_id: int, *, today: date) -> QuerySet[PenaltyCase]:
    """Fined decisions of the organisation within their publication period that are not published."""
    return PenaltyCase.objects.filter(
        organization_id=organization_id,
        outcome=PenaltyCase.Outcome.FINED,
        decided_on__gt=periods.add_months(today, -periods.MAX_YEARS * 12),
        publications__isnull=True,
        disclosure_withdrawal__isnull=True,
    )


def due_decisions(organization_id: int, *, today: date, limit: int = 50) -> tuple[int, list[Due]]:
    """Decisions whose publication is due within 2 working days or overdue: (how many, the first ``limit``)."""
    cal = calendar.load(today - timedelta(days=60), today)
    cutoff = _latest_decision_due(today, cal)
    qs = unpublished_decisions(organization_id, today=today).filter(decided_on__lte=cutoff)
    total = qs.count()
    cases = list(qs.select_related("source").order_by("decided_on", "pk")[:limit])
    wide = calendar.load(min((c.decided_on for c in cases), default=today), today)
    items = []
    for case in cases:
        deadline = wide.add(case.decided_on, periods.DEADLINE_WORKING_DAYS)
        items.append(Due(case, deadline, overdue=deadline < today))
    return total, items


def pending_decisions(organization_id: int, *, today: date, limit: int = 100) -> tuple[int, list[Due]]:
    """Every fined decision not yet published, oldest first, each with its deadline: (how many, the first ``limit``)."""
    qs = unpublished_decisions(organization_id, today=today)
    total = qs.count()
    cases = list(qs.select_related("source").order_by("decided_on", "pk")[:limit])
    cal = calendar.load(min((c.decided_on for c in cases), default=today), today)
    warn = cal.add(today, periods.WARN_WORKING_DAYS)
    items = []
    for case in cases:
        deadline = cal.add(case.decided_on, periods.DEADLINE_WORKING_DAYS)
        items.append(Due(case, deadline, overdue=deadline < today, due_soon=deadline <= warn))
    return total, items


def deadline_of(case: PenaltyCase) -> date | None:
    if not case.decided_on:
        return None
    return calendar.load_for_count(case.decided_on, periods.DEADLINE_WORKING_DAYS).add(
        case.decided_on, periods.DEADLINE_WORKING_DAYS
    )


def desk_publications(organization_id: int, *, today: date, limit: int = 100) -> list[PenaltyPublication]:
    """The organisation's publications, newest first, with what the desk shows of each (corrected, withdrawn)."""
    return list(
        PenaltyPublication.objects.filter(organization_id=organization_id)
        .select_related("case", "correction", "case__disclosure_withdrawal", "published_by")
        .order_by("-published_at")[:limit]
    )
