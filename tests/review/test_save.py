"""复核得分, return to the district with reasons per indicator, and confirmation (review:save), per role."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Score, SelfAssessment, WorkflowEvent
from audit.models import AuditEvent
from review import services as review
from review.models import ReviewRound, ReviewScore
from tests.review.conftest import approve, indicator, rows_of


def _form(round_: ReviewRound, **changes) -> dict:
    data = {}
    for row in rows_of(round_, **changes):
        prefix = f"i{row.indicator_id}-"
        data |= {
            prefix + "score": row.score,
            prefix + "comment": row.comment,
            prefix + "return_reason": row.return_reason,
        }
    return data


def _save(client, user, assessment, data):
    client.force_login(user)
    return client.post(reverse("review:save", args=[assessment.pk]), data)


def test_reviewer_enters_a_different_score_with_a_comment(client, reviewing_2024, rita):
    round_ = reviewing_2024.review_rounds.get()
    response = _save(client, rita, reviewing_2024, _form(round_, i1_1=("0.5", "权责清单未公开", "")))
    assert response.status_code == 302
    item = ReviewScore.objects.get(round=round_, indicator__code="1.1")
    assert (item.score, item.district_score, item.comment, item.reviewed_by) == (
        Decimal("0.5"),
        Decimal("1"),
        "权责清单未公开",
        rita,
    )
    # the district's own score is untouched and stays beside it
    assert Score.objects.get(assessment=reviewing_2024, indicator__code="1.1").score == Decimal("1")
    event = AuditEvent.objects.get(action="update", object_type="review.reviewround")
    assert event.changes["1.1 复核得分"][1] == "0.5" and event.changes["1.1 复核意见"] == ["", "权责清单未公开"]


def test_a_different_score_needs_a_comment(client, reviewing_2024, rita):
    round_ = reviewing_2024.review_rounds.get()
    response = _save(client, rita, reviewing_2024, _form(round_, i1_1=("0.5", "", "")))
    assert response.status_code == 400
    page = response.content.decode()
    assert "指标1.1：复核得分与自评得分不同，请在复核意见中说明理由。" in page
    assert 'value="0.5"' in page  # what was typed stays
    assert ReviewScore.objects.get(round=round_, indicator__code="1.1").score == Decimal("1")


@pytest.mark.parametrize(
    ("typed", "message"), [("6", "超过该指标满分5分"), ("0.3", "不是0.5的整数倍"), ("x", "不是数字")]
)
def test_review_scores_follow_the_same_rules_as_the_districts(client, reviewing_2024, rita, typed, message):
    round_ = reviewing_2024.review_rounds.get()
    response = _save(client, rita, reviewing_2024, _form(round_, i1_1=(typed, "意见", "")))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_district_users_cannot_enter_review_scores(client, reviewing_2024, alice, lea):
    round_ = reviewing_2024.review_rounds.get()
    for user in (alice, lea):
        assert _save(client, user, reviewing_2024, _form(round_, i1_1=("0", "自己改", ""))).status_code == 403
    assert ReviewScore.objects.get(round=round_, indicator__code="1.1").score == Decimal("1")


def test_reviewer_cannot_edit_the_districts_scores(client, reviewing_2024, rita):
    client.force_login(rita)
    target = indicator(reviewing_2024, "1.1")
    response = client.post(
        reverse("assessment:score-edit", args=[reviewing_2024.pk, target.pk]),
        {f"i{target.pk}-score": "0", f"i{target.pk}-justification": "市局改", f"i{target.pk}-version": 1},
    )
    assert response.status_code in (302, 403)
    assert Score.objects.get(assessment=reviewing_2024, indicator=target).score == Decimal("1")


def test_return_needs_a_reason_on_at_least_one_indicator(client, reviewing_2024, rita):
    round_ = reviewing_2024.review_rounds.get()
    response = _save(client, rita, reviewing_2024, {**_form(round_), "then": "return"})
    assert response.status_code == 400
    assert "退回时至少为一个指标填写退回理由" in response.content.decode()
    reviewing_2024.refresh_from_db()
    assert reviewing_2024.status == SelfAssessment.Status.REVIEWING


def test_the_whole_round_trip(client, reviewing_2024, rita, alice, lea):
    """Returned with one indicator's reason → the district sees it, revises, approves → confirmed with a grade."""
    round_ = reviewing_2024.review_rounds.get()
    data = _form(round_, i4_3=("2", "装备台账缺无人机", "请补充无人机配备佐证"))
    response = _save(client, rita, reviewing_2024, {**data, "then": "return", "reason": "请补充佐证"})
    assert response.status_code == 302
    reviewing_2024.refresh_from_db()
    assert reviewing_2024.status == SelfAssessment.Status.DRAFT
    round_.refresh_from_db()
    assert (round_.outcome, round_.closed_by, round_.reason) == ("returned", rita, "请补充佐证")
    event = reviewing_2024.events.last()
    assert (event.action, event.from_status, event.to_status) == ("city_return", "reviewing", "draft")
    assert "指标4.3：请补充无人机配备佐证" in event.reason

    # the district sees where and why, on the assessment page and the scoring page
    client.force_login(alice)
    detail = client.get(reverse("assessment:detail", args=[reviewing_2024.pk])).content.decode()
    assert "市局第1轮复核退回以下指标" in detail and "请补充无人机配备佐证" in detail
    sheet = client.get(reverse("assessment:score-sheet", args=[reviewing_2024.pk])).content.decode()
    assert "请补充无人机配备佐证" in sheet and "复核意见：装备台账缺无人机" in sheet

    # the district revises 4.3 and approves again
    target = indicator(reviewing_2024, "4.3")
    services.save_score(
        assessment=reviewing_2024,
        indicator=target,
        user=alice,
        value=None,
        justification="已补充无人机台账。",
        rule_counts={},
    )
    services.move_assessment(assessment=reviewing_2024, user=alice, action=WorkflowEvent.Action.SUBMIT)
    services.move_assessment(assessment=reviewing_2024, user=lea, action=WorkflowEvent.Action.APPROVE)

    # second round: the reviewer confirms
    client.force_login(rita)
    client.post(reverse("review:start", args=[reviewing_2024.pk]))
    second = reviewing_2024.review_rounds.get(number=2)
    expected_total = sum(s.score for s in second.scores.all())
    response = _save(client, rita, reviewing_2024, {**_form(second), "then": "confirm"})
    assert response.status_code == 302
    reviewing_2024.refresh_from_db()
    assert reviewing_2024.status == SelfAssessment.Status.CONFIRMED
    assert reviewing_2024.final_total == expected_total
    assert reviewing_2024.grade == review.grade_of(reviewing_2024, expected_total, vetoed=False) != ""
    second.refresh_from_db()
    assert (second.outcome, second.total, second.grade) == ("confirmed", expected_total, reviewing_2024.grade)
    actions = list(reviewing_2024.events.values_list("action", flat=True))
    assert actions == ["submit", "approve", "review", "city_return", "submit", "approve", "review", "confirm"]
    assert AuditEvent.objects.filter(action="workflow", object_id=str(reviewing_2024.pk)).count() == 8

    # locked for good: nobody scores, nobody reviews again
    with pytest.raises(services.AssessmentError, match="锁定"):
        services.save_score(
            assessment=reviewing_2024, indicator=target, user=alice, value=None, justification="再改", rule_counts={}
        )
    assert _save(client, rita, reviewing_2024, _form(second)).status_code == 400
    page = client.get(reverse("review:sheet", args=[reviewing_2024.pk])).content.decode()
    assert f'<strong id="final-grade">{reviewing_2024.grade}</strong>' in page


