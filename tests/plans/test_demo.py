from __future__ import annotations

from plans.demo import ITEMS, seed_plans
from plans.models import AnnualPlan, CheckItem, MonthlyPlan


def test_the_demo_plans_are_added_once(changning):
    seed_plans(changning)
    seed_plans(changning)
    assert CheckItem.objects.filter(organization=changning).count() == len(ITEMS)
    assert AnnualPlan.objects.get(organization=changning).year == 2023
    plan = MonthlyPlan.objects.get(organization=changning)
    assert plan.status == MonthlyPlan.Status.DRAFT and plan.items.count() == len(ITEMS)
