"""Every write of the 复核 and of carrying last year forward: atomic, keyword-only, audited.

The workflow moves (开始复核, 市局退回, 复核确认) are recorded in the assessment's own workflow history
(``WorkflowEvent``) and in the audit trail, like the district's moves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from assessment import scoring
from assessment.models import Grade, Indicator, Score, SelfAssessment, WorkflowEvent
from assessment.services import when_text
from audit import services as audit
from audit.models import AuditEvent
from review import policies
from review.models import CarriedJustification, ReviewRound, ReviewScore

Audit = AuditEvent.Action
Status = SelfAssessment.Status


class ReviewError(Exception):
    """A request that breaks a rule; ``errors`` maps an indicator's pk (0: the whole review) to its message."""

    def __init__(self, errors: Mapping[int, str], *, stale: bool = False):
        self.errors = dict(errors)
        self.stale = stale  # someone else saved the review since the form was loaded
        super().__init__("；".join(self.errors.values()))


@dataclass(frozen=True)
class ReviewInput:
    indicator_id: int
    score: object  # as typed
    comment: str = ""
    return_reason: str = ""


def _lock(assessment: SelfAssessment) -> SelfAssessment:
    return (
        SelfAssessment.objects.select_related("standard", "organization")
        .select_for_update(of=("self",))
        .get(pk=assessment.pk)
    )


def _move(assessment: SelfAssessment, *, user: User, action: str, target: str, reason: str = "") -> None:
    source = assessment.status
    assessment.status = target
    assessment.save(update_fields=["status", "final_total", "grade"])
    WorkflowEvent.objects.create(
        assessment=assessment, action=action, from_status=source, to_status=target, actor=user, reason=reason
    )
    label = WorkflowEvent.Action(action).label
    audit.record(
        actor=user,
        action=Audit.WORKFLOW,
        obj=assessment,
        changes={"status": [Status(source).label, Status(target).label]},
        note=label + (f"：{reason}" if reason else ""),
    )


def open_round(assessment: SelfAssessment) -> ReviewRound | None:
    return assessment.review_rounds.filter(outcome=ReviewRound.Outcome.OPEN).first()


@transaction.atomic
def start_review(*, assessment: SelfAssessment, user: User) -> ReviewRound:
    """已审定 → 市级复核中: a new round whose 复核得分 start as the district's scores."""
    assessment = _lock(assessment)
    if not policies.is_reviewer(user):
        raise PermissionDenied("只有市局复核人员可以复核。")
    if not policies.may_start_review(user, assessment):
        raise ReviewError({0: f"自评当前为“{assessment.get_status_display()}”，不能开始复核。"})
    number = assessment.review_rounds.count() + 1
    try:
        with transaction.atomic():
            round_ = ReviewRound.objects.create(assessment=assessment, number=number, started_by=user)
    except IntegrityError:
        raise ReviewError({0: "该自评的复核已经开始。"}) from None
    scores = dict(Score.objects.filter(assessment=assessment).values_list("indicator_id", "score"))
    indicators = Indicator.objects.filter(system__standard_id=assessment.standard_id)
    ReviewScore.objects.bulk_create(
        ReviewScore(round=round_, indicator=i, district_score=scores.get(i.pk), score=scores.get(i.pk))
        for i in indicators
    )
    _move(assessment, user=user, action=WorkflowEvent.Action.REVIEW, target=Status.REVIEWING)
    return round_


