"""Plans of one district with the fewest arguments a test needs. Imported as ``tests.plans.helpers``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounts.models import Organization
from plans.models import AnnualPlan, CheckItem, MonthlyPlan
from tests.inspections.records_helpers import Make


def annual(org: Organization, year: int = 2026, **kw) -> AnnualPlan:
    values = {"rate_key": Decimal("25"), "rate_general": Decimal("5"), "rate_special": Decimal("25")}
    values.update(kw)
    return AnnualPlan.objects.create(organization=org, year=year, **values)


def items(org: Organization) -> list[CheckItem]:
    return [
        CheckItem.objects.create(
            organization=org, code="PWXK-01", name="排污许可执行情况", legal_basis="《排污许可管理条例》第三十三条"
        ),
        CheckItem.objects.create(
            organization=org,
            code="WF-02",
            name="危险废物规范化管理",
            legal_basis="《固体废物污染环境防治法》第七十七条",
            for_general=False,
        ),
        CheckItem.objects.create(
            organization=org,
            code="YY-03",
            name="油烟净化设施运行",
            legal_basis="《大气污染防治法》第八十一条",
            for_key=False,
            for_special=False,
        ),
    ]


def monthly(
    org: Organization, month: int = 3, *, plan: AnnualPlan | None = None, status: str = MonthlyPlan.Status.DRAFT, **kw
) -> MonthlyPlan:
    plan = plan or AnnualPlan.objects.filter(organization=org).first() or annual(org)
    values = {"quota_key": 2, "quota_general": 2, "quota_special": 0}
    values.update(kw)
    monthly_plan = MonthlyPlan.objects.create(organization=org, annual_plan=plan, month=month, status=status, **values)
    monthly_plan.items.set(CheckItem.objects.filter(organization=org) or items(org))
    return monthly_plan


def sources(org: Organization, make: Make, *, key: int = 6, general: int = 10, special: int = 0) -> dict[str, list]:
    made = {"key": [], "general": [], "special": []}
    for category, n in (("key", key), ("general", general), ("special", special)):
        for i in range(n):
            made[category].append(make.source(f"{org.short_name}{category}单位{i}", category=category))
    return made


DAY = date(2026, 3, 10)


def officers(org: Organization, n: int = 6, **kw) -> list:
    from inspections.models import Officer

    values = {"certificate_valid_from": date(2024, 1, 1), "certificate_valid_to": date(2030, 12, 31)}
    values.update(kw)
    prefix = org.code[:2].upper()
    return [
        Officer.objects.create(
            organization=org, name=f"{org.short_name}执法员{i}", certificate_number=f"{prefix}{i:04d}", **values
        )
        for i in range(n)
    ]


def ready(org: Organization, make: Make, *, month: int = 3, seed: str = "3356.88", **kw) -> MonthlyPlan:
    """An acknowledged plan with its seed published, sources and officers: ready to draw."""
    sources(org, make)
    officers(org)
    plan = monthly(org, month, status=MonthlyPlan.Status.ACKNOWLEDGED, **kw)
    plan.seed = seed
    plan.save()
    return plan
