"""长宁区's 2024 self-assessment through the district's workflow, ready for the city's 复核."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import Organization
from assessment import scoring, services
from assessment.models import Indicator, Score, SelfAssessment, WorkflowEvent
from review import services as review
from review.models import ReviewRound
from tests.assessment.conftest import (  # noqa: F401  (fixtures)
    approved_2024,
    draft_2024,
    score_all,
    standard,
    submitted_2024,
    xuhui_2024,
)


def score_each(assessment: SelfAssessment, user, values: dict[str, str] | None = None, default: str = "max") -> None:
    """Score every indicator: ``values`` by 编号, else ``default`` ("max": full marks); rule-based ones by rules."""
    for item in Indicator.objects.filter(system__standard_id=assessment.standard_id).prefetch_related("rule_items"):
        raw = (values or {}).get(item.code, default)
        raw = str(item.max_score) if raw == "max" else raw
        services.save_score(
            assessment=assessment,
            indicator=item,
            user=user,
            value=None if item.rule_items.all() else scoring.parse_score(raw, item.max_score),
            justification=f"{item.code}已落实。",
        )


def approve(assessment: SelfAssessment, scorer, leader, value: str = "1", values=None) -> SelfAssessment:
    if value == "max" or values:
        score_each(assessment, scorer, values, default=value)
    else:
        score_all(assessment, scorer, value)
    services.move_assessment(assessment=assessment, user=scorer, action=WorkflowEvent.Action.SUBMIT)
    return services.move_assessment(assessment=assessment, user=leader, action=WorkflowEvent.Action.APPROVE)


def rows_of(round_: ReviewRound, **changes: tuple) -> list[review.ReviewInput]:
    """Every indicator of the round as it stands, with ``changes`` by 编号 (dots as underscores):
    ``i1_1=("3", "意见", "退回理由")``."""
    rows = []
    for item in round_.scores.select_related("indicator"):
        value, comment, reason = changes.get(
            "i" + item.indicator.code.replace(".", "_"),
            ("" if item.score is None else str(item.score), item.comment, item.return_reason),
        )
        rows.append(
            review.ReviewInput(indicator_id=item.indicator_id, score=value, comment=comment, return_reason=reason)
        )
    return rows


def indicator(assessment: SelfAssessment, code: str) -> Indicator:
    return Indicator.objects.get(system__standard_id=assessment.standard_id, code=code)


@pytest.fixture
def reviewing_2024(approved_2024, rita) -> SelfAssessment:  # noqa: F811
    review.start_review(assessment=approved_2024, user=rita)
    approved_2024.refresh_from_db()
    return approved_2024


@pytest.fixture
def city_2024(standard, changning, xuhui, city, alice, lea, bob, bella, rita):  # noqa: F811
    """长宁区 confirmed after one review change, 徐汇区 district-approved, 静安区 a draft, 黄浦区 not started."""
    cn = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    approve(cn, alice, lea, value="max")
    review.start_review(assessment=cn, user=rita)
    round_ = cn.review_rounds.get()
    review.save_review(assessment=cn, user=rita, rows=rows_of(round_, i1_1=("3", "清单未动态调整", "")), then="confirm")
    xh = services.create_self_assessment(organization=xuhui, year=2024, standard=standard)
    approve(xh, bob, bella, values={"1.1": "2", "2.1": "0"}, value="max")
    jingan = Organization.objects.create(code="jingan", name="上海市静安区生态环境局", short_name="静安区", parent=city)
    draft = services.create_self_assessment(organization=jingan, year=2024, standard=standard)
    Score.objects.create(assessment=draft, indicator=Indicator.objects.get(system__standard=standard, code="1.1"),
                         score=Decimal("5"))  # fmt: skip
    Organization.objects.create(code="huangpu", name="上海市黄浦区生态环境局", short_name="黄浦区", parent=city)
    for a in (cn, xh):
        a.refresh_from_db()
    return {"changning": cn, "xuhui": xh, "jingan": draft}