def test_confirm_is_refused_while_a_return_reason_is_filled(client, reviewing_2024, rita):
    round_ = reviewing_2024.review_rounds.get()
    response = _save(client, rita, reviewing_2024, {**_form(round_, i1_1=("1", "", "补充")), "then": "confirm"})
    assert response.status_code == 400
    assert "指标1.1填写了退回理由" in response.content.decode()
    reviewing_2024.refresh_from_db()
    assert reviewing_2024.status == SelfAssessment.Status.REVIEWING
    # all or nothing: the reason typed with the refused confirmation was not saved either
    assert ReviewScore.objects.get(round=round_, indicator__code="1.1").return_reason == ""


def test_a_veto_caps_the_grade_and_needs_its_facts(client, changning, alice, lea, rita, standard):
    assessment = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    approve(assessment, alice, lea, value="max")  # full marks: 优秀 without the veto
    review.start_review(assessment=assessment, user=rita)
    round_ = assessment.review_rounds.get()
    refused = _save(client, rita, assessment, {**_form(round_), "then": "confirm", "vetoed": "on"})
    assert refused.status_code == 400 and "认定一票否决时必须说明事实" in refused.content.decode()
    _save(client, rita, assessment, {**_form(round_), "then": "confirm", "vetoed": "on", "veto_note": "伪造台账"})
    assessment.refresh_from_db()
    assert assessment.status == SelfAssessment.Status.CONFIRMED
    assert review.grade_of(assessment, assessment.final_total, vetoed=False) != "不合格"
    assert assessment.grade == "不合格"
    assert assessment.review_rounds.get().vetoed


def test_it_checks_ownership(client, reviewing_2024, bob, adam):
    round_ = reviewing_2024.review_rounds.get()
    for user in (bob, adam):
        assert _save(client, user, reviewing_2024, _form(round_, i1_1=("0", "x", ""))).status_code == 404
    assert ReviewScore.objects.get(round=round_, indicator__code="1.1").score == Decimal("1")


def test_a_stale_form_saves_nothing_and_shows_what_is_saved(client, reviewing_2024, rita, city):
    from tests.conftest import make_user

    rosa = make_user("rosa", city, "市局复核")
    round_ = reviewing_2024.review_rounds.get()
    loaded = round_.version
    assert (
        _save(
            client, rosa, reviewing_2024, {**_form(round_, i1_1=("2", "罗莎的意见", "")), "version": loaded}
        ).status_code
        == 302
    )
    response = _save(client, rita, reviewing_2024, {**_form(round_, i1_2=("3", "丽塔的意见", "")), "version": loaded})
    assert response.status_code == 409
    page = response.content.decode()
    assert "复核表已被rosa于" in page and "您的修改未保存" in page
    assert "罗莎的意见" in page and "丽塔的意见" not in page  # what is saved now, not the stale input
    assert ReviewScore.objects.get(round=round_, indicator__code="1.2").comment == ""
    # saving again from the page now shown (its current version) is a deliberate choice, and goes through
    round_.refresh_from_db()
    data = {**_form(round_, i1_2=("3", "丽塔的意见", "")), "version": round_.version}
    assert _save(client, rita, reviewing_2024, data).status_code == 302
    assert ReviewScore.objects.get(round=round_, indicator__code="1.1").comment == "罗莎的意见"
