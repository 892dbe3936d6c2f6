"""长宁区's 2024 self-assessment through the district's workflow, ready for the city's 复核."""

from __future__ import annotations

import pytest

from assessment import services
from assessment.models import Indicator, SelfAssessment, WorkflowEvent
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
            value=None if item.rule_items.all() else services.scoring.parse_score(raw, item.max_score),
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
