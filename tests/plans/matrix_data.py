"""One district's plans for the authorization matrix (tests/test_authorization_matrix.py): an object in every
state a URL acts on, marked with the district's tag so that a leak shows."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from accounts.models import Organization
from plans import draw as pure
from plans.models import AnnualPlan, CheckItem, Draw, DrawTask, MonthlyPlan
from tests.inspections.records_helpers import Make

Status = MonthlyPlan.Status


def build_plans(org: Organization, make: Make, tag: str, prefix: str) -> dict:
    item = CheckItem.objects.create(
        organization=org, code=f"{prefix.lower()}-item", name=f"{tag}抽查事项", legal_basis=f"{tag}依据"
    )
    annual = AnnualPlan.objects.create(
        organization=org,
        year=2024,
        rate_key=Decimal(25),
        rate_general=Decimal(5),
        rate_special=Decimal(25),
        note=f"{tag}年度计划",
    )

    def monthly(month: int, status: str, seed: str = "") -> MonthlyPlan:
        plan = MonthlyPlan.objects.create(
            organization=org,
            annual_plan=annual,
            month=month,
            status=status,
            quota_general=1,
            note=f"{tag}月度计划",
            seed=seed,
            seed_fixed_at=timezone.now() if seed else None,
        )
        plan.items.set([item])
        return plan

    drawn = monthly(3, Status.ACKNOWLEDGED, seed=f"{prefix}-SEED")
    source = make.source(f"{tag}被抽中单位")
    draw_input = pure.DrawInput(
        seed=f"{prefix}-SEED",
        quotas={"general": 1},
        sources={"general": (source.credit_code,)},
        items={"general": (item.code,)},
        officers=(f"{prefix}-C1", f"{prefix}-C2"),
    )
    result = pure.run(draw_input)
    draw = Draw.objects.create(
        organization=org,
        plan=drawn,
        number=1,
        algorithm=draw_input.algorithm,
        seed=draw_input.seed,
        inputs=draw_input.as_dict(),
        inputs_sha256=draw_input.sha256,
        list_hashes=draw_input.list_hashes,
        result=result.as_dict(),
        result_sha256=result.sha256,
        labels={
            "organization": org.name,
            "plan": str(drawn),
            "sources": {source.credit_code: source.name},
            "items": {item.code: item.name},
            "officers": {f"{prefix}-C1": f"{tag}甲", f"{prefix}-C2": f"{tag}乙"},
        },
        ran_by_name=f"{tag}执行人",
    )
    DrawTask.objects.create(
        organization=org,
        draw=draw,
        position=1,
        category="general",
        source=source,
        item=item,
        officer_keys=list(result.tasks[0].officers),
        officer_names=f"{tag}甲、{tag}乙",
    )
    return {
        "annual_plan": annual,
        "plan_draft": monthly(1, Status.DRAFT),
        "plan_filed": monthly(2, Status.FILED),
        "plan_drawn": drawn,
        "plan_acknowledged": monthly(4, Status.ACKNOWLEDGED, seed=f"{prefix}-SEED4"),
        "draw": draw,
    }
