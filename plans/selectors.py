"""Reads of plans and draws: periods, 回避 pairs, task progress, the figures per quarter and year, and the
draw results ready for publication. The statistics page, the dashboard and the report all read these."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from accounts.models import Organization, User
from inspections.models import Dispatch, Inspection, PenaltyCase, PollutionSource
from plans.models import AnnualPlan, Draw, DrawTask, MonthlyPlan, OfficerRelation, RatePeriod

CATEGORIES = [c for c, _ in PollutionSource.Category.choices]
CATEGORY_LABELS = dict(PollutionSource.Category.choices)


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def quarter_span(year: int, quarter: int) -> tuple[date, date]:
    last = quarter * 3
    return date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1])


def category_period(annual_plan: AnnualPlan, category: str, month: int) -> tuple[date, date]:
    """The period the category's rate counts over that contains ``month``: its quarter, or the whole year."""
    if annual_plan.period(category) == RatePeriod.QUARTER:
        return quarter_span(annual_plan.year, quarter_of(month))
    return date(annual_plan.year, 1, 1), date(annual_plan.year, 12, 31)


def current_draw(plan: MonthlyPlan) -> Draw | None:
    return Draw.objects.filter(plan=plan, replaced_by__isnull=True).first()


def previous_plan(plan: MonthlyPlan) -> MonthlyPlan | None:
    year, month = (plan.year, plan.month - 1) if plan.month > 1 else (plan.year - 1, 12)
    return (
        MonthlyPlan.objects.filter(organization_id=plan.organization_id, annual_plan__year=year, month=month)
        .select_related("annual_plan")
        .first()
    )


def relation_pairs(plan: MonthlyPlan) -> set[tuple[str, str]]:
    """(officer certificate number, source credit code) pairs that must not meet in this plan's draw (回避):
    each officer and the sources they were sent to in the previous month's draw, and marked relations."""
    pairs: set[tuple[str, str]] = set()
    previous = previous_plan(plan)
    if previous is not None:
        for keys, code in DrawTask.objects.filter(draw__plan=previous, draw__replaced_by__isnull=True).values_list(
            "officer_keys", "source__credit_code"
        ):
            pairs.update((key, code) for key in keys)
    pairs.update(marked_relations(plan.organization_id))
    return pairs


def marked_relations(organization_id: int) -> set[tuple[str, str]]:
    return set(
        OfficerRelation.objects.filter(organization_id=organization_id).values_list(
            "officer__certificate_number", "source__credit_code"
        )
    )


# --- lists -------------------------------------------------------------------------------------------


def monthly_plans_for(user: User, *, organization: Organization | None = None, year: int | None = None):
    plans = MonthlyPlan.objects.for_user(user).select_related("organization", "annual_plan")
    if organization is not None:
        plans = plans.filter(organization=organization)
    if year is not None:
        plans = plans.filter(annual_plan__year=year)
    return plans.order_by("-annual_plan__year", "-month", "organization__code")


def filing_list(user: User, *, status: str = ""):
    """The municipal reviewer's list: every district's monthly plans with their 备案 state, waiting ones first."""
    plans = MonthlyPlan.objects.for_user(user).select_related("organization", "annual_plan")
    if status:
        plans = plans.filter(status=status)
    return sorted(plans, key=lambda p: (p.status != MonthlyPlan.Status.FILED, -p.year, -p.month, p.organization.code))


# --- tasks and their progress ------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskProgress:
    task: DrawTask
    inspection: Inspection | None
    overdue: bool

    @property
    def state(self) -> str:
        if self.inspection is not None:
            return "已完成"
        return "已逾期" if self.overdue else "待检查"


def task_progress(draw: Draw, *, today: date) -> list[TaskProgress]:
    """Each task, with the first inspection of its source inside the plan's month that completes it."""
    plan = draw.plan
    tasks = list(draw.tasks.select_related("source", "item").order_by("position"))
    found: dict[int, Inspection] = {}
    for inspection in Inspection.objects.filter(
        organization_id=draw.organization_id,
        source_id__in=[t.source_id for t in tasks],
        inspected_on__range=(plan.starts_on, plan.ends_on),
    ).order_by("inspected_on", "pk"):
        found.setdefault(inspection.source_id, inspection)
    return [TaskProgress(t, found.get(t.source_id), today > plan.ends_on and t.source_id not in found) for t in tasks]


# --- figures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFigures:
    category: str
    label: str
    listed: int
    drawn: int
    checked: int
    problems: int
    cases: int
    plan_rate: Decimal | None  # the annual plan's rate, %
    rate: Decimal | None  # checked / listed, %

    @property
    def meets_plan(self) -> bool | None:
        if self.plan_rate is None or self.rate is None:
            return None
        return self.rate >= self.plan_rate


