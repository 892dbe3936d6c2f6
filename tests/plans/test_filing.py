"""The 备案 flow per role: 草稿 → 已报备 → 已备案 / 已退回 → 已公开, on the pages and in the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from plans.models import MonthlyPlan
from tests.plans import helpers

Status = MonthlyPlan.Status


@pytest.fixture
def plan(changning):
    return helpers.monthly(changning)


def post(client, user, name, plan, **data):
    client.force_login(user)
    return client.post(reverse(f"plans:{name}", args=[plan.pk]), data)


def status_of(plan) -> str:
    plan.refresh_from_db()
    return plan.status


def test_the_leader_files_the_city_acknowledges_the_leader_publishes(client, plan, lea, rita):
    assert post(client, lea, "monthly-file", plan).status_code == 302
    assert status_of(plan) == Status.FILED
    assert post(client, rita, "monthly-acknowledge", plan).status_code == 302
    assert status_of(plan) == Status.ACKNOWLEDGED
    assert post(client, lea, "monthly-publish", plan).status_code == 302
    assert status_of(plan) == Status.PUBLISHED
    notes = list(
        AuditEvent.objects.filter(object_type="plans.monthlyplan", action=AuditEvent.Action.WORKFLOW)
        .order_by("at", "pk")
        .values_list("note", "actor_name")
    )
    assert notes == [("报备市局", "lea"), ("市局确认备案", "rita"), ("向社会公开", "lea")]
    assert plan.filed_at and plan.reviewed_at and plan.published_at


def test_the_city_returns_with_a_reason_and_the_district_edits_and_files_again(client, plan, lea, rita, alice):
    post(client, lea, "monthly-file", plan)
    response = post(client, rita, "monthly-return", plan, reason="")
    assert status_of(plan) == Status.FILED  # no reason: refused
    assert "退回须填写理由" in client.get(response.url).content.decode()
    post(client, rita, "monthly-return", plan, reason="重点监管对象抽取数不足季度比例")
    assert status_of(plan) == Status.RETURNED
    page = post(
        client,
        alice,
        "monthly-edit",
        plan,
        month=3,
        quota_key=5,
        quota_general=2,
        quota_special=0,
        team_size=2,
        items=[i.pk for i in plan.items.all()],
    )
    assert page.status_code == 302
    plan.refresh_from_db()
    assert plan.quota_key == 5
    post(client, lea, "monthly-file", plan)
    assert status_of(plan) == Status.FILED
    assert AuditEvent.objects.filter(note="市局退回：重点监管对象抽取数不足季度比例", actor_name="rita").exists()


def test_a_filed_plan_cannot_be_edited(client, plan, lea, alice):
    post(client, lea, "monthly-file", plan)
    client.force_login(alice)
    response = client.post(reverse("plans:monthly-edit", args=[plan.pk]), {"month": 3, "quota_key": 9})
    assert response.status_code == 302
    assert "已报备，不能再修改" in client.get(response.url).content.decode()
    plan.refresh_from_db()
    assert plan.quota_key == 2


@pytest.mark.parametrize(
    ("role", "step", "from_status"),
    [
        ("alice", "monthly-file", Status.DRAFT),  # staff draft; only a leader files
        ("rita", "monthly-file", Status.DRAFT),
        ("lea", "monthly-acknowledge", Status.FILED),  # the district cannot acknowledge its own plan
        ("alice", "monthly-acknowledge", Status.FILED),
        ("lea", "monthly-return", Status.FILED),
        ("alice", "monthly-publish", Status.ACKNOWLEDGED),
        ("rita", "monthly-publish", Status.ACKNOWLEDGED),
        ("lea", "monthly-publish", Status.FILED),  # not before the city acknowledges
        ("rita", "monthly-acknowledge", Status.DRAFT),  # nothing to acknowledge yet
    ],
)
def test_steps_out_of_role_or_order_change_nothing(client, changning, request, role, step, from_status):
    plan = helpers.monthly(changning, status=from_status)
    user = request.getfixturevalue(role)
    response = post(client, user, step, plan, reason="理由")
    assert response.status_code == 403
    assert status_of(plan) == from_status
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.WORKFLOW).exists()


def test_a_plan_with_no_quota_or_items_is_not_filed(client, changning, lea):
    plan = helpers.monthly(changning, quota_key=0, quota_general=0)
    response = post(client, lea, "monthly-file", plan)
    assert "各类抽取数都是0，不能报备" in client.get(response.url).content.decode()
    assert status_of(plan) == Status.DRAFT


def test_the_reviewer_lists_every_districts_plans_filed_first(client, changning, xuhui, rita, alice):
    helpers.monthly(changning, month=2, status=Status.ACKNOWLEDGED)
    helpers.monthly(changning, month=3, status=Status.DRAFT)
    helpers.monthly(xuhui, month=3, status=Status.FILED)
    client.force_login(rita)
    page = client.get(reverse("plans:filings")).content.decode()
    assert page.index("徐汇区") < page.index("长宁区")
    assert page.count("月现场检查计划</a>") == 3
    filtered = client.get(reverse("plans:filings"), {"status": "filed"}).content.decode()
    assert filtered.count("月现场检查计划</a>") == 1


def test_it_checks_ownership(client, changning, bob):
    """Another district's user gets 404 on every page of the plan (filings lists only their own)."""
    plan = helpers.monthly(changning, status=Status.FILED)
    client.force_login(bob)
    assert client.get(reverse("plans:monthly-detail", args=[plan.pk])).status_code == 404
    assert client.post(reverse("plans:monthly-file", args=[plan.pk])).status_code == 404
    assert "长宁区" not in client.get(reverse("plans:filings")).content.decode()
