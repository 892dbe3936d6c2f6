"""What every plans page needs: the organisation looked at, and getting a row the user may see."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Organization
from inspections.selectors import visible_organizations
from plans import policies
from plans.models import AnnualPlan, Draw, MonthlyPlan

TABS = [
    ("index", "计划总览"),
    ("sources", "检查对象名录库"),
    ("items", "抽查事项清单"),
    ("figures", "双随机统计"),
    ("filings", "月度计划备案"),
]


def require_view(request: HttpRequest) -> None:
    if not policies.may_view_plans(request.user):
        raise PermissionDenied("您没有查看检查计划的权限。")


def chosen_organization(request: HttpRequest) -> tuple[Organization, list[Organization]]:
    """``?org=code`` among the organisations the user may see (the reviewer: every district)."""
    organizations = [o for o in visible_organizations(request.user) if o.kind == Organization.Kind.DISTRICT]
    if not organizations:
        raise PermissionDenied("您的账号未关联区局，无法查看检查计划。")
    code = request.GET.get("org")
    if not code:
        return organizations[0], organizations
    for organization in organizations:
        if organization.code == code:
            return organization, organizations
    raise Http404("没有这个机构，或您无权查看。")


def annual_plan_for(request: HttpRequest, pk: int) -> AnnualPlan:
    require_view(request)
    return get_object_or_404(AnnualPlan.objects.for_user(request.user).select_related("organization"), pk=pk)


def monthly_plan_for(request: HttpRequest, pk: int) -> MonthlyPlan:
    require_view(request)
    return get_object_or_404(
        MonthlyPlan.objects.for_user(request.user).select_related("organization", "annual_plan"), pk=pk
    )


def draw_for(request: HttpRequest, pk: int) -> Draw:
    require_view(request)
    return get_object_or_404(
        Draw.objects.for_user(request.user).select_related("plan__annual_plan", "plan__organization", "replaces"), pk=pk
    )
