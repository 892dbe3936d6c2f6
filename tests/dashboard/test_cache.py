"""Dashboard figures cached under their data version: a committed change is on the next page, never a stale one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import services
from assessment.models import Indicator
from audit import services as audit
from audit.models import AuditEvent
from audit.selectors import data_version
from inspections.models import Dispatch
from inspections.services.records import delete_record
from tests.assessment.conftest import score_all
from tests.dashboard.test_home import chart_data, text

HOME = reverse("home")


def leader_page(client, lea) -> str:
    client.force_login(lea)
    return text(client.get(HOME, {"year": "2024"}))


def test_a_saved_score_is_on_the_leaders_next_page(client, lea, alice, draft_2024):
    before = chart_data(leader_page(client, lea))["systems"]["score"]
    indicator = Indicator.objects.filter(system__standard=draft_2024.standard, rule_items__isnull=True).first()
    services.save_score(
        assessment=draft_2024, indicator=indicator, user=alice, value=Decimal("1"), justification="已落实。"
    )
    after = chart_data(leader_page(client, lea))["systems"]["score"]
    assert sum(after) == sum(before) + 1


def test_a_deleted_record_leaves_the_leaders_next_page(client, lea, alice, draft_2024, make):
    kept = make.dispatch(date(2024, 3, 5))
    gone = make.dispatch(date(2024, 3, 6))
    assert chart_data(leader_page(client, lea))["months"]["dispatches"][2] == 2
    delete_record(user=alice, record=gone)
    assert chart_data(leader_page(client, lea))["months"]["dispatches"][2] == 1
    assert Dispatch.objects.filter(pk=kept.pk).exists()


def test_an_approval_and_a_new_assessment_are_on_the_reviewers_next_page(client, rita, lea, alice, draft_2024, xuhui):
    client.force_login(rita)
    assert "未开始 <strong>1</strong>" in text(client.get(HOME, {"year": "2024"}))
    services.create_self_assessment(organization=xuhui, year=2024, standard=draft_2024.standard)
    assert "未开始 <strong>0</strong>" in text(client.get(HOME, {"year": "2024"}))
    score_all(draft_2024, alice)
    services.move_assessment(assessment=draft_2024, user=alice, action="submit")
    services.move_assessment(assessment=draft_2024, user=lea, action="approve")
    assert "已审定待复核 <strong>1</strong>" in text(client.get(HOME, {"year": "2024"}))


def test_a_change_moves_its_organisations_version_and_the_citys_not_another_districts(
    alice, draft_2024, changning, xuhui
):
    own, other, city = data_version(changning.pk), data_version(xuhui.pk), data_version()
    score_all(draft_2024, alice)
    assert data_version(changning.pk) > own
    assert data_version(xuhui.pk) == other
    assert data_version() > city


def test_a_change_about_two_organisations_moves_both(adam, changning, xuhui):
    before = (data_version(changning.pk), data_version(xuhui.pk))
    with transaction.atomic():
        audit.record(actor=adam, action=AuditEvent.Action.UPDATE, organization=changning, other_organization=xuhui)
    assert (data_version(changning.pk), data_version(xuhui.pk)) == (before[0] + 1, before[1] + 1)


def test_a_change_rolled_back_leaves_the_version_alone(adam, changning):
    before = data_version(changning.pk)
    with pytest.raises(RuntimeError, match="rolled back"), transaction.atomic():
        audit.record(actor=adam, action=AuditEvent.Action.UPDATE, organization=changning)
        raise RuntimeError("rolled back")
    assert data_version(changning.pk) == before


def test_sign_in_events_are_no_change_of_data(changning, lea):
    before = data_version(changning.pk)
    audit.record(actor=lea, action=AuditEvent.Action.LOGIN, organization=changning)
    assert data_version(changning.pk) == before


def test_an_unchanged_page_is_served_from_the_cache_with_fewer_queries(client, lea, alice, draft_2024, make):
    score_all(draft_2024, alice)
    make.dispatch(date(2024, 3, 5))
    client.force_login(lea)
    with CaptureQueriesContext(connection) as first:
        first_page = text(client.get(HOME, {"year": "2024"}))
    with CaptureQueriesContext(connection) as second:
        second_page = text(client.get(HOME, {"year": "2024"}))
    assert len(second) < len(first)
    assert chart_data(second_page) == chart_data(first_page)
