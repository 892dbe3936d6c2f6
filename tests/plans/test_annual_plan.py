"""The annual plan's page: rates 0–100 %, one plan per year, campaigns inside the year; ownership."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from plans.models import AnnualPlan
from tests.plans import helpers

GOOD = {
    "year": 2026,
    "rate_key": "25",
    "period_key": "quarter",
    "rate_general": "5",
    "period_general": "year",
    "rate_special": "25",
    "period_special": "quarter",
    "note": "",
}


def test_staff_create_an_annual_plan(client, alice):
    client.force_login(alice)
    response = client.post(reverse("plans:annual-create"), GOOD)
    plan = AnnualPlan.objects.get()
    assert response.url == reverse("plans:annual-detail", args=[plan.pk])
    assert plan.organization == alice.organization and plan.rate_key == 25
    assert AuditEvent.objects.filter(object_type="plans.annualplan", action="create").exists()
    page = client.get(response.url).content.decode()
    assert "25.00%" in page and "每季度" in page


@pytest.mark.parametrize("field", ["rate_key", "rate_general", "rate_special"])
def test_a_rate_over_100_percent_is_refused_next_to_its_field(client, alice, field):
    client.force_login(alice)
    response = client.post(reverse("plans:annual-create"), {**GOOD, field: "120"})
    assert response.status_code == 400
    assert "抽查比例120%不在0%到100%之间" in response.content.decode()
    assert not AnnualPlan.objects.exists()


def test_a_second_plan_for_the_same_year_is_refused(client, alice, changning):
    helpers.annual(changning)
    client.force_login(alice)
    response = client.post(reverse("plans:annual-create"), GOOD)
    assert response.status_code == 400
    assert "2026年的年度计划已经存在" in response.content.decode()


def test_campaigns_must_lie_in_the_plans_year(client, alice, changning):
    plan = helpers.annual(changning)
    client.force_login(alice)
    url = reverse("plans:campaign-add", args=[plan.pk])
    client.post(url, {"name": "夏季臭氧专项", "starts_on": "2026-06-01", "ends_on": "2026-09-30"})
    response = client.post(url, {"name": "跨年专项", "starts_on": "2026-12-01", "ends_on": "2027-01-31"})
    assert "专项行动须在2026年内" in client.get(response.url).content.decode()
    assert list(plan.campaigns.values_list("name", flat=True)) == ["夏季臭氧专项"]


def test_leaders_and_the_city_read_but_do_not_edit(client, lea, rita, changning):
    plan = helpers.annual(changning)
    for user in (lea, rita):
        client.force_login(user)
        assert client.get(reverse("plans:annual-detail", args=[plan.pk])).status_code == 200
        assert client.post(reverse("plans:annual-edit", args=[plan.pk]), {**GOOD, "rate_key": "1"}).status_code == 403
    plan.refresh_from_db()
    assert plan.rate_key == 25


def test_it_checks_ownership(client, bob, changning):
    plan = helpers.annual(changning)
    client.force_login(bob)
    for name in ("annual-detail", "annual-edit", "campaign-add", "monthly-create"):
        assert client.post(reverse(f"plans:{name}", args=[plan.pk]), GOOD).status_code == 404, name