def _apply(round_: ReviewRound, rows: Sequence[ReviewInput], user: User) -> dict[int, str]:
    """Validate and store the typed 复核得分; returns the errors per indicator (nothing stored when any)."""
    current = {s.indicator_id: s for s in round_.scores.select_related("indicator")}
    errors: dict[int, str] = {}
    changed: list[tuple[ReviewScore, Decimal | None, str, str]] = []
    for row in rows:
        review = current.get(row.indicator_id)
        if review is None:
            errors[row.indicator_id] = "该指标不属于本次复核。"
            continue
        code = review.indicator.code
        try:
            value = scoring.parse_score(row.score, review.indicator.max_score)
        except scoring.ScoreInputError as exc:
            errors[row.indicator_id] = f"指标{code}：{exc}"
            continue
        comment, reason = row.comment.strip(), row.return_reason.strip()
        if value is not None and value != review.district_score and not comment:
            errors[row.indicator_id] = f"指标{code}：复核得分与自评得分不同，请在复核意见中说明理由。"
            continue
        if (value, comment, reason) != (review.score, review.comment, review.return_reason):
            changed.append((review, value, comment, reason))
    if errors:
        return errors
    now = timezone.now()
    trail_before: dict[str, object] = {}
    trail_after: dict[str, object] = {}
    for review, value, comment, reason in changed:
        code = review.indicator.code
        trail_before.update(
            {f"{code} 复核得分": audit.plain(review.score), f"{code} 复核意见": review.comment}
            | {f"{code} 退回理由": review.return_reason}
        )
        review.score, review.comment, review.return_reason = value, comment, reason
        review.reviewed_by, review.reviewed_at = user, now
        review.save(update_fields=["score", "comment", "return_reason", "reviewed_by", "reviewed_at"])
        trail_after.update(
            {f"{code} 复核得分": audit.plain(value), f"{code} 复核意见": comment, f"{code} 退回理由": reason}
        )
    changes = audit.diff(trail_before, trail_after)
    if changes:
        audit.record(
            actor=user, action=Audit.UPDATE, obj=round_, changes=changes, note=f"{round_}：修改{len(changed)}个指标"
        )
    return {}


def grade_of(assessment: SelfAssessment, total: Decimal, *, vetoed: bool) -> str:
    bands = [scoring.GradeBand(g.name, g.min_score) for g in Grade.objects.filter(standard_id=assessment.standard_id)]
    return scoring.grade_for(total, bands, vetoed=vetoed, veto_grade=assessment.standard.veto_grade)


@transaction.atomic
def save_review(
    *,
    assessment: SelfAssessment,
    user: User,
    rows: Sequence[ReviewInput],
    then: str = "",
    reason: str = "",
    vetoed: bool = False,
    veto_note: str = "",
    expected_version: int | None = None,
) -> ReviewRound:
    """Store the 复核得分, comments and return reasons; then, if asked, return the assessment or confirm it.

    All or nothing: a refused move leaves the typed values unsaved too, so the page shows them again with the
    reason, and nothing half-done is left behind."""
    assessment = _lock(assessment)
    if not policies.is_reviewer(user):
        raise PermissionDenied("只有市局复核人员可以录入复核得分。")
    if not policies.may_review(user, assessment):
        raise ReviewError({0: f"自评当前为“{assessment.get_status_display()}”，不在复核中。"})
    round_ = open_round(assessment)
    if expected_version is not None and round_.version != expected_version:
        who = str(round_.updated_by) if round_.updated_by_id else "他人"
        raise ReviewError(
            {
                0: f"复核表已被{who}于{when_text(round_.updated_at)}修改，您的修改未保存；下表为当前保存的内容，请核对后重新填写。"
            },
            stale=True,
        )
    errors = _apply(round_, rows, user)
    if errors:
        raise ReviewError(errors)
    round_.version, round_.updated_by, round_.updated_at = round_.version + 1, user, timezone.now()
    round_.save(update_fields=["version", "updated_by", "updated_at"])
    if then == "return":
        _return(assessment, round_, user=user, reason=reason.strip())
    elif then == "confirm":
        _confirm(assessment, round_, user=user, vetoed=vetoed, veto_note=veto_note.strip())
    return round_


def _close(round_: ReviewRound, *, user: User, outcome: str) -> None:
    round_.outcome, round_.closed_by, round_.closed_at = outcome, user, timezone.now()


def _return(assessment: SelfAssessment, round_: ReviewRound, *, user: User, reason: str) -> None:
    returned = list(round_.scores.exclude(return_reason="").select_related("indicator"))
    if not returned:
        raise ReviewError({0: "退回时至少为一个指标填写退回理由，说明需要区局修改什么。"})
    _close(round_, user=user, outcome=ReviewRound.Outcome.RETURNED)
    round_.reason = reason
    round_.save(update_fields=["outcome", "closed_by", "closed_at", "reason"])
    listed = "；".join(f"指标{r.indicator.code}：{r.return_reason}" for r in returned)
    _move(
        assessment,
        user=user,
        action=WorkflowEvent.Action.CITY_RETURN,
        target=Status.DRAFT,
        reason=(f"{reason}。" if reason else "") + listed,
    )


