"""Demo plans for 长宁区 (seed_demo): the item list, the 2023 annual plan and a September monthly plan in draft."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import Organization
from plans.models import AnnualPlan, CheckItem, MonthlyPlan

ITEMS = [
    ("PWXK-01", "排污许可执行情况", "《排污许可管理条例》第三十三条", (True, True, True)),
    (
        "WF-02",
        "危险废物规范化管理",
        "《中华人民共和国固体废物污染环境防治法》第七十七条、第七十八条",
        (True, False, True),
    ),
    ("YY-03", "油烟净化设施运行", "《中华人民共和国大气污染防治法》第八十一条", (False, True, False)),
    ("ZX-04", "自动监测设备运行", "《污染源自动监控管理办法》第十一条", (True, False, True)),
]


def seed_plans(organization: Organization) -> None:
    """Adds what is missing, changes nothing that exists."""
    items = []
    for code, name, basis, (key, general, special) in ITEMS:
        item, _ = CheckItem.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={
                "name": name,
                "legal_basis": basis,
                "for_key": key,
                "for_general": general,
                "for_special": special,
            },
        )
        items.append(item)
    annual, _ = AnnualPlan.objects.get_or_create(
        organization=organization,
        year=2023,
        defaults={
            "rate_key": Decimal(25),
            "rate_general": Decimal(5),
            "rate_special": Decimal(25),
            "note": "重点、特殊监管对象每季度抽查比例不低于25%，一般监管对象每年不低于5%。",
        },
    )
    plan, created = MonthlyPlan.objects.get_or_create(
        organization=organization,
        annual_plan=annual,
        month=9,
        defaults={"quota_key": 2, "quota_general": 3, "quota_special": 1, "note": "演示：草稿，待领导报备市局。"},
    )
    if created:
        plan.items.set(items)
