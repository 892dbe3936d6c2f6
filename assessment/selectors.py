"""Reads: the 评分表 as one structure that the page, the workbook and the report all use."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from assessment import scoring
from assessment.models import Evidence, Indicator, Score, SelfAssessment, Standard, System
from assessment.standard_files import GradeSpec, IndicatorSpec, RuleSpec, StandardSpec, SystemSpec


def standard_spec(standard: Standard) -> StandardSpec:
    systems = standard.systems.prefetch_related("indicators__rule_items")
    return StandardSpec(
        name=standard.name,
        issuer=standard.issuer,
        version=standard.version,
        year_from=standard.year_from,
        year_to=standard.year_to,
        total_max=standard.total_max,
        note=standard.note,
        publish=standard.is_published,
        systems=tuple(
            SystemSpec(
                name=s.name,
                max_score=s.max_score,
                indicators=tuple(
                    IndicatorSpec(
                        code=i.code,
                        name=i.name,
                        max_score=i.max_score,
                        department=i.responsible_department,
                        criteria=i.criteria,
                        rules=tuple(
                            RuleSpec(
                                kind=r.kind,
                                description=r.description,
                                points=r.points,
                                cap=r.cap,
                                measure=r.measure,
                                measure_params=tuple(sorted(r.measure_params.items())),
                            )
                            for r in i.rule_items.all()
                        ),
                    )
                    for i in s.indicators.all()
                ),
            )
            for s in systems
        ),
        grades=tuple(GradeSpec(name=g.name, min_score=g.min_score) for g in standard.grades.order_by("-min_score")),
        veto_description=standard.veto_description,
        veto_grade=standard.veto_grade,
    )


def assessments_for(user: User) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.for_user(user).select_related("organization", "standard")


@dataclass
class IndicatorRow:
    indicator: Indicator
    score: Score | None
    is_mine: bool

    @property
    def value(self) -> Decimal | None:
        return self.score.score if self.score else None

    @property
    def justification(self) -> str:
        return self.score.justification if self.score else ""

    @property
    def rule_items(self) -> list:
        return list(self.indicator.rule_items.all())

    @property
    def rule_counts(self) -> dict[int, int]:
        if not self.score:
            return {}
        return {c.rule_item_id: c.occurrences for c in self.score.rule_counts.all()}

    @property
    def evidence(self) -> list[Evidence]:
        return list(self.score.evidence.all()) if self.score else []


@dataclass
class SystemBlock:
    system: System
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return scoring.total(r.value for r in self.rows)

    @property
    def indicator_count(self) -> int:
        return len(self.rows)

    @property
    def scored_count(self) -> int:
        return sum(1 for r in self.rows if r.value is not None)


@dataclass
class ScoringSheet:
    assessment: SelfAssessment
    systems: list[SystemBlock]

    @property
    def total(self) -> Decimal:
        return sum((s.subtotal for s in self.systems), Decimal("0"))

    @property
    def max_total(self) -> Decimal:
        return self.assessment.standard.total_max

    @property
    def unscored_count(self) -> int:
        return sum(s.indicator_count - s.scored_count for s in self.systems)


def scoring_sheet(assessment: SelfAssessment, *, user: User | None = None) -> ScoringSheet:
    """Every indicator of the assessment's standard with its score; a fixed number of queries."""
    department = user.department.name if user is not None and user.department_id else None
    scores = {
        s.indicator_id: s
        for s in Score.objects.filter(assessment=assessment)
        .select_related("scored_by")
        .prefetch_related("rule_counts", Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")))
    }
    systems = System.objects.filter(standard_id=assessment.standard_id).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order").prefetch_related("rule_items"))
    )
    blocks = []
    for system in systems:
        block = SystemBlock(system=system)
        for indicator in system.indicators.all():
            block.rows.append(
                IndicatorRow(
                    indicator=indicator,
                    score=scores.get(indicator.pk),
                    is_mine=department is not None and indicator.responsible_department == department,
                )
            )
        blocks.append(block)
    return ScoringSheet(assessment=assessment, systems=blocks)


def overlapping_published(standard: Standard) -> list[Standard]:
    """Published standards whose years overlap ``standard``'s: publishing it would make a year ambiguous."""
    others = Standard.objects.filter(status=Standard.Status.PUBLISHED).exclude(pk=standard.pk)
    if standard.year_to is not None:
        others = others.filter(year_from__lte=standard.year_to)
    return list(others.exclude(year_to__lt=standard.year_from).order_by("year_from", "name", "version"))


def standard_for_year(year: int) -> Standard | None:
    """The published standard that applies to ``year``; publishing refuses overlapping years, so there is one."""
    return (
        Standard.objects.filter(status=Standard.Status.PUBLISHED, year_from__lte=year)
        .exclude(year_to__lt=year)
        .order_by("-version")
        .first()
    )


def counted_total(assessment: SelfAssessment, *, self_total: Decimal | None = None) -> Decimal | None:
    """The total that stands for the year: the city's confirmed 复核 total, else the district-approved self-score;
    None while the district has not approved (its sum is partial)."""
    if assessment.is_confirmed and assessment.final_total is not None:
        return assessment.final_total
    if not assessment.is_district_approved:
        return None
    if self_total is None:
        self_total = scoring.total(Score.objects.filter(assessment=assessment).values_list("score", flat=True))
    return self_total


def previous_year_total(assessment: SelfAssessment) -> Decimal | None:
    """Last year's counted total of the same district, for the report's {上年度总分}."""
    previous = SelfAssessment.objects.filter(
        organization_id=assessment.organization_id, year=assessment.year - 1
    ).first()
    return counted_total(previous) if previous is not None else None
