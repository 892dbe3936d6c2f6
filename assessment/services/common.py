"""What the assessment services share: the error shown to the user, the row lock, the time in messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import User
from assessment import policies
from assessment.models import SelfAssessment


class AssessmentError(Exception):
    """A request that breaks a rule; the message is shown to the user as is."""


def when_text(moment) -> str:
    return f"{timezone.localtime(moment):%Y年%-m月%-d日 %H:%M}" if moment else "此前"


def lock_assessment(assessment: SelfAssessment) -> SelfAssessment:
    """Re-read the assessment under a row lock so that concurrent moves see each other."""
    return SelfAssessment.objects.select_for_update().get(pk=assessment.pk)


def ensure_may_score(assessment: SelfAssessment, user: User) -> None:
    if not policies.may_score(user, assessment):
        raise PermissionDenied("只有本单位的填报人可以自评打分。")
    if assessment.is_locked:
        raise AssessmentError("自评已审定并锁定，不能修改。")
    if not assessment.is_editable:
        raise AssessmentError("自评已提交，正在审核，不能修改；如需修改请由领导退回。")
