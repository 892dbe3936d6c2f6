"""An earlier year beside the current one, per indicator and per system, with the change.

Indicators are matched by their 编号 and systems by their name, so two standard versions compare where they agree;
an indicator only one year has shows a dash for the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assessment.models import Score, SelfAssessment, System
from review.models import ReviewRound, ReviewScore

ZERO = Decimal("0")


@dataclass(frozen=True)
class Pair:
    label: str
    max_score: Decimal | None
    earlier: Decimal | None
    current: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.earlier is None or self.current is None:
            return None
        return self.current - self.earlier


@dataclass(frozen=True)
class SystemPairs:
    system: Pair
    indicators: list[Pair]


@dataclass(frozen=True)
class YearBesideYear:
    current: SelfAssessment
    earlier: SelfAssessment
    systems: list[SystemPairs]
    total: Pair


def earlier_years(assessment: SelfAssessment) -> list[int]:
    """The district's earlier years with an assessment, newest first."""
    return list(
        SelfAssessment.objects.filter(organization_id=assessment.organization_id, year__lt=assessment.year)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def final_scores(assessment: SelfAssessment) -> dict[str, Decimal | None]:
    """Indicator 编号 → the score that counts: the confirmed 复核得分, else the district's own."""
    if assessment.status == SelfAssessment.Status.CONFIRMED:
        return dict(
            ReviewScore.objects.filter(
                round__assessment=assessment, round__outcome=ReviewRound.Outcome.CONFIRMED
            ).values_list("indicator__code", "score")
        )
    return dict(Score.objects.filter(assessment=assessment).values_list("indicator__code", "score"))


def final_total(assessment: SelfAssessment) -> Decimal:
    if assessment.status == SelfAssessment.Status.CONFIRMED and assessment.final_total is not None:
        return assessment.final_total
    return sum((v for v in final_scores(assessment).values() if v is not None), ZERO)


def _sum(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def year_beside_year(assessment: SelfAssessment, year: int) -> YearBesideYear | None:
    earlier = SelfAssessment.objects.filter(organization_id=assessment.organization_id, year=year).first()
    if earlier is None:
        return None
    now, then = final_scores(assessment), final_scores(earlier)
    earlier_systems = {
        s.name: {i.code for i in s.indicators.all()}
        for s in System.objects.filter(standard_id=earlier.standard_id).prefetch_related("indicators")
    }
    blocks = []
    for system in System.objects.filter(standard_id=assessment.standard_id).prefetch_related("indicators"):
        pairs = [
            Pair(label=f"{i.code} {i.name}", max_score=i.max_score, earlier=then.get(i.code), current=now.get(i.code))
            for i in system.indicators.all()
        ]
        codes_then = earlier_systems.get(system.name)
        blocks.append(
            SystemPairs(
                system=Pair(
                    label=system.name,
                    max_score=system.max_score,
                    earlier=_sum(then.get(c) for c in codes_then) if codes_then is not None else None,
                    current=_sum(p.current for p in pairs),
                ),
                indicators=pairs,
            )
        )
    return YearBesideYear(
        current=assessment,
        earlier=earlier,
        systems=blocks,
        total=Pair(
            label="合计",
            max_score=assessment.standard.total_max,
            earlier=final_total(earlier),
            current=final_total(assessment),
        ),
    )
