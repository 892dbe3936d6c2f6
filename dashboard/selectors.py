"""Reads for the home dashboard: what each role needs to see first, each in a fixed number of queries.

The figures come from the same selectors as the pages they summarise (the scoring sheet, the period and
monthly statistics), so the dashboard can never disagree with the page a user clicks through to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Organization, User
from accounts.scoping import can_view_all_organizations
from assessment import policies, scoring
from assessment.models import Indicator, Report, Score, SelfAssessment, Standard, System
from inspections.models import Dispatch, Equipment, Inspection, PenaltyCase, PollutionSource, Training
from inspections.selectors import MonthStatistics, monthly_statistics
from review.selectors import comparison

# (model, label, list URL name) in the order the staff card lists them
RECORD_KINDS: tuple[tuple[type, str, str], ...] = (
    (Dispatch, "执法出动", "inspections:dispatch-list"),
    (Inspection, "污染源检查", "inspections:inspection-list"),
    (PenaltyCase, "行政处罚案件", "inspections:case-list"),
    (PollutionSource, "污染源", "inspections:source-list"),
    (Equipment, "执法装备", "inspections:equipment-list"),
    (Training, "培训", "inspections:training-list"),
)


@dataclass(frozen=True)
class Roles:
    scorer: bool
    leader: bool
    city: bool
    admin: bool


def roles_of(user: User) -> Roles:
    return Roles(
        scorer=policies.is_scorer(user),
        leader=policies.is_leader(user),
        city=can_view_all_organizations(user),
        admin=policies.is_standard_admin(user),
    )


def dashboard_years(user: User) -> list[int]:
    """The years the user's assessments cover, newest first; the current year when there are none."""
    years = sorted(set(SelfAssessment.objects.for_user(user).values_list("year", flat=True).distinct()), reverse=True)
    return years or [timezone.localdate().year]


# --- staff (填报人) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordCount:
    label: str
    url_name: str
    count: int


@dataclass(frozen=True)
class StaffOverview:
    assessment: SelfAssessment | None
    unscored: tuple[Indicator, ...]
    department_known: bool  # False: the account has no department, so every unscored indicator is listed
    month_start: date
    records_this_month: tuple[RecordCount, ...]

    @property
    def records_total(self) -> int:
        return sum(r.count for r in self.records_this_month)


def _start_of_month(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today.replace(day=1), time.min))


def unscored_indicators(assessment: SelfAssessment, *, department: str | None) -> tuple[Indicator, ...]:
    """The indicators still without a score, in the scoring sheet's order; only the department's when given.

    One query: the dashboard needs neither the scores' rule counts nor their evidence, which ``scoring_sheet``
    reads for the scoring page."""
    scored = Score.objects.filter(assessment=assessment, score__isnull=False).values("indicator_id")
    indicators = Indicator.objects.filter(system__standard_id=assessment.standard_id).exclude(pk__in=scored)
    if department is not None:
        indicators = indicators.filter(responsible_department=department)
    return tuple(indicators.order_by("system__order", "order"))


def staff_overview(user: User, *, today: date | None = None) -> StaffOverview:
    today = today or timezone.localdate()
    draft = (
        SelfAssessment.objects.for_user(user)
        .filter(organization_id=user.organization_id, status=SelfAssessment.Status.DRAFT)
        .select_related("organization", "standard")
        .order_by("-year")
        .first()
    )
    unscored: tuple[Indicator, ...] = ()
    if draft is not None:
        department = user.department.name if user.department_id else None
        unscored = unscored_indicators(draft, department=department)
    since = _start_of_month(today)
    counts = tuple(
        RecordCount(
            label=label,
            url_name=url_name,
            count=model.objects.filter(organization_id=user.organization_id, created_at__gte=since).count(),
        )
        for model, label, url_name in RECORD_KINDS
    )
    return StaffOverview(
        assessment=draft,
        unscored=unscored,
        department_known=bool(user.department_id),
        month_start=today.replace(day=1),
        records_this_month=counts,
    )


# --- leaders (领导) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemScore:
    name: str
    score: Decimal
    max_score: Decimal
    indicator_count: int
    scored_count: int


@dataclass(frozen=True)
class LeaderOverview:
    organization: Organization
    year: int
    assessment: SelfAssessment | None
    systems: tuple[SystemScore, ...]
    months: tuple[MonthStatistics, ...]
    awaiting_approval: tuple[SelfAssessment, ...]
    awaiting_signature: tuple[Report, ...]
    trend: tuple = ()  # review.selectors.comparison.OrgYear, oldest first

    @property
    def has_records(self) -> bool:
        return any(m.dispatches or m.source_checks or m.fined_cases or m.exempted_cases for m in self.months)

    @property
    def total(self) -> Decimal:
        return sum((s.score for s in self.systems), Decimal("0"))

    @property
    def fines_total(self) -> Decimal:
        return sum((m.fines_yuan for m in self.months), Decimal("0"))


