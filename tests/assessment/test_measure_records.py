"""Counts the records show beside the typed ones: the scoring page's "记录显示：N" with its records page and
one-click take, differences on the overview, and approving with a difference only with a reason."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Indicator, RuleItem, WorkflowEvent
from tests.assessment.conftest import score_all
from tests.inspections.records_helpers import Make

FILED = date(2024, 1, 1)


@pytest.fixture
def late_rule(standard) -> RuleItem:
    return RuleItem.objects.get(indicator__system__standard=standard, indicator__code="2.2", order=1)


@pytest.fixture
def two_late(changning):
    make = Make(changning)
    make.case(FILED, FILED + timedelta(days=91), "fined", "100", case_number="迟办甲")
    make.case(FILED, FILED + timedelta(days=120), "fined", "100", case_number="迟办乙")
    make.case(FILED, FILED + timedelta(days=90), "fined", "100", case_number="按期丙")


def test_the_scoring_page_shows_what_the_records_show_with_a_take_button(
    client, alice, draft_2024, late_rule, two_late
):
    client.force_login(alice)
    page = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0").content.decode()
    records_url = reverse("assessment:measure-records", args=[draft_2024.pk, late_rule.pk])
    assert f'记录显示：<a href="{records_url}"' in page
    assert f'data-target="id_i{late_rule.indicator_id}-rule_{late_rule.pk}" data-value="2">采用2</button>' in page
    assert "不一致" not in page  # not scored yet: nothing typed to differ from


def test_the_records_page_lists_what_makes_up_the_count(client, lea, draft_2024, late_rule, two_late):
    client.force_login(lea)
    page = client.get(reverse("assessment:measure-records", args=[draft_2024.pk, late_rule.pk])).content.decode()
    assert '<strong id="measured-value">2</strong>' in page
    assert "迟办甲" in page and "迟办乙" in page and "按期丙" not in page


def test_it_checks_ownership(client, bob, draft_2024, late_rule, two_late):
    client.force_login(bob)
    assert client.get(reverse("assessment:measure-records", args=[draft_2024.pk, late_rule.pk])).status_code == 404


def test_a_rule_without_a_measure_has_no_records_page(client, alice, draft_2024, standard):
    client.force_login(alice)
    veto = RuleItem.objects.get(indicator__system__standard=standard, indicator__code="2.2", order=2)
    assert client.get(reverse("assessment:measure-records", args=[draft_2024.pk, veto.pk])).status_code == 404


def test_a_difference_is_flagged_and_approving_needs_a_reason(client, alice, lea, draft_2024, late_rule, two_late):
    score_all(draft_2024, alice)  # 2.2 typed with 0 late cases, the records show 2
    services.move_assessment(assessment=draft_2024, user=alice, action=WorkflowEvent.Action.SUBMIT)
    client.force_login(lea)
    detail = client.get(reverse("assessment:detail", args=[draft_2024.pk])).content.decode()
    assert "填写的次数与执法记录不一致（1处）" in detail and "填写0次，记录显示" in detail
    assert 'name="reason" id="id_approve_reason"' in detail
    sheet = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0").content.decode()
    assert "与填写的0次不一致" in sheet
    refused = client.post(reverse("assessment:approve", args=[draft_2024.pk]), follow=True)
    assert "指标2.2（填写0次，记录显示2次）与执法记录不一致；仍要审定，请填写理由。" in refused.content.decode()
    draft_2024.refresh_from_db()
    assert draft_2024.status == "submitted"
    reason = "两件为移送后补办，已经市局认定不计入"
    client.post(reverse("assessment:approve", args=[draft_2024.pk]), {"reason": reason})
    draft_2024.refresh_from_db()
    assert draft_2024.status == "approved"
    assert draft_2024.events.get(action=WorkflowEvent.Action.APPROVE).reason == reason


def test_taking_the_count_removes_the_difference(client, alice, draft_2024, late_rule, two_late):
    indicator = Indicator.objects.get(pk=late_rule.indicator_id)
    client.force_login(alice)
    data = {f"i{indicator.pk}-rule_{late_rule.pk}": "2", f"i{indicator.pk}-justification": "2件逾期"}
    for rule in indicator.rule_items.exclude(pk=late_rule.pk):
        data[f"i{indicator.pk}-rule_{rule.pk}"] = "0"
    assert client.post(reverse("assessment:score-edit", args=[draft_2024.pk, indicator.pk]), data).status_code == 302
    page = client.get(reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0").content.decode()
    assert "不一致" not in page


def test_the_scoring_pages_query_count_does_not_grow_with_the_records(client, alice, draft_2024, changning):
    client.force_login(alice)
    make = Make(changning)
    url = reverse("assessment:score-sheet", args=[draft_2024.pk]) + "?mine=0"

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make.case(FILED, FILED + timedelta(days=100), "fined", "100")
    few = queries()
    for n in range(40):
        make.case(FILED, FILED + timedelta(days=91 + n), "fined", "100")
        make.officer()
        make.equipment(FILED)
    assert queries() == few
