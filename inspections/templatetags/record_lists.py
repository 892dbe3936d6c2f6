"""Column headers that sort a record list by clicking them (``inspections.selectors.RECORD_SORTS``), and a\nroster row's certificate state."""

from __future__ import annotations

from django import template
from django.utils import timezone

from inspections.roster.models import EXPIRY_WARNING_DAYS

register = template.Library()


@register.inclusion_tag("inspections/_sort_header.html", takes_context=True)
def sort_header(context: template.Context, key: str, label: str, css: str = "") -> dict[str, str]:
    """A ``<th>`` whose link sorts by ``key``: ascending first, the other way round when already sorted by it.

    The link keeps the filters (and the organisation) of the page and starts again at page 1; the column the
    list is sorted by carries ``aria-sort`` for screen readers and an arrow for everyone else.
    """
    current = context.get("sort", "")
    direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if direction == "ascending" else key
    return {
        "label": label,
        "css": css,
        "direction": direction,
        "href": f"?{query.urlencode()}",
        "next": "降序" if direction == "ascending" else "升序",
    }


@register.simple_tag
def certificate_state(officer) -> str:
    """A roster row's certificate today: 已过期, 未生效, N天后到期 (within the warning window), or nothing."""
    if not officer.certificate_number:
        return ""
    today = timezone.localdate()
    if officer.certificate_valid_to < today:
        return "已过期"
    if officer.certificate_valid_from > today:
        return "未生效"
    days = (officer.certificate_valid_to - today).days
    return f"{days}天后到期" if days <= EXPIRY_WARNING_DAYS else ""


@register.filter
def overdue_days(period, today) -> int:
    """Days a statutory period (``procedure.periods.Period``) is overdue as of ``today``; 0 when in time."""
    return period.overdue_days(today)
