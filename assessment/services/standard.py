"""Writes on the standard: load a standard file, publish (then frozen), copy to a new draft version."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assessment import scoring
from assessment.models import Grade, Indicator, RuleItem, Standard, System
from assessment.selectors import overlapping_published, standard_spec
from assessment.services.common import AssessmentError
from assessment.standard_files import StandardSpec
from audit import services as audit
from audit.models import AuditEvent

Audit = AuditEvent.Action


class StandardNotPublishable(AssessmentError):
    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("标准不能发布：" + "".join(self.problems))


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
                    measure=r.measure,
                    measure_params=dict(r.measure_params),
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


def _sync_measures(standard: Standard, spec: StandardSpec) -> None:
    """A file may name measures for a standard already loaded (even published): they change no score."""
    wanted = {
        (i.code, order): (r.measure, dict(r.measure_params))
        for s in spec.systems
        for i in s.indicators
        for order, r in enumerate(i.rules, start=1)
    }
    for rule in RuleItem.objects.filter(indicator__system__standard=standard).select_related("indicator"):
        measure, params = wanted.get((rule.indicator.code, rule.order), ("", {}))
        if (rule.measure, rule.measure_params) != (measure, params):
            RuleItem.objects.filter(pk=rule.pk).update(measure=measure, measure_params=params)


@transaction.atomic
def load_standard(*, spec: StandardSpec, actor: User | None = None) -> tuple[Standard, str]:
    """Create or update the standard named in ``spec``; loading the same file twice changes nothing.

    Returns the standard and what happened: "created", "updated" or "unchanged".
    """
    standard = Standard.objects.select_for_update().filter(name=spec.name, version=spec.version).first()
    if standard is not None and standard_spec(standard).content() == spec.content():
        _sync_measures(standard, spec)
        if spec.publish and not standard.is_published:
            publish_standard(standard=standard, actor=actor)
            return standard, "updated"
        return standard, "unchanged"
    if standard is not None and standard.is_published and _only_grades_added(standard, spec):
        return _add_grades(standard, spec, actor), "updated"
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


def _only_grades_added(standard: Standard, spec: StandardSpec) -> bool:
    """A standard published before it could have 等次, and a file that adds them and changes nothing else."""
    current = standard_spec(standard)
    if current.grades or current.veto_description or not (spec.grades or spec.veto_description):
        return False
    ignored = ("grades", "veto_description", "veto_grade")
    return {k: v for k, v in current.content().items() if k not in ignored} == {
        k: v for k, v in spec.content().items() if k not in ignored
    }


def _add_grades(standard: Standard, spec: StandardSpec, actor: User | None) -> Standard:
    """Give 等次 to a published standard that has none: no score changes, so its freeze is kept in spirit; an
    existing database loads the shipped file again (``seed_demo``) instead of failing on it."""
    problems = scoring.grade_problems(
        standard.total_max,
        [scoring.GradeBand(g.name, g.min_score) for g in spec.grades],
        veto_description=spec.veto_description,
        veto_grade=spec.veto_grade,
    )
    if problems:
        raise StandardNotPublishable(problems)
    before = _standard_lines(standard_spec(standard))
    Grade.objects.bulk_create(Grade(standard=standard, name=g.name, min_score=g.min_score) for g in spec.grades)
    standard.veto_description, standard.veto_grade = spec.veto_description, spec.veto_grade
    standard.save(update_fields=["veto_description", "veto_grade"])
    audit.record(
        actor=actor,
        action=Audit.UPDATE,
        obj=standard,
        changes=audit.diff(before, _standard_lines(spec)),
        note="载入标准文件：为已发布的标准补充等次（得分不变）",
    )
    return standard


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


# --- admin edits of a draft standard ----------------------------------------------------------------------

StandardPart = Standard | Grade | System | Indicator | RuleItem


def standard_of(part: StandardPart | None) -> Standard | None:
    if isinstance(part, Standard):
        return part
    if isinstance(part, Grade | System):
        return part.standard
    if isinstance(part, Indicator):
        return part.system.standard
    if isinstance(part, RuleItem):
        return part.indicator.system.standard
    return None


def is_frozen(part: StandardPart | None) -> bool:
    """A published standard is frozen: it, its systems, indicators and rule items can no longer change."""
    standard = standard_of(part)
    return standard is not None and standard.is_published


def _stored(part: StandardPart) -> StandardPart | None:
    return type(part)._default_manager.filter(pk=part.pk).first() if part.pk is not None else None


@transaction.atomic
def save_standard_part(*, part: StandardPart, actor: User | None, note: str = "管理后台") -> None:
    """Save an admin's edit of a standard, system, indicator or rule item, audited; refused once published.

    Both the stored part and the edited one are checked, so that nothing moves out of, or into, a published
    standard.
    """
    stored = _stored(part)
    for standard in (standard_of(stored), standard_of(part)):
        if standard is not None and standard.pk is not None:
            ensure_standard_editable(Standard.objects.get(pk=standard.pk))  # as stored, not as edited
    before = audit.snapshot(stored) if stored is not None else {}
    part.save()
    changes = audit.diff(before, audit.snapshot(part))
    if stored is None or changes:
        audit.record(actor=actor, action=Audit.UPDATE if stored else Audit.CREATE, obj=part, changes=changes, note=note)


@transaction.atomic
def delete_standard_part(*, part: StandardPart, actor: User | None, note: str = "管理后台") -> None:
    """Delete a draft standard or one of its parts (with what hangs below it), audited; refused once published."""
    standard = standard_of(_stored(part) or part)
    if standard is not None:
        ensure_standard_editable(Standard.objects.get(pk=standard.pk))
    # recorded first, in the same transaction: a deletion that fails takes its event back with it
    audit.record(actor=actor, action=Audit.DELETE, obj=part, changes=audit.deleted(part), note=note)
    part.delete()
