"""Writes on a self-assessment's life: open it, then submit, return and approve (each a WorkflowEvent)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization, User
from assessment import policies
from assessment.measures import differences
from assessment.models import Indicator, Score, SelfAssessment, Standard, WorkflowEvent
from assessment.services.common import AssessmentError, lock_assessment
from audit import services as audit
from audit.models import AuditEvent

Audit = AuditEvent.Action


class DuplicateAssessment(AssessmentError):
    """A district has one self-assessment per year (the database refuses a second)."""

    def __init__(self, existing: SelfAssessment):
        self.existing = existing
        super().__init__(
            f"{existing.organization.short_name}{existing.year}年度的自评已经存在，每个区每年只有一份自评。"
        )


@transaction.atomic
def create_self_assessment(
    *, organization: Organization, year: int, standard: Standard, actor: User | None = None
) -> SelfAssessment:
    if not standard.is_published:
        raise AssessmentError("只能按已发布的标准开展自评。")
    if not standard.applies_to(year):
        raise AssessmentError(f"“{standard}”不适用于{year}年度。")
    existing = SelfAssessment.objects.filter(organization=organization, year=year).first()
    if existing is not None:
        if existing.standard_id == standard.pk:
            return existing
        raise DuplicateAssessment(existing)
    try:
        with transaction.atomic():
            assessment = SelfAssessment.objects.create(organization=organization, year=year, standard=standard)
            audit.record(
                actor=actor,
                action=Audit.CREATE,
                obj=assessment,
                organization=organization.pk,
                changes=audit.created(assessment),
            )
            return assessment
    except IntegrityError:
        # created by a concurrent request between our read and our insert: one per district and year
        raise DuplicateAssessment(SelfAssessment.objects.get(organization=organization, year=year)) from None


_MOVES = {
    # action: (who may, from, to)
    WorkflowEvent.Action.SUBMIT: (policies.may_submit, SelfAssessment.Status.DRAFT, SelfAssessment.Status.SUBMITTED),
    WorkflowEvent.Action.RETURN: (policies.may_review, SelfAssessment.Status.SUBMITTED, SelfAssessment.Status.DRAFT),
    WorkflowEvent.Action.APPROVE: (
        policies.may_review,
        SelfAssessment.Status.SUBMITTED,
        SelfAssessment.Status.APPROVED,
    ),
}


def allowed_moves(assessment: SelfAssessment, user: User) -> list[str]:
    return [
        action for action, (may, source, _) in _MOVES.items() if assessment.status == source and may(user, assessment)
    ]


@transaction.atomic
def move_assessment(*, assessment: SelfAssessment, user: User, action: str, reason: str = "") -> SelfAssessment:
    assessment = lock_assessment(assessment)
    may, source, target = _MOVES[WorkflowEvent.Action(action)]
    label = WorkflowEvent.Action(action).label
    if not may(user, assessment):
        raise PermissionDenied(f"您没有{label}本单位自评的权限。")
    if assessment.status != source:
        raise AssessmentError(f"自评当前为“{assessment.get_status_display()}”，不能{label}。")
    reason = reason.strip()
    if action == WorkflowEvent.Action.RETURN and not reason:
        raise AssessmentError("退回时必须填写退回理由。")
    if action == WorkflowEvent.Action.APPROVE and not reason and (found := differences(assessment)):
        listed = "、".join(
            f"指标{m.rule.indicator.code}（填写{m.typed}次，记录显示{m.measured.value}次）" for m in found
        )
        raise AssessmentError(f"{listed}与执法记录不一致；仍要审定，请填写理由。")
    if action == WorkflowEvent.Action.SUBMIT:
        unscored = assessment_unscored_count(assessment)
        if unscored:
            raise AssessmentError(f"还有{unscored}个指标未评分，全部评分后才能提交。")
    now = timezone.now()
    assessment.status = target
    if action == WorkflowEvent.Action.SUBMIT:
        assessment.submitted_at = now
    if action == WorkflowEvent.Action.APPROVE:
        assessment.approved_at = now
    assessment.save(update_fields=["status", "submitted_at", "approved_at"])
    WorkflowEvent.objects.create(
        assessment=assessment, action=action, from_status=source, to_status=target, actor=user, reason=reason
    )
    audit.record(
        actor=user,
        action=Audit.WORKFLOW,
        obj=assessment,
        changes={"status": [SelfAssessment.Status(source).label, SelfAssessment.Status(target).label]},
        note=label + (f"：{reason}" if reason else ""),
    )
    return assessment


def assessment_unscored_count(assessment: SelfAssessment) -> int:
    indicators = Indicator.objects.filter(system__standard_id=assessment.standard_id).count()
    scored = Score.objects.filter(assessment=assessment, score__isnull=False).count()
    return indicators - scored