def _confirm(assessment: SelfAssessment, round_: ReviewRound, *, user: User, vetoed: bool, veto_note: str) -> None:
    scores = list(round_.scores.select_related("indicator"))
    missing = [s.indicator.code for s in scores if s.score is None]
    if missing:
        raise ReviewError({0: f"指标{'、'.join(missing)}还没有复核得分，全部复核后才能确认。"})
    pending = [s.indicator.code for s in scores if s.return_reason]
    if pending:
        raise ReviewError({0: f"指标{'、'.join(pending)}填写了退回理由：请退回区局修改，或清空理由后再确认。"})
    if vetoed and not assessment.standard.veto_description:
        raise ReviewError({0: "本标准没有一票否决情形。"})
    if vetoed and not veto_note:
        raise ReviewError({0: "认定一票否决时必须说明事实。"})
    total = scoring.total(s.score for s in scores)
    grade = grade_of(assessment, total, vetoed=vetoed)
    _close(round_, user=user, outcome=ReviewRound.Outcome.CONFIRMED)
    round_.vetoed, round_.veto_note, round_.total, round_.grade = vetoed, veto_note, total, grade
    round_.save(update_fields=["outcome", "closed_by", "closed_at", "vetoed", "veto_note", "total", "grade"])
    assessment.final_total, assessment.grade = total, grade
    note = f"复核总分{scoring.normalize(total)}分" + (f"，等次{grade}" if grade else "")
    if vetoed:
        note += f"（一票否决：{veto_note}）"
    _move(assessment, user=user, action=WorkflowEvent.Action.CONFIRM, target=Status.CONFIRMED, reason=note)


# --- carrying last year forward ----------------------------------------------------------------------


def previous_assessment(assessment: SelfAssessment) -> SelfAssessment | None:
    """The district's latest assessment of an earlier year."""
    return (
        SelfAssessment.objects.filter(organization_id=assessment.organization_id, year__lt=assessment.year)
        .order_by("-year")
        .first()
    )


@transaction.atomic
def carry_forward(*, assessment: SelfAssessment, user: User) -> int:
    """Copy last year's justifications into this year's unscored, unexplained indicators (matched by 编号).

    The scores stay empty: every carried justification is to be confirmed by scoring the indicator. Evidence
    is linked through the carried record, never copied. Returns how many indicators were carried."""
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not policies.may_carry_forward(user, assessment):
        raise PermissionDenied("只有本单位的填报人可以在草稿中沿用上年度说明。")
    previous = previous_assessment(assessment)
    if previous is None:
        raise ReviewError({0: f"{assessment.organization.short_name}没有{assessment.year}年度以前的自评可以沿用。"})
    sources = {
        s.indicator.code: s
        for s in Score.objects.filter(assessment=previous).select_related("indicator").exclude(justification="")
    }
    existing = {s.indicator_id: s for s in Score.objects.filter(assessment=assessment)}
    carried = 0
    trail: dict[str, list] = {}
    for indicator in Indicator.objects.filter(system__standard_id=assessment.standard_id):
        source = sources.get(indicator.code)
        current = existing.get(indicator.pk)
        if source is None or (current is not None and (current.score is not None or current.justification)):
            continue  # nothing to carry, or this year's work already started: never overwrite it
        if current is None:
            current = Score.objects.create(
                assessment=assessment, indicator=indicator, justification=source.justification
            )
        else:
            # a new version: a scoring form opened before this no longer saves over it (no lost update)
            Score.objects.filter(pk=current.pk).update(justification=source.justification, version=F("version") + 1)
        CarriedJustification.objects.update_or_create(score=current, defaults={"source": source})
        trail[f"{indicator.code} 自评说明"] = ["", source.justification]
        carried += 1
    if carried:
        audit.record(
            actor=user,
            action=Audit.UPDATE,
            obj=assessment,
            changes=trail,
            note=f"沿用{previous.year}年度自评说明：{carried}个指标，待确认",
        )
    return carried
