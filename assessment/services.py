"""Every write with rules: standards, scores, evidence, workflow and 评分表 imports.

Each function is atomic and takes keyword-only arguments. Callers (views, commands) have already
scoped objects to the user's organisation; these functions check roles and states.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, User
from assessment import scoring
from assessment.models import (
    Evidence,
    Grade,
    Indicator,
    RuleCount,
    RuleItem,
    Score,
    SelfAssessment,
    Standard,
    System,
    WorkflowEvent,
)
from assessment.selectors import overlapping_published, standard_spec
from assessment.standard_files import StandardSpec
from audit import services as audit
from audit.models import AuditEvent

Audit = AuditEvent.Action


class AssessmentError(Exception):
    """A request that breaks a rule; the message is shown to the user as is."""


class StandardNotPublishable(AssessmentError):
    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("标准不能发布：" + "".join(self.problems))


def when_text(moment) -> str:
    return f"{timezone.localtime(moment):%Y年%-m月%-d日 %H:%M}" if moment else "此前"


class DuplicateAssessment(AssessmentError):
    """A district has one self-assessment per year (the database refuses a second)."""

    def __init__(self, existing: SelfAssessment):
        self.existing = existing
        super().__init__(
            f"{existing.organization.short_name}{existing.year}年度的自评已经存在，每个区每年只有一份自评。"
        )


class StaleScore(AssessmentError):
    """The score was saved by someone else after the form was loaded: nothing was saved (no lost update)."""

    def __init__(self, current: Score | None):
        self.current = current
        value = "未评分" if current is None or current.score is None else f"{scoring.normalize(current.score)}分"
        who = str(current.scored_by) if current is not None and current.scored_by_id else "他人"
        when = when_text(current.scored_at if current is not None else None)
        super().__init__(f"该指标已被{who}于{when}修改，您的修改未保存；当前得分为{value}，请刷新后重新填写。")


# --- the standard -------------------------------------------------------------------------------


def ensure_standard_editable(standard: Standard) -> None:
    if standard.is_published:
        raise AssessmentError(f"“{standard}”已发布，不能修改；请复制为新版本后再修改。")


def _create_structure(standard: Standard, spec: StandardSpec) -> None:
    Grade.objects.bulk_create(Grade(standard=standard, name=g.name, min_score=g.min_score) for g in spec.grades)
    for s_order, s in enumerate(spec.systems, start=1):
        system = System.objects.create(standard=standard, order=s_order, name=s.name, max_score=s.max_score)
        for i_order, i in enumerate(s.indicators, start=1):
            indicator = Indicator.objects.create(
                system=system,
                order=i_order,
                code=i.code,
                name=i.name,
                criteria=i.criteria,
                max_score=i.max_score,
                responsible_department=i.department,
            )
            RuleItem.objects.bulk_create(
                RuleItem(
                    indicator=indicator,
                    order=r_order,
                    kind=r.kind,
                    description=r.description,
                    points=r.points,
                    cap=r.cap,
                )
                for r_order, r in enumerate(i.rules, start=1)
            )


def _standard_lines(spec: StandardSpec) -> dict[str, str]:
    """The standard as one line per part, so that the audit trail shows which parts a reload changed."""
    n = audit.plain
    lines = {
        "标准": f"{spec.issuer}；适用{spec.year_from}—{spec.year_to or ''}年度；总分{n(spec.total_max)}；说明：{spec.note}"
    }
    if spec.grades or spec.veto_description:
        grades = "；".join(f"{g.name}≥{n(g.min_score)}" for g in spec.grades)
        lines["等次"] = f"{grades}；一票否决：{spec.veto_description or '无'}（最高{spec.veto_grade or '—'}）"
    for system in spec.systems:
        lines[f"体系“{system.name}”"] = f"满分{n(system.max_score)}；{len(system.indicators)}个指标"
        for i in system.indicators:
            rules = "；".join(f"{r.kind} {r.description} {n(r.points)}/{n(r.cap)}" for r in i.rules)
            lines[f"指标{i.code}"] = (
                f"{i.name}；满分{n(i.max_score)}；责任部门：{i.department}；评分标准：{i.criteria}；规则：{rules or '无'}"
            )
    return lines


@transaction.atomic
def load_standard(*, spec: StandardSpec, actor: User | None = None) -> tuple[Standard, str]:
    """Create or update the standard named in ``spec``; loading the same file twice changes nothing.

    Returns the standard and what happened: "created", "updated" or "unchanged".
    """
    standard = Standard.objects.select_for_update().filter(name=spec.name, version=spec.version).first()
    if standard is not None and standard_spec(standard).content() == spec.content():
        if spec.publish and not standard.is_published:
            publish_standard(standard=standard, actor=actor)
            return standard, "updated"
        return standard, "unchanged"
    before: dict[str, str] = {}
    if standard is None:
        standard = Standard(name=spec.name, version=spec.version)
        outcome = "created"
    else:
        ensure_standard_editable(standard)
        before = _standard_lines(standard_spec(standard))
        standard.systems.all().delete()
        standard.grades.all().delete()
        outcome = "updated"
    standard.issuer = spec.issuer
    standard.year_from = spec.year_from
    standard.year_to = spec.year_to
    standard.total_max = spec.total_max
    standard.note = spec.note
    standard.veto_description = spec.veto_description
    standard.veto_grade = spec.veto_grade
    standard.save()
    _create_structure(standard, spec)
    audit.record(
        actor=actor,
        action=Audit.CREATE if outcome == "created" else Audit.UPDATE,
        obj=standard,
        changes=audit.diff(before, _standard_lines(spec)),
        note="载入标准文件",
    )
    if spec.publish:
        publish_standard(standard=standard, actor=actor)
    return standard, outcome


@transaction.atomic
def publish_standard(*, standard: Standard, actor: User | None = None) -> None:
    locked = Standard.objects.select_for_update().get(pk=standard.pk)
    if locked.is_published:
        standard.refresh_from_db()
        return
    systems = [
        scoring.SystemMaxima(
            name=system.name,
            max_score=system.max_score,
            indicator_maxima=[i.max_score for i in system.indicators.all()],
        )
        for system in locked.systems.prefetch_related("indicators")
    ]
    problems = scoring.publishing_problems(locked.total_max, systems)
    problems += scoring.grade_problems(
        locked.total_max,
        [scoring.GradeBand(g.name, g.min_score) for g in locked.grades.all()],
        veto_description=locked.veto_description,
        veto_grade=locked.veto_grade,
    )
    problems += [
        f"适用年度与已发布的“{other}”（{other.year_from}—{other.year_to or ''}年度）重叠，同一年度只能有一个已发布的标准。"
        for other in overlapping_published(locked)
    ]
    if problems:
        raise StandardNotPublishable(problems)
    locked.status = Standard.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit.record(
        actor=actor,
        action=Audit.PUBLISH,
        obj=locked,
        changes={"status": [Standard.Status.DRAFT.label, Standard.Status.PUBLISHED.label]},
        note="发布后冻结，不能再修改",
    )
    standard.status, standard.published_at = locked.status, locked.published_at


@transaction.atomic
def copy_standard(*, standard: Standard, actor: User | None = None) -> Standard:
    """A new draft version with the same systems, indicators and rules, for the admin to edit.

    Its years start after the copied version's last year: publishing refuses two published versions for one
    year (docs/standard.md "一个年度一个标准"), so a new version covers the years after the old one."""
    latest = Standard.objects.filter(name=standard.name).order_by("-version").values_list("version", flat=True)
    copy = Standard.objects.create(
        name=standard.name,
        issuer=standard.issuer,
        version=latest[0] + 1,
        year_from=standard.year_to + 1 if standard.year_to is not None else standard.year_from,
        year_to=None if standard.year_to is not None else standard.year_to,
        total_max=standard.total_max,
        note=standard.note,
        veto_description=standard.veto_description,
        veto_grade=standard.veto_grade,
        based_on=standard,
    )
    spec = standard_spec(standard)
    _create_structure(copy, spec)
    audit.record(
        actor=actor,
        action=Audit.CREATE,
        obj=copy,
        changes=audit.diff({}, _standard_lines(spec)),
        note=f"复制自“{standard}”",
    )
    return copy


# --- self-assessments and scores ----------------------------------------------------------------


@transaction.atomic
def create_self_assessment(*, organization: Organization, year: int, standard: Standard) -> SelfAssessment:
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
            return SelfAssessment.objects.create(organization=organization, year=year, standard=standard)
    except IntegrityError:
        # created by a concurrent request between our read and our insert: one per district and year
        raise DuplicateAssessment(SelfAssessment.objects.get(organization=organization, year=year)) from None


def _lock(assessment: SelfAssessment) -> SelfAssessment:
    """Re-read the assessment under a row lock so that concurrent moves see each other."""
    return SelfAssessment.objects.select_for_update().get(pk=assessment.pk)


def _ensure_can_score(assessment: SelfAssessment, user: User) -> None:
    if not user.has_perm("assessment.score_selfassessment") or user.organization_id != assessment.organization_id:
        raise PermissionDenied("只有本单位的填报人可以自评打分。")
    if assessment.is_locked:
        raise AssessmentError("自评已审定并锁定，不能修改。")
    if not assessment.is_editable:
        raise AssessmentError("自评已提交，正在审核，不能修改；如需修改请由领导退回。")


def rule_score(indicator: Indicator, counts: Mapping[int, int]) -> Decimal:
    return scoring.score_from_rules(
        indicator.max_score,
        [
            scoring.RuleApplication(kind=r.kind, points=r.points, cap=r.cap, occurrences=counts.get(r.pk, 0))
            for r in indicator.rule_items.all()
        ],
    )


def _score_state(score: Score | None, rules: Sequence[RuleItem]) -> dict[str, object]:
    """What the trail compares for a score: its value, its justification and each rule item's count."""
    if score is None:
        return {}
    counts = dict(RuleCount.objects.filter(score=score).values_list("rule_item_id", "occurrences"))
    state: dict[str, object] = {"score": audit.plain(score.score), "justification": score.justification}
    for rule in rules:
        state[f"{rule.get_kind_display()}次数：{rule.description}"] = counts.get(rule.pk, 0)
    return state


