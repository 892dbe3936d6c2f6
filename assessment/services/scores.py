"""Writes on scores: one indicator from the scoring page, or many from an uploaded 评分表.

Both go through ``_write_score``, the one place a score's row and version change. Callers (views, commands) have
already scoped objects to the user's organisation; these functions check roles and states.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from assessment import scoring
from assessment.models import Indicator, RuleCount, RuleItem, Score, SelfAssessment
from assessment.services.common import AssessmentError, ensure_may_score, lock_assessment, when_text
from assessment.services.evidence import add_evidence, check_evidence_file
from audit import services as audit
from audit.models import AuditEvent

Audit = AuditEvent.Action


class StaleScore(AssessmentError):
    """The score was saved by someone else after the form was loaded: nothing was saved (no lost update)."""

    def __init__(self, current: Score | None):
        self.current = current
        value = "未评分" if current is None or current.score is None else f"{scoring.normalize(current.score)}分"
        who = str(current.scored_by) if current is not None and current.scored_by_id else "他人"
        when = when_text(current.scored_at if current is not None else None)
        super().__init__(f"该指标已被{who}于{when}修改，您的修改未保存；当前得分为{value}，请刷新后重新填写。")


class ScoreImportError(AssessmentError):
    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__("评分表有错误，未导入任何内容：" + "；".join(self.errors))


@dataclass(frozen=True)
class ImportedRow:
    row_number: int
    code: str
    score: Decimal | None
    justification: str


def rule_score(indicator: Indicator, counts: Mapping[int, int]) -> Decimal:
    return scoring.score_from_rules(
        indicator.max_score,
        [
            scoring.RuleApplication(kind=r.kind, points=r.points, cap=r.cap, occurrences=counts.get(r.pk, 0))
            for r in indicator.rule_items.all()
        ],
    )


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
    against any other version raises StaleScore and saves nothing; the database makes the final check (see
    ``_write_score``). None skips the comparison with the form (commands, the demo) but not the database check.
    """
    assessment = lock_assessment(assessment)
    ensure_may_score(assessment, user)
    extensions = [check_evidence_file(f, max_bytes=evidence_max_bytes) for f in new_evidence]
    if indicator.system.standard_id != assessment.standard_id:
        raise AssessmentError("该指标不属于本次自评所用的标准。")
    rules = list(indicator.rule_items.all())
    counts = {r.pk: int((rule_counts or {}).get(r.pk, 0)) for r in rules}
    value = rule_score(indicator, counts) if rules else _parsed(value, indicator)

    score = Score.objects.select_related("scored_by").filter(assessment=assessment, indicator=indicator).first()
    if expected_version is not None and (score.version if score else 0) != expected_version:
        raise StaleScore(score)
    before = _score_state(score, rules)
    score = _write_score(
        assessment=assessment, indicator=indicator, current=score, user=user, value=value, justification=justification
    )
    for rule in rules:
        RuleCount.objects.update_or_create(score=score, rule_item=rule, defaults={"occurrences": counts[rule.pk]})

    where = f"{assessment} 指标{indicator.code}“{indicator.name}”"
    if changes := audit.diff(before, _score_state(score, rules)):
        audit.record(
            actor=user,
            action=Audit.UPDATE if before else Audit.CREATE,
            obj=score,
            organization=assessment.organization_id,
            changes=changes,
            note=where,
        )
    for uploaded, extension in zip(new_evidence, extensions, strict=True):
        add_evidence(score=score, user=user, uploaded=uploaded, extension=extension, where=where)
    return score


def _parsed(value: Decimal | None, indicator: Indicator) -> Decimal | None:
    return None if value is None else scoring.parse_score(value, indicator.max_score)


def _write_score(
    *,
    assessment: SelfAssessment,
    indicator: Indicator,
    current: Score | None,
    user: User,
    value: Decimal | None,
    justification: str,
) -> Score:
    """Insert the first score or move ``current`` to its next version; StaleScore when someone got there first.

    The database makes the check: the UPDATE only matches the row while it still has the version that was read
    (``WHERE pk = … AND version = …``), and a first score is an INSERT that the unique constraint refuses if
    someone else inserted it first.
    """
    values = {"score": value, "justification": justification, "scored_by": user, "scored_at": timezone.now()}
    scores = Score.objects.select_related("scored_by")
    if current is None:
        try:
            with transaction.atomic():
                return Score.objects.create(assessment=assessment, indicator=indicator, **values)
        except IntegrityError:
            raise StaleScore(scores.filter(assessment=assessment, indicator=indicator).first()) from None
    if not Score.objects.filter(pk=current.pk, version=current.version).update(**values, version=F("version") + 1):
        raise StaleScore(scores.filter(pk=current.pk).first())
    current.refresh_from_db()
    return current


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
def import_scores(*, assessment: SelfAssessment, user: User, rows: Sequence[ImportedRow]) -> int:
    """Apply a parsed 评分表: all rows or none. Returns how many indicators changed.

    A bulk operation on the current values: the workbook carries no versions, so rows are not checked against
    one. Rows equal to what is stored are skipped; each changed score gets a new version (a scoring form opened
    before the import is then refused), and the whole import is one audit event with every old and new value.
    """
    assessment = lock_assessment(assessment)
    ensure_may_score(assessment, user)
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
        current = existing.get(indicator.pk)
        trail.update(
            {
                f"{indicator.code} 得分": [audit.plain(current.score if current else None), audit.plain(value)],
                f"{indicator.code} 自评说明": [current.justification if current else "", text],
            }
        )
        _write_score(
            assessment=assessment, indicator=indicator, current=current, user=user, value=value, justification=text
        )
    audit.record(
        actor=user,
        action=Audit.IMPORT,
        obj=assessment,
        changes=audit.diff({k: v[0] for k, v in trail.items()}, {k: v[1] for k, v in trail.items()}),
        note=f"评分表导入：更新了{len(changes)}个指标",
    )
    return len(changes)
