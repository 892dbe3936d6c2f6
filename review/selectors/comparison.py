"""The comparison of every district for a year, and the city's trend over the years.

Rankings use only figures a district has approved: the confirmed 复核 total where the city has confirmed, else
the district-approved self-score. Drafts and submissions are listed apart, without their partial totals in any
ranking or chart. Every function here runs a fixed number of queries, whatever the number of districts and years
(tests/review/test_comparison.py counts them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.models import Organization
from assessment import scoring
from assessment.models import Indicator, Score, SelfAssessment, Standard, System
from review.models import ReviewRound, ReviewScore

ZERO = Decimal("0")
Status = SelfAssessment.Status
COUNTED = SelfAssessment.LOCKED  # district-approved or further: fit to rank


@dataclass
class DistrictResult:
    organization: Organization
    assessment: SelfAssessment | None
    self_total: Decimal | None = None
    review_total: Decimal | None = None  # the confirmed total, or the running total of the review under way
    scored: int = 0
    systems: dict[str, Decimal] = field(default_factory=dict)  # system name → the figure that counts
    indicators: dict[str, Decimal | None] = field(default_factory=dict)  # indicator code → the figure that counts
    rank: int | None = None

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment is not None else "none"

    @property
    def status_label(self) -> str:
        return self.assessment.get_status_display() if self.assessment is not None else "未开始"

    @property
    def counted(self) -> bool:
        return self.assessment is not None and self.assessment.status in COUNTED

    @property
    def confirmed(self) -> bool:
        return self.assessment is not None and self.assessment.status == Status.CONFIRMED

    @property
    def grade(self) -> str:
        return self.assessment.grade if self.confirmed else ""

    @property
    def figure(self) -> Decimal | None:
        """The score that ranks: the confirmed 复核 total, else the district-approved self-score."""
        if self.confirmed:
            return self.assessment.final_total
        return self.self_total if self.counted else None


@dataclass(frozen=True)
class HeatCell:
    value: Decimal | None
    max_score: Decimal

    @property
    def percent(self) -> int | None:
        if self.value is None or not self.max_score:
            return None
        return int(self.value * 100 / self.max_score)

    @property
    def level(self) -> int:
        """1 (weak) … 4 (full marks or near): the cell's shade; the number is always printed too."""
        p = self.percent
        if p is None:
            return 0
        return 4 if p >= 90 else 3 if p >= 75 else 2 if p >= 60 else 1


SORTS = {
    "rank": ("rank", False),
    "name": ("name", False),
    "self": ("self", True),
    "review": ("review", True),
    "final": ("final", True),
}


