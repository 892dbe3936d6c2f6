"""Who may do what in the 复核: one small function per decision, used by views, services and templates.

The objects passed in have already been read through ``for_user``; these functions add the role and the state.
"""

from __future__ import annotations

from accounts.models import User
from accounts.scoping import can_view_all_organizations
from assessment import policies as assessment_policies
from assessment.models import SelfAssessment

REVIEW_PERMISSION = "review.review_assessment"


def is_reviewer(user: User) -> bool:
    """A 市局复核 account: reads every district and holds the review permission."""
    return can_view_all_organizations(user) and user.has_perm(REVIEW_PERMISSION)


def may_compare(user: User) -> bool:
    """The comparison ranks districts against each other: the municipal bureau's alone."""
    return is_reviewer(user)


def may_start_review(user: User, assessment: SelfAssessment) -> bool:
    return is_reviewer(user) and assessment.status == SelfAssessment.Status.APPROVED


def may_review(user: User, assessment: SelfAssessment) -> bool:
    """Enter 复核得分, return to the district or confirm: only while the review is under way."""
    return is_reviewer(user) and assessment.status == SelfAssessment.Status.REVIEWING


def may_carry_forward(user: User, assessment: SelfAssessment) -> bool:
    """Carry last year's justifications into a draft: the district's own scorers."""
    return assessment.is_editable and assessment_policies.may_score(user, assessment)
