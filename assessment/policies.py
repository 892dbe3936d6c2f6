"""Who may do what in the assessment app: one small function per decision, each permission named once.

Views, services and templates ask these functions and never ``has_perm`` themselves, so a rule changes in one
place. A policy answers "may this user, by role and organisation, do this to this object"; the state rules
(a submitted assessment cannot be scored, an issued report cannot be edited) belong to the services, which say
why in their messages, and the pages combine the two where they show a button.

Objects here are scoped already (another district's is a 404 before any policy is asked); the organisation
check still matters for the municipal reviewer, who sees every district but writes none.
"""

from __future__ import annotations

from typing import Protocol

from accounts.models import User
from assessment.models import Report, ReportJob


class _Owned(Protocol):
    organization_id: int | None


SCORE = "assessment.score_selfassessment"
SUBMIT = "assessment.submit_selfassessment"
REVIEW = "assessment.review_selfassessment"
VIEW_ASSESSMENT = "assessment.view_selfassessment"
EDIT_REPORT = "assessment.change_report"
VIEW_REPORT = "assessment.view_report"
SIGN_REPORT = "assessment.sign_report"
CHANGE_STANDARD = "assessment.change_standard"
PUBLISH_STANDARD = "assessment.publish_standard"


def _own(user: User, obj: _Owned) -> bool:
    return bool(user.is_authenticated and user.organization_id and user.organization_id == obj.organization_id)


# --- roles (which cards and menus a user gets; no object involved) -------------------------------------


def is_scorer(user: User) -> bool:
    """填报人: scores indicators."""
    return user.has_perm(SCORE)


def is_leader(user: User) -> bool:
    """领导: reviews the self-assessment or signs the report."""
    return user.has_perm(REVIEW) or is_signatory(user)


def is_signatory(user: User) -> bool:
    """签发人: a leader who may sign reports (of their own organisation)."""
    return user.has_perm(SIGN_REPORT)


def is_standard_admin(user: User) -> bool:
    """管理员 of the standard."""
    return user.has_perm(CHANGE_STANDARD)


# --- self-assessments ---------------------------------------------------------------------------------


def may_create_assessment(user: User) -> bool:
    """Open a self-assessment for the user's own organisation."""
    return bool(is_scorer(user) and user.organization_id)


def may_score(user: User, assessment: _Owned) -> bool:
    """Score indicators, attach or remove evidence, import a 评分表 (while the assessment is a draft)."""
    return is_scorer(user) and _own(user, assessment)


def may_submit(user: User, assessment: _Owned) -> bool:
    return user.has_perm(SUBMIT) and _own(user, assessment)


def may_review(user: User, assessment: _Owned) -> bool:
    """Return (退回) or approve (审定) a submitted assessment."""
    return user.has_perm(REVIEW) and _own(user, assessment)


def may_export_scores(user: User) -> bool:
    return user.has_perm(VIEW_ASSESSMENT)


# --- the annual report ----------------------------------------------------------------------------------


def may_edit_report(user: User, report: _Owned) -> bool:
    """Create the year's report (``report`` may be its assessment) or edit a draft one."""
    return user.has_perm(EDIT_REPORT) and _own(user, report)


def may_sign_report(user: User, report: _Owned) -> bool:
    """签发 a report, or reopen an issued one for correction."""
    return is_signatory(user) and _own(user, report)


def may_preview_report(user: User, report: _Owned) -> bool:
    """Render a preview PDF: anyone who may read the report (the city reviewer too), since it changes nothing."""
    return user.has_perm(VIEW_REPORT) and Report.objects.for_user(user).filter(pk=report.pk).exists()


def may_start_job(user: User, report: _Owned, kind: str) -> bool:
    return may_sign_report(user, report) if kind == ReportJob.Kind.ISSUE else may_preview_report(user, report)


# --- the standard --------------------------------------------------------------------------------------


def may_publish_standard(user: User) -> bool:
    return user.has_perm(PUBLISH_STANDARD)
