"""The statistics page: the period's figures, the report's sentence and a month-by-month chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections import policies
from inspections.filters import PeriodForm
from inspections.models import Dispatch
from inspections.selectors import MonthStatistics, monthly_statistics, period_statistics
from inspections.views.common import TABS, chosen_organization, require
from inspections.wording import enforcement_paragraph, period_text

CHART_HEIGHT = 160
CHART_BAR = 14


@dataclass(frozen=True)
class Bar:
    """One month of the SVG chart; geometry in attributes, so no inline style or script is needed."""

    month: MonthStatistics
    x: int
    dispatch_height: int
    check_height: int

    @property
    def dispatch_y(self) -> int:
        return CHART_HEIGHT - self.dispatch_height

    @property
    def check_y(self) -> int:
        return CHART_HEIGHT - self.check_height

    @property
    def check_x(self) -> int:
        return self.x + CHART_BAR + 2


def _bars(months: tuple[MonthStatistics, ...]) -> list[Bar]:
    top = max([m.dispatches for m in months] + [m.source_checks for m in months] + [1])
    step = 2 * CHART_BAR + 16
    return [
        Bar(m, 30 + i * step, m.dispatches * CHART_HEIGHT // top, m.source_checks * CHART_HEIGHT // top)
        for i, m in enumerate(months)
    ]


@login_required
def statistics_view(request: HttpRequest) -> HttpResponse:
    require(policies.may_view_records(request.user))
    organization, organizations = chosen_organization(request)
    latest = Dispatch.objects.filter(organization=organization).aggregate(day=Max("dispatched_on"))["day"]
    year = (latest or date.today()).year
    form = PeriodForm(
        request.GET if "start" in request.GET else None, initial={"start": date(year, 1, 1), "end": date(year, 12, 31)}
    )
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
    stats = period_statistics(organization=organization, start=start, end=end)
    months = monthly_statistics(organization=organization, start=start, end=end)
    presets = [(f"{y}年", date(y, 1, 1), date(y, 12, 31)) for y in (year - 1, year)] + [
        (f"{year}年1-8月", date(year, 1, 1), date(year, 8, 31))
    ]
    query = {"org": organization.code, "start": start.isoformat(), "end": end.isoformat()}
    return render(
        request,
        "inspections/statistics.html",
        {
            "tabs": TABS,
            "current_tab": "statistics",
            "organization": organization,
            "organizations": organizations,
            "form": form,
            "stats": stats,
            "period_text": period_text(start, end),
            "paragraph": enforcement_paragraph(stats),
            "months": months,
            "bars": _bars(months) if len(months) <= 24 else [],
            "chart_width": 40 + len(months) * (2 * CHART_BAR + 16),
            "chart_height": CHART_HEIGHT,
            "presets": [
                (label, urlencode({"org": organization.code, "start": s.isoformat(), "end": e.isoformat()}))
                for label, s, e in presets
            ],
            "export_query": urlencode(query),
        },
    )