@transaction.atomic
def save_score(
    *,
    assessment: SelfAssessment,
    indicator: Indicator,
    user: User,
    value: Decimal | None,
    justification: str,
    rule_counts: Mapping[int, int] | None = None,
    new_evidence: Sequence[UploadedFile] = (),
    evidence_max_bytes: int = 20 * 1024 * 1024,
    expected_version: int | None = None,
) -> Score:
    """Save one indicator's score, justification and new evidence files, all or nothing.

    Indicators with rule items get their score from the counts of each rule item.

    ``expected_version`` is the score's version when the form was loaded (0: there was no score yet). A save
    against any other version raises StaleScore and saves nothing. The check is made by the database: the
    UPDATE only matches the row while it still has the version that was read (``WHERE pk = … AND version = …``),
    and a first score is an INSERT that the unique constraint refuses if someone else inserted it first.
    None skips the comparison with the form (commands, the demo) but not the database check.
    """
    assessment = _lock(assessment)
    _ensure_can_score(assessment, user)
    extensions = [check_evidence_file(f, max_bytes=evidence_max_bytes) for f in new_evidence]
    if indicator.system.standard_id != assessment.standard_id:
        raise AssessmentError("该指标不属于本次自评所用的标准。")
    rules = list(indicator.rule_items.all())
    counts: dict[int, int] = {}
    if rules:
        counts = {r.pk: int((rule_counts or {}).get(r.pk, 0)) for r in rules}
        value = rule_score(indicator, counts)
    elif value is not None:
        value = scoring.parse_score(value, indicator.max_score)
    scores = Score.objects.select_related("scored_by")
    score = scores.filter(assessment=assessment, indicator=indicator).first()
    if expected_version is not None and (score.version if score else 0) != expected_version:
        raise StaleScore(score)
    before = _score_state(score, rules)
    values = {"score": value, "justification": justification, "scored_by": user, "scored_at": timezone.now()}
    if score is None:
        try:
            with transaction.atomic():
                score = Score.objects.create(assessment=assessment, indicator=indicator, **values)
        except IntegrityError:
            # another save inserted this indicator's score between our read and our insert
            raise StaleScore(scores.filter(assessment=assessment, indicator=indicator).first()) from None
    else:
        claimed = Score.objects.filter(pk=score.pk, version=score.version).update(**values, version=F("version") + 1)
        if not claimed:
            raise StaleScore(scores.filter(pk=score.pk).first())
        score.refresh_from_db()
    for rule in rules:
        RuleCount.objects.update_or_create(score=score, rule_item=rule, defaults={"occurrences": counts[rule.pk]})
    changes = audit.diff(before, _score_state(score, rules))
    where = f"{assessment} 指标{indicator.code}“{indicator.name}”"
    if changes:
        audit.record(
            actor=user,
            action=Audit.UPDATE if before else Audit.CREATE,
            obj=score,
            organization=assessment.organization_id,
            changes=changes,
            note=where,
        )
    for uploaded, extension in zip(new_evidence, extensions, strict=True):
        evidence = _store_evidence(score=score, user=user, uploaded=uploaded, extension=extension)
        audit.record(
            actor=user,
            action=Audit.CREATE,
            obj=evidence,
            organization=assessment.organization_id,
            changes=audit.created(evidence, ["original_name", "size"]),
            note=f"{where}的佐证材料",
        )
    return score


