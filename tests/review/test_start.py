"""开始复核 (review:start): only the municipal reviewer, only once the district has approved."""

from django.urls import reverse

from assessment.models import SelfAssessment
from audit.models import AuditEvent
from review.models import ReviewRound


def _start(client, user, assessment):
    client.force_login(user)
    return client.post(reverse("review:start", args=[assessment.pk]))


def test_reviewer_starts_and_the_review_scores_begin_as_the_districts(client, approved_2024, rita):
    assert _start(client, rita, approved_2024).status_code == 302
    approved_2024.refresh_from_db()
    assert approved_2024.status == SelfAssessment.Status.REVIEWING
    round_ = ReviewRound.objects.get(assessment=approved_2024)
    assert (round_.number, round_.outcome, round_.started_by) == (1, "open", rita)
    assert round_.scores.count() == 17
    assert all(s.score == s.district_score and s.score is not None for s in round_.scores.all())
    event = approved_2024.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor) == ("review", "approved", "reviewing", rita)
    assert AuditEvent.objects.filter(action="workflow", object_id=str(approved_2024.pk), note="开始复核").exists()


def test_district_users_cannot_start(client, approved_2024, alice, lea):
    for user in (alice, lea):
        assert _start(client, user, approved_2024).status_code == 403
    approved_2024.refresh_from_db()
    assert approved_2024.status == SelfAssessment.Status.APPROVED


def test_a_draft_cannot_be_reviewed(client, draft_2024, rita):
    response = _start(client, rita, draft_2024)
    assert response.status_code == 302
    assert "自评当前为“草稿”，不能开始复核。" in client.get(response["Location"]).content.decode()
    assert not ReviewRound.objects.exists()


def test_starting_twice_opens_one_round(client, approved_2024, rita):
    _start(client, rita, approved_2024)
    _start(client, rita, approved_2024)
    assert ReviewRound.objects.filter(assessment=approved_2024).count() == 1


def test_it_checks_ownership(client, approved_2024, bob, adam):
    # bob is in another district, adam is an admin: neither finds 长宁区's assessment
    for user in (bob, adam):
        assert _start(client, user, approved_2024).status_code == 404
    assert not ReviewRound.objects.exists()