@dataclass
class CityComparison:
    year: int
    standard: Standard | None
    systems: list[System]
    indicators: list[Indicator]
    districts: list[DistrictResult]

    @property
    def ranked(self) -> list[DistrictResult]:
        return sorted((d for d in self.districts if d.counted), key=lambda d: (d.rank, d.organization.code))

    @property
    def in_progress(self) -> list[DistrictResult]:
        return [d for d in self.districts if d.assessment is not None and not d.counted]

    @property
    def not_started(self) -> list[DistrictResult]:
        return [d for d in self.districts if d.assessment is None]

    @property
    def confirmed_count(self) -> int:
        return sum(1 for d in self.districts if d.confirmed)

    def count(self, status: str) -> int:
        return sum(1 for d in self.districts if d.status == status)

    @property
    def counts(self) -> list[tuple[str, int]]:
        labels = [(s.value, s.label) for s in Status] + [("none", "未开始")]
        return [(label, self.count(value)) for value, label in labels]

    @property
    def average(self) -> Decimal | None:
        figures = [d.figure for d in self.ranked]
        return (sum(figures, ZERO) / len(figures)).quantize(Decimal("0.1")) if figures else None

    def sort_key(self, sort: str) -> str:
        if sort in SORTS or (sort.startswith("sys") and sort[3:].isdigit() and int(sort[3:]) < len(self.systems)):
            return sort
        return "rank"

    def sorted_ranked(self, sort: str) -> list[DistrictResult]:
        sort = self.sort_key(sort)
        rows = self.ranked
        if sort == "rank":
            return rows
        if sort == "name":
            return sorted(rows, key=lambda d: d.organization.code)
        if sort.startswith("sys"):
            name = self.systems[int(sort[3:])].name
            return sorted(rows, key=lambda d: (-(d.systems.get(name) or ZERO), d.rank))
        value = {"self": "self_total", "review": "review_total", "final": "figure"}[sort]
        return sorted(rows, key=lambda d: (getattr(d, value) is None, -(getattr(d, value) or ZERO), d.rank))

    def heat_rows(self) -> list[tuple[DistrictResult, list[HeatCell]]]:
        return [(d, [HeatCell(d.indicators.get(i.code), i.max_score) for i in self.indicators]) for d in self.ranked]

    def indicator_averages(self) -> list[HeatCell]:
        """The city's average per indicator over the ranked districts: where the city is weak."""
        cells = []
        for indicator in self.indicators:
            values = [d.indicators.get(indicator.code) for d in self.ranked]
            values = [v for v in values if v is not None]
            average = (sum(values, ZERO) / len(values)).quantize(Decimal("0.1")) if values else None
            cells.append(HeatCell(average, indicator.max_score))
        return cells


def comparison_years() -> list[int]:
    """Every year any district has an assessment for, newest first."""
    return sorted(set(SelfAssessment.objects.values_list("year", flat=True).distinct()), reverse=True)


def _rank(rows: list[DistrictResult]) -> None:
    """Competition ranking (1, 2, 2, 4) by the figure that counts; equal figures share a rank."""
    counted = sorted((d for d in rows if d.counted), key=lambda d: -d.figure)
    previous, rank = None, 0
    for position, row in enumerate(counted, start=1):
        if row.figure != previous:
            rank, previous = position, row.figure
        row.rank = rank


def city_comparison(*, year: int) -> CityComparison:
    """Every district for ``year``: eight queries, whatever the number of districts."""
    districts = list(Organization.objects.filter(kind=Organization.Kind.DISTRICT).order_by("code"))
    assessments = {
        a.organization_id: a
        for a in SelfAssessment.objects.filter(year=year, organization__in=districts).select_related("standard")
    }
    by_assessment = {a.pk: a for a in assessments.values()}
    counted = [a for a in assessments.values() if a.status in COUNTED]
    # one standard version per year (publishing refuses overlapping years), so any assessment's will do
    pick = counted[0] if counted else next(iter(assessments.values()), None)
    standard = pick.standard if pick is not None else None
    systems = list(System.objects.filter(standard=standard).order_by("order"))
    indicators = list(
        Indicator.objects.filter(system__standard=standard).select_related("system").order_by("system__order", "order")
    )

    self_totals: dict[int, tuple[Decimal, int]] = {
        row["assessment_id"]: (row["total"] or ZERO, row["scored"])
        for row in Score.objects.filter(assessment_id__in=by_assessment)
        .values("assessment_id")
        .annotate(total=Sum("score"), scored=Count("pk", filter=Q(score__isnull=False)))
        .order_by()
    }
    # the figure per indicator that counts: 复核得分 of a confirmed round, else the district's own score
    self_scores: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for assessment_id, code, value in Score.objects.filter(
        assessment_id__in=[a.pk for a in counted if a.status != Status.CONFIRMED]
    ).values_list("assessment_id", "indicator__code", "score"):
        self_scores[assessment_id][code] = value
    review_totals: dict[int, Decimal] = {}
    live_rounds = ReviewScore.objects.filter(
        round__assessment_id__in=by_assessment,
        round__outcome__in=[ReviewRound.Outcome.OPEN, ReviewRound.Outcome.CONFIRMED],
    )
    for assessment_id, code, value in live_rounds.values_list("round__assessment_id", "indicator__code", "score"):
        review_totals[assessment_id] = review_totals.get(assessment_id, ZERO) + (value or ZERO)
        if by_assessment[assessment_id].status == Status.CONFIRMED:
            self_scores[assessment_id][code] = value

    system_of = {i.code: i.system.name for i in indicators}
    rows = []
    for organization in districts:
        assessment = assessments.get(organization.pk)
        row = DistrictResult(organization=organization, assessment=assessment)
        if assessment is not None:
            total, scored = self_totals.get(assessment.pk, (ZERO, 0))
            row.self_total, row.scored = total, scored
            row.review_total = review_totals.get(assessment.pk)
            if row.counted:
                row.indicators = self_scores.get(assessment.pk, {})
                for code, value in row.indicators.items():
                    name = system_of.get(code)
                    if name is not None:
                        row.systems[name] = row.systems.get(name, ZERO) + (value or ZERO)
        rows.append(row)
    _rank(rows)
    return CityComparison(year=year, standard=standard, systems=systems, indicators=indicators, districts=rows)