EVIDENCE_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def check_evidence_file(uploaded: UploadedFile, *, max_bytes: int) -> str:
    """The file's extension, when its name, size and first bytes are those of an allowed type."""
    name = uploaded.name or ""
    extension = PurePath(name).suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise AssessmentError(f"文件“{name}”的类型不允许，只能上传 PDF、JPG、PNG、DOCX、XLSX 文件。")
    if uploaded.size > max_bytes:
        raise AssessmentError(
            f"文件“{name}”大小为{uploaded.size / 1024 / 1024:.1f} MB，超过上限{max_bytes // 1024 // 1024} MB。"
        )
    if uploaded.size == 0:
        raise AssessmentError(f"文件“{name}”是空文件。")
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if not any(head.startswith(magic) for magic in EVIDENCE_TYPES[extension]):
        raise AssessmentError(f"文件“{name}”的内容与扩展名{extension}不符。")
    return extension


def _store_evidence(*, score: Score, user: User, uploaded: UploadedFile, extension: str) -> Evidence:
    evidence = Evidence(
        score=score, original_name=PurePath(uploaded.name).name[:255], size=uploaded.size, uploaded_by=user
    )
    stored_name = f"evidence/{score.assessment.organization.code}/{score.assessment.year}/{uuid.uuid4().hex}{extension}"
    evidence.file.save(stored_name, uploaded, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, user: User) -> None:
    assessment = _lock(evidence.score.assessment)
    _ensure_can_score(assessment, user)
    audit.record(
        actor=user,
        action=Audit.DELETE,
        obj=evidence,
        organization=assessment.organization_id,
        changes=audit.deleted(evidence, ["original_name", "size", "uploaded_by", "uploaded_at"]),
        note=f"{assessment} 指标{evidence.score.indicator.code}的佐证材料",
    )
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


