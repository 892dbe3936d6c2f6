"""The dashboard's chart series as plain JSON-able data; static/js/dashboard.js draws them with Chart.js.

Every series here is also printed in a table on the page, so the page says the same without JavaScript.
"""

from __future__ import annotations

from decimal import Decimal

from dashboard.selectors import CityOverview, LeaderOverview

TEN_THOUSAND = Decimal(10000)


def _number(value: Decimal | int | None) -> float:
    return float(value or 0)


def chart_data(*, leader: LeaderOverview | None, city: CityOverview | None) -> dict:
    data: dict = {}
    if leader is not None:
        if leader.systems:
            data["systems"] = {
                "labels": [s.name for s in leader.systems],
                "score": [_number(s.score) for s in leader.systems],
                "max": [_number(s.max_score) for s in leader.systems],
            }
        if leader.has_records:
            data["months"] = {
                "labels": [f"{m.month.month}月" for m in leader.months],
                "dispatches": [m.dispatches for m in leader.months],
                "checks": [m.source_checks for m in leader.months],
                "fines": [_number(m.fines_yuan / TEN_THOUSAND) for m in leader.months],
            }
        years = [y for y in leader.trend if y.figure is not None]
        if len(years) > 1:
            data["orgtrend"] = {"labels": [f"{y.year}年" for y in years], "total": [_number(y.figure) for y in years]}
    if city is not None:
        # only totals a district has approved: a draft's partial sum beside them would mislead
        counted = city.counted
        if counted:
            data["districts"] = {
                "labels": [d.organization.short_name for d in counted],
                "total": [_number(d.total) for d in counted],
                "max": [_number(d.max_total) for d in counted],
            }
        if len(city.trend) > 1:
            data["trend"] = {
                "labels": [f"{p.year}年" for p in city.trend],
                "total": [_number(p.average) for p in city.trend],
            }
    return data
