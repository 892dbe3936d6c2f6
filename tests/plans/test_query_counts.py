"""The plans pages read a fixed number of queries however many plans, draws, tasks and sources there are."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.models import MonthlyPlan
from tests.plans import helpers


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add(changning, xuhui, make, alice, annual, months, scale):
    """Sources, drawn plans for ``months`` (every quarter has one at both sizes), and filed plans elsewhere."""
    helpers.sources(changning, make, key=6 * scale, general=10 * scale)
    last = None
    for month in months:
        plan = helpers.monthly(
            changning, month, plan=annual, status=MonthlyPlan.Status.ACKNOWLEDGED, quota_key=1, quota_general=1
        )
        plan.seed = "s"
        plan.save()
        last = services.run_draw(user=alice, plan=plan)
        helpers.monthly(xuhui, month, status=MonthlyPlan.Status.FILED)
    return last


def counts(client, alice, rita, draw) -> dict[str, int]:
    client.force_login(alice)
    found = {
        "index": queries(client, reverse("plans:index")),
        "sources": queries(client, reverse("plans:sources")),
        "monthly": queries(client, reverse("plans:monthly-detail", args=[draw.plan_id])),
        "draw": queries(client, reverse("plans:draw-detail", args=[draw.pk])),
        "figures": queries(client, reverse("plans:figures") + "?year=2026"),
    }
    client.force_login(rita)
    found["filings"] = queries(client, reverse("plans:filings"))
    return found


def test_page_queries_do_not_grow_with_the_data(client, changning, xuhui, make, alice, rita):
    helpers.officers(changning, 6)
    annual = helpers.annual(changning)
    draw = add(changning, xuhui, make, alice, annual, [1, 4, 7, 10], scale=1)
    small = counts(client, alice, rita, draw)
    draw = add(changning, xuhui, make, alice, annual, [2, 3, 5, 6, 8, 9, 11, 12], scale=2)
    assert counts(client, alice, rita, draw) == small