# --- workflow ---------------------------------------------------------------------------------------

_MOVES = {
    # action: (permission, from, to)
    WorkflowEvent.Action.SUBMIT: (
        "assessment.submit_selfassessment",
        SelfAssessment.Status.DRAFT,
        SelfAssessment.Status.SUBMITTED,
    ),
    WorkflowEvent.Action.RETURN: (
        "assessment.review_selfassessment",
        SelfAssessment.Status.SUBMITTED,
        SelfAssessment.Status.DRAFT,
    ),
    WorkflowEvent.Action.APPROVE: (
        "assessment.review_selfassessment",
        SelfAssessment.Status.SUBMITTED,
        SelfAssessment.Status.APPROVED,
    ),
}


def allowed_moves(assessment: SelfAssessment, user: User) -> list[str]:
    return [
        action
        for action, (permission, source, _) in _MOVES.items()
        if assessment.status == source
        and user.has_perm(permission)
        and user.organization_id == assessment.organization_id
    ]


@transaction.atomic
def move_assessment(*, assessment: SelfAssessment, user: User, action: str, reason: str = "") -> SelfAssessment:
    assessment = _lock(assessment)
    permission, source, target = _MOVES[WorkflowEvent.Action(action)]
    label = WorkflowEvent.Action(action).label
    if not user.has_perm(permission) or user.organization_id != assessment.organization_id:
        raise PermissionDenied(f"您没有{label}本单位自评的权限。")
    if assessment.status != source:
        raise AssessmentError(f"自评当前为“{assessment.get_status_display()}”，不能{label}。")
    reason = reason.strip()
    if action == WorkflowEvent.Action.RETURN and not reason:
        raise AssessmentError("退回时必须填写退回理由。")
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


