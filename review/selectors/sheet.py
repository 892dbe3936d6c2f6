"""Reads of the 复核: one assessment's review sheet, round by round, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Subquery

from assessment import scoring
from assessment.models import Indicator, Score, SelfAssessment, System
from review.models import CarriedJustification, ReviewRound, ReviewScore


@dataclass
class ReviewRow:
    indicator: Indicator
    district_score: Decimal | None  # the district's score now
    justification: str  # the district's 自评说明 now
    review: ReviewScore | None  # in the open round, else the latest closed one
    returned: ReviewScore | None  # the latest return's entry for this indicator, when it had a reason

    @property
    def review_score(self) -> Decimal | None:
        return self.review.score if self.review else None

    @property
    def change(self) -> Decimal | None:
        if self.review_score is None or self.district_score is None:
            return None
        return self.review_score - self.district_score


@dataclass
class ReviewBlock:
    system: System
    rows: list[ReviewRow] = field(default_factory=list)

    @property
    def district_subtotal(self) -> Decimal:
        return scoring.total(r.district_score for r in self.rows)

    @property
    def review_subtotal(self) -> Decimal:
        return scoring.total(r.review_score for r in self.rows)


@dataclass
class ReviewSheet:
    assessment: SelfAssessment
    rounds: list[ReviewRound]
    systems: list[ReviewBlock]

    @property
    def current(self) -> ReviewRound | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def open_round(self) -> ReviewRound | None:
        return self.current if self.current is not None and self.current.is_open else None

    @property
    def last_return(self) -> ReviewRound | None:
        returned = [r for r in self.rounds if r.outcome == ReviewRound.Outcome.RETURNED]
        return returned[-1] if returned else None

    @property
    def district_total(self) -> Decimal:
        return sum((b.district_subtotal for b in self.systems), Decimal("0"))

    @property
    def review_total(self) -> Decimal:
        return sum((b.review_subtotal for b in self.systems), Decimal("0"))

    @property
    def rows(self) -> list[ReviewRow]:
        return [r for b in self.systems for r in b.rows]

    @property
    def returned_rows(self) -> list[ReviewRow]:
        return [r for r in self.rows if r.returned is not None]


def review_sheet(assessment: SelfAssessment) -> ReviewSheet:
    rounds = list(assessment.review_rounds.select_related("started_by", "closed_by").order_by("number"))
    current = rounds[-1] if rounds else None
    returned_rounds = [r for r in rounds if r.outcome == ReviewRound.Outcome.RETURNED]
    last_return = returned_rounds[-1] if returned_rounds else None
    wanted = [r.pk for r in (current, last_return) if r is not None]
    by_round: dict[int, dict[int, ReviewScore]] = {pk: {} for pk in wanted}
    for review in ReviewScore.objects.filter(round_id__in=wanted).select_related("reviewed_by"):
        by_round[review.round_id][review.indicator_id] = review
    district = {
        indicator_id: (score, text)
        for indicator_id, score, text in Score.objects.filter(assessment=assessment).values_list(
            "indicator_id", "score", "justification"
        )
    }
    blocks = []
    for system in System.objects.filter(standard_id=assessment.standard_id).prefetch_related("indicators"):
        block = ReviewBlock(system=system)
        for indicator in system.indicators.all():
            returned = by_round[last_return.pk].get(indicator.pk) if last_return else None
            block.rows.append(
                ReviewRow(
                    indicator=indicator,
                    district_score=district.get(indicator.pk, (None, ""))[0],
                    justification=district.get(indicator.pk, (None, ""))[1],
                    review=by_round[current.pk].get(indicator.pk) if current else None,
                    returned=returned if returned is not None and returned.return_reason else None,
                )
            )
        blocks.append(block)
    return ReviewSheet(assessment=assessment, rounds=rounds, systems=blocks)


@dataclass(frozen=True)
class ScoreNotes:
    """What the district's scoring page shows beside its indicators: the city's return and carried texts."""

    last_return: ReviewRound | None
    returned: dict[int, ReviewScore]  # indicator pk → the returned entry
    carried: dict[int, CarriedJustification]  # indicator pk → the carried justification

    @property
    def unconfirmed(self) -> list[CarriedJustification]:
        return [c for c in self.carried.values() if not c.is_confirmed]


def score_notes(assessment: SelfAssessment) -> ScoreNotes:
    """Two queries: the latest return's reasons (while the district revises) and the carried justifications."""
    returned: dict[int, ReviewScore] = {}
    if assessment.is_editable:
        latest = (
            ReviewRound.objects.filter(assessment=assessment, outcome=ReviewRound.Outcome.RETURNED)
            .order_by("-number")
            .values("pk")[:1]
        )
        for review in (
            ReviewScore.objects.filter(round=Subquery(latest))
            .exclude(return_reason="")
            .select_related("indicator", "round")
            .order_by("indicator__system__order", "indicator__order")
        ):
            returned[review.indicator_id] = review
    last_return = next(iter(returned.values())).round if returned else None
    carried = {
        c.score.indicator_id: c
        for c in CarriedJustification.objects.filter(score__assessment=assessment)
        .select_related("score__indicator", "source__assessment")
        .prefetch_related("source__evidence")
    }
    return ScoreNotes(last_return=last_return, returned=returned, carried=carried)
