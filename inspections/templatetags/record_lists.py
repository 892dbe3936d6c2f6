"""Column headers that sort a record list by clicking them (``inspections.selectors.RECORD_SORTS``)."""

from __future__ import annotations

from django import template

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
