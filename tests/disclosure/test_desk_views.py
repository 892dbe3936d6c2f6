"""The district's desk: due decisions, publish, correct, withdraw; each with its ownership checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.models import PenaltyPublication, PenaltyWithdrawal
from tests.disclosure.helpers import ready_case
from tests.inspections.records_helpers import Make

DESK = reverse("disclosure:desk")


@pytest.fixture
def make(changning) -> Make:
    return Make(changning)


def test_the_desk_lists_every_pending_decision_with_its_deadline(client, alice, make):
    case = ready_case(make, decided=timezone.localdate() - timedelta(days=20))
    fresh = ready_case(make, decided=timezone.localdate())
    client.force_login(alice)
    page = client.get(DESK)
    assert page.status_code == 200
    text = page.content.decode()
    assert case.case_number in text and "已逾期" in text
    assert fresh.case_number in text and "未到期" in text
    assert "其中2个工作日内到期或已逾期 1 件" in text
    assert reverse("disclosure:case-publish", args=[case.pk]) not in text  # a scorer cannot publish


def test_the_leaders_home_page_warns_of_due_decisions(client, lea, make):
    case = ready_case(make, decided=timezone.localdate() - timedelta(days=20))
    client.force_login(lea)
    section = client.get(reverse("home")).content.decode()
    assert "执法公示" in section and case.case_number in section and "已逾期" in section


def test_a_leader_publishes_from_the_desk(client, lea, make):
    case = ready_case(make)
    client.force_login(lea)
    preview = client.get(reverse("disclosure:case-publish", args=[case.pk]))
    assert preview.status_code == 200 and "确认公示" in preview.content.decode()
    response = client.post(reverse("disclosure:case-publish", args=[case.pk]))
    assert response.status_code == 302
    assert PenaltyPublication.objects.get(case=case).published_by == lea
    again = client.post(reverse("disclosure:case-publish", args=[case.pk]), follow=True)
    assert "已经公示" in again.content.decode()


def test_an_incomplete_case_shows_what_is_missing(client, lea, make):
    case = ready_case(make, decision_document_number="")
    client.force_login(lea)
    page = client.get(reverse("disclosure:case-publish", args=[case.pk])).content.decode()
    assert "缺少处罚决定书文号" in page and "确认公示" not in page


def test_correct_and_withdraw_through_the_pages(client, lea, make):
    publication = services.publish(case=ready_case(make, decided=timezone.localdate() - timedelta(days=100)), user=lea)
    client.force_login(lea)
    url = reverse("disclosure:publication-correct", args=[publication.pk])
    refused = client.post(url, {"note": "无变化"})
    assert refused.status_code == 400 and "相同" in refused.content.decode()
    case = publication.case
    case.penalty_content = "罚款人民币伍万元整"
    case.save()
    assert client.post(url, {"note": "大写金额"}).status_code == 302
    current = PenaltyPublication.objects.get(supersedes=publication)
    url = reverse("disclosure:publication-withdraw", args=[current.pk])
    empty = client.post(url, {"grounds": "", "applied_on": ""})
    assert empty.status_code == 400
    today = timezone.localdate().isoformat()
    assert client.post(url, {"grounds": "已履行并整改", "applied_on": today}).status_code == 302
    assert PenaltyWithdrawal.objects.get(case=case).approved_by == lea


def test_it_checks_ownership(client, bella, bob, alice, make, lea):
    case = ready_case(make)
    publication = services.publish(case=ready_case(make), user=lea)
    urls = [
        reverse("disclosure:case-publish", args=[case.pk]),
        reverse("disclosure:publication-correct", args=[publication.pk]),
        reverse("disclosure:publication-withdraw", args=[publication.pk]),
    ]
    for user in (bella, bob):  # another district: the objects do not exist for them
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url).status_code == 404
    client.force_login(alice)  # the district's scorer: not a leader
    for url in urls:
        assert client.post(url).status_code == 403
    assert PenaltyPublication.objects.count() == 1 and not PenaltyWithdrawal.objects.exists()