# --- 评分表 import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedRow:
    row_number: int
    code: str
    score: Decimal | None
    justification: str


@transaction.atomic
def import_scores(*, assessment: SelfAssessment, user: User, rows: Sequence[ImportedRow]) -> int:
    """Apply a parsed 评分表: all rows or none. Returns how many indicators changed.

    A bulk operation on the current values: the workbook carries no versions, so rows are not checked against
    one. Rows equal to what is stored are skipped; each changed score gets a new version (a scoring form opened
    before the import is then refused), and the whole import is one audit event with every old and new value.
    """
    assessment = _lock(assessment)
    _ensure_can_score(assessment, user)
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(system__standard_id=assessment.standard_id).prefetch_related("rule_items")
    }
    existing = {s.indicator_id: s for s in Score.objects.filter(assessment=assessment)}
    errors: list[str] = []
    changes: list[tuple[Indicator, Decimal | None, str]] = []
    for row in rows:
        indicator = indicators.get(row.code)
        if indicator is None:
            errors.append(f"第{row.row_number}行：指标编号“{row.code}”不在本次自评所用的标准中。")
            continue
        current = existing.get(indicator.pk)
        current_value = current.score if current else None
        current_text = current.justification if current else ""
        if row.score == current_value and row.justification == current_text:
            continue
        if indicator.rule_items.all() and row.score != current_value:
            errors.append(
                f"第{row.row_number}行：指标{row.code}的得分按评分规则计算，请在评分页面录入扣分/加分次数，不能直接修改得分。"
            )
            continue
        if row.score is not None and row.score > indicator.max_score:
            errors.append(
                f"第{row.row_number}行：指标{row.code}得分{scoring.normalize(row.score)}超过满分{scoring.normalize(indicator.max_score)}分。"
            )
            continue
        changes.append((indicator, row.score, row.justification))
    if errors:
        raise ScoreImportError(errors)
    trail: dict[str, list] = {}
    for indicator, value, text in changes:
        values = {"score": value, "justification": text, "scored_by": user, "scored_at": timezone.now()}
        current = existing.get(indicator.pk)
        if current is None:
            Score.objects.create(assessment=assessment, indicator=indicator, **values)
        else:
            Score.objects.filter(pk=current.pk).update(**values, version=F("version") + 1)
        trail.update(
            {
                f"{indicator.code} 得分": [audit.plain(current.score if current else None), audit.plain(value)],
                f"{indicator.code} 自评说明": [current.justification if current else "", text],
            }
        )
    audit.record(
        actor=user,
        action=Audit.IMPORT,
        obj=assessment,
        changes=audit.diff({k: v[0] for k, v in trail.items()}, {k: v[1] for k, v in trail.items()}),
        note=f"评分表导入：更新了{len(changes)}个指标",
    )
    return len(changes)


class ScoreImportError(AssessmentError):
    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__("评分表有错误，未导入任何内容：" + "；".join(self.errors))