# --- over the years --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearPoint:
    year: int
    counted: int  # districts whose figure counts
    confirmed: int
    average: Decimal | None  # of the figures that count
    best: Decimal | None
    worst: Decimal | None


@dataclass(frozen=True)
class OrgYear:
    year: int
    assessment: SelfAssessment
    figure: Decimal | None  # None: not approved yet
    self_total: Decimal


def _figures(assessments: list[SelfAssessment]) -> dict[int, Decimal]:
    totals = {
        row["assessment_id"]: row["total"] or ZERO
        for row in Score.objects.filter(assessment__in=assessments)
        .values("assessment_id")
        .annotate(total=Sum("score"))
        .order_by()
    }
    return totals


def city_trend() -> list[YearPoint]:
    """Each year's average, best and worst of the figures that count: two queries, whatever the years."""
    assessments = list(
        SelfAssessment.objects.filter(status__in=COUNTED, organization__kind=Organization.Kind.DISTRICT).only(
            "pk", "year", "status", "final_total"
        )
    )
    totals = _figures(assessments)
    by_year: dict[int, list[tuple[Decimal, bool]]] = defaultdict(list)
    for a in assessments:
        confirmed = a.status == Status.CONFIRMED
        by_year[a.year].append((a.final_total if confirmed else totals.get(a.pk, ZERO), confirmed))
    points = []
    for year in sorted(by_year):
        figures = [f for f, _ in by_year[year]]
        points.append(
            YearPoint(
                year=year,
                counted=len(figures),
                confirmed=sum(1 for _, c in by_year[year] if c),
                average=(sum(figures, ZERO) / len(figures)).quantize(Decimal("0.1")),
                best=max(figures),
                worst=min(figures),
            )
        )
    return points


def organization_trend(organization_id: int) -> list[OrgYear]:
    """One district's years, oldest first: two queries."""
    assessments = list(SelfAssessment.objects.filter(organization_id=organization_id).order_by("year"))
    totals = _figures(assessments)
    return [
        OrgYear(
            year=a.year,
            assessment=a,
            self_total=totals.get(a.pk, ZERO),
            figure=a.final_total
            if a.status == Status.CONFIRMED
            else (totals.get(a.pk, ZERO) if a.status in COUNTED else None),
        )
        for a in assessments
    ]


def chart_data(result: CityComparison, trend: list[YearPoint]) -> dict:
    """The comparison's chart series (static/js/review.js draws them); the page prints the same in tables."""
    ranked = result.ranked
    return {
        "districts": {
            "labels": [d.organization.short_name for d in ranked],
            "figure": [float(d.figure) for d in ranked],
            "self": [float(d.self_total or 0) for d in ranked],
        },
        "trend": {
            "labels": [f"{p.year}年" for p in trend],
            "average": [float(p.average) for p in trend],
        },
    }


def figure_text(value: Decimal | None) -> str:
    return "—" if value is None else scoring.normalize(value)
