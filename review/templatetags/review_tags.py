"""What the assessment's own pages show of the 复核 and of last year, in one tag each (a few queries per page)."""

from __future__ import annotations

from django import template

from assessment.models import SelfAssessment
from review import policies, selectors
from review.selectors.years import earlier_years

register = template.Library()


@register.inclusion_tag("review/_summary.html", takes_context=True)
def review_summary(context, assessment: SelfAssessment) -> dict:
    """On the assessment page: the 复核's state and result, the city's return, the offer to carry last year."""
    user = context["request"].user
    earlier = earlier_years(assessment)
    notes = selectors.score_notes(assessment) if assessment.is_editable else None
    return {
        "assessment": assessment,
        "notes": {
            "show": assessment.is_locked or (notes is not None and notes.returned),
            "returned": notes.returned if notes else {},
            "last_return": notes.last_return if notes else None,
            "may_start": policies.may_start_review(user, assessment),
            "may_review": policies.may_review(user, assessment),
            "has_earlier": bool(earlier),
            "may_carry": bool(earlier) and policies.may_carry_forward(user, assessment) and not notes.carried,
            "previous_year": earlier[0] if earlier else None,
        },
    }


@register.inclusion_tag("review/_score_notes.html")
def review_score_notes(assessment: SelfAssessment) -> dict:
    """On the scoring page: which indicators the city returned and why, and which texts were carried."""
    notes = selectors.score_notes(assessment)
    return {
        "assessment": assessment,
        "notes": {
            "returned": notes.returned,
            "last_return": notes.last_return,
            "carried": notes.carried,
            "unconfirmed": notes.unconfirmed,
        },
    }