@dataclass(frozen=True)
class RandomFigures:
    start: date
    end: date
    categories: tuple[CategoryFigures, ...]
    dispatches: int
    person_times: int

    @property
    def drawn(self) -> int:
        return sum(c.drawn for c in self.categories)

    @property
    def checked(self) -> int:
        return sum(c.checked for c in self.categories)

    @property
    def completion(self) -> Decimal | None:
        """计划完成率: drawn tasks checked within their month, as a percentage of those drawn."""
        return _percent(self.checked, self.drawn)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def random_figures(*, organization: Organization, start: date, end: date) -> RandomFigures:
    """双随机 figures of the months whose plans fall in [start, end] (a quarter or a year), per category."""
    tasks = DrawTask.objects.filter(
        organization=organization,
        draw__replaced_by__isnull=True,
        draw__plan__annual_plan__year__range=(start.year, end.year),
    ).select_related("draw__plan__annual_plan")
    tasks = [t for t in tasks if start <= t.draw.plan.starts_on <= end]
    source_ids = {t.source_id for t in tasks}
    inspections: dict[int, list[Inspection]] = {}
    for inspection in Inspection.objects.filter(
        organization=organization, source_id__in=source_ids, inspected_on__range=(start, end)
    ):
        inspections.setdefault(inspection.source_id, []).append(inspection)
    cases = set(
        PenaltyCase.objects.filter(
            organization=organization, source_id__in=source_ids, filed_on__range=(start, end)
        ).values_list("source_id", flat=True)
    )
    annual = AnnualPlan.objects.filter(organization=organization, year=start.year).first()
    listed = {
        row["category"]: row["n"]
        for row in PollutionSource.objects.filter(organization=organization)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = []
    for category in CATEGORIES:
        mine = [t for t in tasks if t.category == category]
        done = [
            t
            for t in mine
            if any(
                t.draw.plan.starts_on <= i.inspected_on <= t.draw.plan.ends_on for i in inspections.get(t.source_id, [])
            )
        ]
        problems = [
            t
            for t in done
            if any(
                i.result == Inspection.Result.VIOLATION
                and t.draw.plan.starts_on <= i.inspected_on <= t.draw.plan.ends_on
                for i in inspections.get(t.source_id, [])
            )
        ]
        total = listed.get(category, 0)
        rows.append(
            CategoryFigures(
                category=category,
                label=CATEGORY_LABELS[category],
                listed=total,
                drawn=len(mine),
                checked=len(done),
                problems=len(problems),
                cases=len({t.source_id for t in done} & cases),
                plan_rate=annual.rate(category) if annual else None,
                rate=_percent(len(done), total),
            )
        )
    random_dispatches = Dispatch.objects.filter(
        organization=organization, task_type=Dispatch.TaskType.RANDOM, dispatched_on__range=(start, end)
    ).aggregate(n=Count("pk"), people=Sum("officer_count"))
    return RandomFigures(
        start=start,
        end=end,
        categories=tuple(rows),
        dispatches=random_dispatches["n"] or 0,
        person_times=random_dispatches["people"] or 0,
    )


def quarterly_figures(*, organization: Organization, year: int) -> list[tuple[str, RandomFigures]]:
    quarters = [(f"第{q}季度", *quarter_span(year, q)) for q in range(1, 5)]
    spans = [*quarters, (f"{year}年全年", date(year, 1, 1), date(year, 12, 31))]
    return [(label, random_figures(organization=organization, start=s, end=e)) for label, s, e in spans]


# --- publication -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishableResult:
    organization: str
    plan: str
    source: str
    credit_code: str
    item: str
    inspected_on: date | None
    outcome: str  # 未发现问题 / 发现违法行为 / 未检查


def publishable_results(*, organization: Organization, year: int | None = None) -> list[PublishableResult]:
    """Each task of the current draws of published plans, with its inspection's date and outcome: what the
    public-disclosure pages list. Draws of plans not yet 已公开 stay confidential until the inspection."""
    plans = MonthlyPlan.objects.filter(organization=organization, status=MonthlyPlan.Status.PUBLISHED)
    if year is not None:
        plans = plans.filter(annual_plan__year=year)
    results = []
    for plan in plans.select_related("annual_plan", "organization").order_by("annual_plan__year", "month"):
        draw = current_draw(plan)
        if draw is None:
            continue
        for progress in task_progress(draw, today=date.max):
            done = progress.inspection
            results.append(
                PublishableResult(
                    organization=plan.organization.name,
                    plan=str(plan),
                    source=progress.task.source.name,
                    credit_code=progress.task.source.credit_code,
                    item=progress.task.item.name,
                    inspected_on=done.inspected_on if done else None,
                    outcome=done.get_result_display() if done else "未检查",
                )
            )
    return results


# --- the dashboard -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSummary:
    year: int
    figures: RandomFigures | None  # the user's district's year
    to_file: tuple[MonthlyPlan, ...]  # drafts and returned plans of the district (its leader files them)
    to_review: tuple[MonthlyPlan, ...]  # every district's plans waiting for the city's 备案

    @property
    def has_anything(self) -> bool:
        return bool((self.figures and self.figures.drawn) or self.to_file or self.to_review)


def dashboard_summary(user: User, *, year: int) -> PlanSummary | None:
    """What the home page shows of plans: the year's 双随机 figures, and what waits for this user."""
    if not (user.is_authenticated and user.has_perm("plans.view_monthlyplan")):
        return None
    organization = user.organization
    district = organization is not None and organization.kind == Organization.Kind.DISTRICT
    figures = (
        random_figures(organization=organization, start=date(year, 1, 1), end=date(year, 12, 31)) if district else None
    )
    to_file: tuple[MonthlyPlan, ...] = ()
    if district and user.has_perm("plans.file_monthlyplan"):
        to_file = tuple(monthly_plans_for(user, organization=organization).filter(status__in=MonthlyPlan.EDITABLE))
    to_review: tuple[MonthlyPlan, ...] = ()
    if user.has_perm("plans.review_monthlyplan"):
        to_review = tuple(monthly_plans_for(user).filter(status=MonthlyPlan.Status.FILED))
    return PlanSummary(year=year, figures=figures, to_file=to_file, to_review=to_review)