def system_scores(assessment: SelfAssessment) -> tuple[SystemScore, ...]:
    """Each system's subtotal against its max: two aggregate queries, where the scoring sheet needs eight.

    The subtotal is the sum of the system's scores, as ``scoring_sheet``'s ``SystemBlock.subtotal`` computes it
    (``tests/dashboard/test_home.py`` checks that the two agree).
    """
    systems = System.objects.filter(standard_id=assessment.standard_id).annotate(indicator_count=Count("indicators"))
    sums = {
        row["indicator__system_id"]: row
        for row in Score.objects.filter(assessment=assessment, score__isnull=False)
        .values("indicator__system_id")
        .annotate(total=Sum("score"), scored=Count("pk"))
        .order_by()
    }
    return tuple(
        SystemScore(
            name=system.name,
            score=scoring.total([sums.get(system.pk, {}).get("total")]),
            max_score=system.max_score,
            indicator_count=system.indicator_count,
            scored_count=sums.get(system.pk, {}).get("scored", 0),
        )
        for system in systems
    )


def leader_overview(user: User, *, year: int) -> LeaderOverview:
    organization = user.organization
    assessment = (
        SelfAssessment.objects.for_user(user)
        .filter(organization=organization, year=year)
        .select_related("organization", "standard")
        .order_by("-created_at")
        .first()
    )
    systems = system_scores(assessment) if assessment is not None else ()
    months = monthly_statistics(organization=organization, start=date(year, 1, 1), end=date(year, 12, 31))
    own = SelfAssessment.objects.for_user(user).filter(organization=organization)
    awaiting_approval = tuple(
        own.filter(status=SelfAssessment.Status.SUBMITTED).select_related("organization").order_by("-year")
    )
    awaiting_signature = ()
    if policies.is_signatory(user):
        drafts = Report.objects.for_user(user).filter(
            organization=organization, status=Report.Status.DRAFT, assessment__status__in=SelfAssessment.LOCKED
        )
        awaiting_signature = tuple(r for r in drafts.order_by("-year") if policies.may_sign_report(user, r))
    return LeaderOverview(
        organization=organization,
        year=year,
        assessment=assessment,
        systems=systems,
        months=months,
        awaiting_approval=awaiting_approval,
        awaiting_signature=awaiting_signature,
        trend=tuple(comparison.organization_trend(organization.pk)) if organization is not None else (),
    )


# --- the municipal reviewer (市局复核) -----------------------------------------------------------------


@dataclass(frozen=True)
class DistrictRow:
    organization: Organization
    assessment: SelfAssessment | None
    total: Decimal | None  # only once the district has approved: a draft's partial total is no total
    max_total: Decimal | None
    scored: int
    report_issued: bool

    @property
    def counted(self) -> bool:
        return self.total is not None


@dataclass(frozen=True)
class CityOverview:
    year: int
    districts: tuple[DistrictRow, ...]
    trend: tuple = ()  # review.selectors.comparison.YearPoint, oldest first

    def _count(self, status: str) -> int:
        return sum(1 for d in self.districts if d.assessment is not None and d.assessment.status == status)

    @property
    def approved(self) -> int:
        return self._count(SelfAssessment.Status.APPROVED)

    @property
    def reviewing(self) -> int:
        return self._count(SelfAssessment.Status.REVIEWING)

    @property
    def confirmed(self) -> int:
        return self._count(SelfAssessment.Status.CONFIRMED)

    @property
    def submitted(self) -> int:
        return self._count(SelfAssessment.Status.SUBMITTED)

    @property
    def drafts(self) -> int:
        return self._count(SelfAssessment.Status.DRAFT)

    @property
    def reports_issued(self) -> int:
        return sum(1 for d in self.districts if d.report_issued)

    @property
    def not_started(self) -> int:
        return sum(1 for d in self.districts if d.assessment is None)

    @property
    def counted(self) -> tuple[DistrictRow, ...]:
        return tuple(d for d in self.districts if d.counted)


def _counted_total(assessment: SelfAssessment) -> Decimal | None:
    """The total that may stand beside other districts': the confirmed 复核 total, else the district-approved
    self-score; None for a draft or a submission, whose sum is partial and may still change."""
    if assessment.status == SelfAssessment.Status.CONFIRMED:
        return assessment.final_total
    if assessment.is_district_approved:
        return scoring.total([assessment.total])
    return None


def city_overview(user: User, *, year: int) -> CityOverview:
    """Every district's assessment of the year with its total: five queries whatever the number of districts
    and years."""
    districts = list(Organization.objects.filter(kind=Organization.Kind.DISTRICT).order_by("code"))
    assessments: dict[int, SelfAssessment] = {}
    for assessment in (
        SelfAssessment.objects.for_user(user)
        .filter(year=year)
        .select_related("standard")
        .annotate(total=Sum("scores__score"), scored=Count("scores", filter=Q(scores__score__isnull=False)))
        .order_by("organization_id", "created_at")
    ):
        assessments[assessment.organization_id] = assessment  # one per district and year
    issued = set(
        Report.objects.for_user(user)
        .filter(year=year, status=Report.Status.ISSUED)
        .values_list("organization_id", flat=True)
    )
    rows = []
    for organization in districts:
        assessment = assessments.get(organization.pk)
        rows.append(
            DistrictRow(
                organization=organization,
                assessment=assessment,
                total=_counted_total(assessment) if assessment is not None else None,
                max_total=assessment.standard.total_max if assessment is not None else None,
                scored=assessment.scored if assessment is not None else 0,
                report_issued=organization.pk in issued,
            )
        )
    return CityOverview(year=year, districts=tuple(rows), trend=tuple(comparison.city_trend()))


# --- admins (管理员) -----------------------------------------------------------------------------------


def standards_overview() -> tuple[Standard, ...]:
    return tuple(Standard.objects.order_by("-year_from", "-version")[:5])
