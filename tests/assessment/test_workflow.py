"""草稿 → 已提交 → 已审定, and 已提交 → 退回 → 草稿: who may make each move, through the pages."""

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Indicator, Score, SelfAssessment, WorkflowEvent
from tests.assessment.conftest import score_all


def _post(client, user, name, assessment, data=None):
    client.force_login(user)
    return client.post(reverse(f"assessment:{name}", args=[assessment.pk]), data or {})


def test_scorer_submits_a_fully_scored_draft(client, draft_2024, alice):
    score_all(draft_2024, alice)
    response = _post(client, alice, "submit", draft_2024)
    assert response.status_code == 302
    draft_2024.refresh_from_db()
    assert draft_2024.status == SelfAssessment.Status.SUBMITTED
    assert draft_2024.submitted_at is not None
    event = draft_2024.events.get()
    assert (event.action, event.actor, event.from_status, event.to_status) == ("submit", alice, "draft", "submitted")


def test_submit_is_refused_while_indicators_are_unscored(client, draft_2024, alice):
    response = _post(client, alice, "submit", draft_2024)
    draft_2024.refresh_from_db()
    assert draft_2024.status == SelfAssessment.Status.DRAFT
    page = client.get(response["Location"]).content.decode()
    assert "还有17个指标未评分，全部评分后才能提交。" in page


def test_leader_cannot_submit_and_scorer_cannot_approve(client, draft_2024, alice, lea):
    score_all(draft_2024, alice)
    assert _post(client, lea, "submit", draft_2024).status_code == 403
    _post(client, alice, "submit", draft_2024)
    assert _post(client, alice, "approve", draft_2024).status_code == 403
    assert _post(client, alice, "return", draft_2024, {"reason": "自己退回"}).status_code == 403
    draft_2024.refresh_from_db()
    assert draft_2024.status == SelfAssessment.Status.SUBMITTED


def test_leader_returns_with_a_reason_and_the_scorer_sees_it(client, submitted_2024, lea, alice):
    response = _post(client, lea, "return", submitted_2024, {"reason": "4.3 执法装备缺少佐证材料"})
    assert response.status_code == 302
    submitted_2024.refresh_from_db()
    assert submitted_2024.status == SelfAssessment.Status.DRAFT
    client.force_login(alice)
    page = client.get(reverse("assessment:detail", args=[submitted_2024.pk])).content.decode()
    assert "已被退回：" in page and "4.3 执法装备缺少佐证材料" in page
    assert "<strong>退回</strong>（已提交 → 草稿）" in page


def test_return_without_a_reason_is_refused(client, submitted_2024, lea):
    response = _post(client, lea, "return", submitted_2024, {"reason": "   "})
    submitted_2024.refresh_from_db()
    assert submitted_2024.status == SelfAssessment.Status.SUBMITTED
    # the assessment page again, the error right under the reason box
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="form-control mb-2 is-invalid"' in page
    assert '<div class="invalid-feedback mb-2" id="id_reason_error">请填写退回理由。</div>' in page


@pytest.mark.parametrize(
    ("year", "error"),
    [("abc", "请输入四位数年度。"), ("1999", "2000"), ("2099", "没有适用于2099年度的已发布标准，请联系管理员。")],
)
def test_a_year_that_cannot_be_created_is_shown_next_to_the_year_field(client, standard, alice, year, error):
    client.force_login(alice)
    response = client.post(reverse("assessment:create"), {"year": year})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_year_error">' in page and error in page.split('id="id_year_error">', 1)[1].split("</div>", 1)[0]
    assert f'value="{year}"' in page  # what was typed stays in the field
    assert not SelfAssessment.objects.exists()


def test_leader_approves_and_the_assessment_is_locked(client, submitted_2024, lea, alice):
    _post(client, lea, "approve", submitted_2024)
    submitted_2024.refresh_from_db()
    assert submitted_2024.status == SelfAssessment.Status.APPROVED
    assert submitted_2024.approved_at is not None
    indicator = Indicator.objects.get(system__standard=submitted_2024.standard, code="1.1")
    client.force_login(alice)
    response = client.post(
        reverse("assessment:score-edit", args=[submitted_2024.pk, indicator.pk]),
        {f"i{indicator.pk}-score": "0", f"i{indicator.pk}-justification": "改分"},
    )
    assert Score.objects.get(assessment=submitted_2024, indicator=indicator).score == 1
    assert "自评已审定并锁定，不能修改。" in client.get(response["Location"]).content.decode()
    # nor can it be returned or approved again
    assert _post(client, lea, "return", submitted_2024, {"reason": "再改"}).status_code == 302
    submitted_2024.refresh_from_db()
    assert submitted_2024.status == SelfAssessment.Status.APPROVED


def test_submitted_assessment_cannot_be_scored(submitted_2024, alice):
    indicator = Indicator.objects.filter(system__standard=submitted_2024.standard, rule_items=None).first()
    with pytest.raises(services.AssessmentError, match="已提交，正在审核"):
        services.save_score(assessment=submitted_2024, indicator=indicator, user=alice, value=None, justification="")


def test_a_leader_of_another_district_cannot_approve(client, submitted_2024, bella):
    assert _post(client, bella, "approve", submitted_2024).status_code == 404
    submitted_2024.refresh_from_db()
    assert submitted_2024.status == SelfAssessment.Status.SUBMITTED


def test_the_full_history_is_shown_on_the_assessment_page(client, submitted_2024, lea, alice):
    services.move_assessment(assessment=submitted_2024, user=lea, action="return", reason="补充说明")
    score_all(submitted_2024, alice, value="2")
    services.move_assessment(assessment=submitted_2024, user=alice, action="submit")
    services.move_assessment(assessment=submitted_2024, user=lea, action="approve")
    assert list(WorkflowEvent.objects.filter(assessment=submitted_2024).values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
        "approve",
    ]
    client.force_login(lea)
    page = client.get(reverse("assessment:detail", args=[submitted_2024.pk])).content.decode()
    assert page.count("<strong>提交</strong>（草稿 → 已提交）") == 2
    assert "<strong>审定</strong>（已提交 → 已审定）" in page and "意见：补充说明" in page


def test_moves_offered_match_role_and_state(draft_2024, alice, lea, rita):
    assert services.allowed_moves(draft_2024, alice) == ["submit"]
    assert services.allowed_moves(draft_2024, lea) == []
    assert services.allowed_moves(draft_2024, rita) == []
