"""双随机、一公开 on the public site: a district's published monthly inspection plans and their draws' results.

Plans and draws belong to the plans app; what may be published comes from its ``publishable_results`` (draws of
plans not yet 已公开 stay confidential until the inspection). The fields read here are on the public list of
disclosure/public_fields.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts.models import Organization
from disclosure.public_fields import PUBLIC
from plans.models import MonthlyPlan
from plans.selectors import PublishableResult, publishable_results

_PLAN_FIELDS = ("month", "quota_key", "quota_general", "quota_special", "team_size", "seed", "published_at")
assert set(_PLAN_FIELDS) <= PUBLIC["plans.MonthlyPlan"]


@dataclass(frozen=True)
class PublishedPlan:
    month: int
    quota_key: int
    quota_general: int
    quota_special: int
    team_size: int
    seed: str
    published_at: object
    items: list[str]


@dataclass(frozen=True)
class RandomChecks:
    organization: Organization
    year: int
    plans: list[PublishedPlan]
    results: list[PublishableResult]


def random_checks(district: str, *, year: int) -> RandomChecks | None:
    organization = Organization.objects.filter(kind=Organization.Kind.DISTRICT, code=district).first()
    if organization is None:
        return None
    plans = (
        MonthlyPlan.objects.filter(
            organization=organization, status=MonthlyPlan.Status.PUBLISHED, annual_plan__year=year
        )
        .prefetch_related("items")
        .order_by("month")
    )
    published = [
        PublishedPlan(
            **{name: getattr(plan, name) for name in _PLAN_FIELDS},
            items=sorted(item.name for item in plan.items.all()),
        )
        for plan in plans
    ]
    return RandomChecks(organization, year, published, publishable_results(organization=organization, year=year))


def years(*, today: date) -> list[int]:
    return list(range(today.year, today.year - 4, -1))
