"""Annual and monthly plans, and the 备案 flow with the municipal bureau."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plans import policies, selectors, services
from plans.forms import AnnualPlanForm, CampaignForm, MonthlyPlanForm, ReasonForm, SeedForm
from plans.models import AnnualPlan, MonthlyPlan, RatePeriod
from plans.views.common import TABS, annual_plan_for, chosen_organization, monthly_plan_for, require_view


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    organization, organizations = chosen_organization(request)
    return render(
        request,
        "plans/index.html",
        {
            "tabs": TABS,
            "current_tab": "index",
            "organization": organization,
            "organizations": organizations,
            "annual_plans": AnnualPlan.objects.for_user(request.user)
            .filter(organization=organization)
            .annotate(month_count=Count("monthly_plans")),
            "monthly_plans": selectors.monthly_plans_for(request.user, organization=organization),
            "may_create": policies.may_edit_annual_plan(request.user)
            and organization.pk == request.user.organization_id,
        },
    )


def _annual_form_page(request: HttpRequest, plan: AnnualPlan | None) -> HttpResponse:
    if not policies.may_edit_annual_plan(request.user, plan):
        raise PermissionDenied("您不能修改年度计划。")
    form = AnnualPlanForm(request.POST or None, instance=plan)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.save_annual_plan(
                    user=request.user,
                    plan=plan,
                    values={name: form.cleaned_data[name] for name in form.Meta.fields},
                    request=request,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, f"已保存{saved}。")
                return redirect("plans:annual-detail", saved.pk)
        status = 400
    return render(request, "plans/annual_form.html", {"tabs": TABS, "form": form, "plan": plan}, status=status)


@login_required
def annual_create_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    return _annual_form_page(request, None)


@login_required
def annual_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = annual_plan_for(request, pk)
    return _annual_form_page(request, plan)


@login_required
def annual_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = annual_plan_for(request, pk)
    may_edit = policies.may_edit_annual_plan(request.user, plan)
    return render(
        request,
        "plans/annual_detail.html",
        {
            "tabs": TABS,
            "plan": plan,
            "campaigns": plan.campaigns.all(),
            "monthly_plans": plan.monthly_plans.order_by("month"),
            "may_edit": may_edit,
            "may_add_month": policies.may_edit_monthly_plan(request.user) and may_edit,
            "campaign_form": CampaignForm() if may_edit else None,
            "rates": [
                (label, plan.rate(c), RatePeriod(plan.period(c)).label)
                for c, label in selectors.CATEGORY_LABELS.items()
            ],
        },
    )


@login_required
@require_POST
def campaign_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = annual_plan_for(request, pk)
    if not policies.may_edit_annual_plan(request.user, plan):
        raise PermissionDenied("您不能修改这个年度计划。")
    form = CampaignForm(request.POST)
    if form.is_valid():
        try:
            services.add_campaign(user=request.user, plan=plan, **form.cleaned_data, request=request)
            messages.success(request, f"已添加专项行动“{form.cleaned_data['name']}”。")
        except ValidationError as exc:
            messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.error(
            request, "专项行动未添加：" + "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
        )
    return redirect("plans:annual-detail", plan.pk)


def _monthly_form_page(request: HttpRequest, annual: AnnualPlan, plan: MonthlyPlan | None) -> HttpResponse:
    if plan is not None and not plan.is_editable and plan.organization_id == request.user.organization_id:
        messages.error(request, f"该计划{plan.get_status_display()}，不能再修改；市局退回后才能修改。")
        return redirect("plans:monthly-detail", plan.pk)
    if not (
        policies.may_edit_monthly_plan(request.user, plan) and annual.organization_id == request.user.organization_id
    ):
        raise PermissionDenied("您不能修改月度计划。")
    form = MonthlyPlanForm(request.POST or None, instance=plan, organization=annual.organization)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "items"}
            try:
                saved = services.save_monthly_plan(
                    user=request.user,
                    plan=plan,
                    annual_plan=annual,
                    values=values,
                    items=form.cleaned_data["items"],
                    request=request,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            except services.PlanError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已保存{saved}。")
                return redirect("plans:monthly-detail", saved.pk)
        status = 400
    context = {"tabs": TABS, "form": form, "plan": plan, "annual": annual}
    return render(request, "plans/monthly_form.html", context, status=status)


@login_required
def monthly_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    annual = annual_plan_for(request, pk)
    return _monthly_form_page(request, annual, None)


@login_required
def monthly_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = monthly_plan_for(request, pk)
    return _monthly_form_page(request, plan.annual_plan, plan)


@login_required
def monthly_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = monthly_plan_for(request, pk)
    user = request.user
    current = selectors.current_draw(plan)
    return render(
        request,
        "plans/monthly_detail.html",
        {
            "tabs": TABS,
            "plan": plan,
            "quotas": [(label, plan.quota(c)) for c, label in selectors.CATEGORY_LABELS.items()],
            "items": plan.items.all(),
            "draws": plan.draws.select_related("replaces").order_by("number"),
            "current": current,
            "progress": selectors.task_progress(current, today=timezone.localdate()) if current else [],
            "may_edit": policies.may_edit_monthly_plan(user, plan),
            "may_file": policies.may_file(user, plan),
            "may_review": policies.may_review(user, plan),
            "may_publish": policies.may_publish(user, plan),
            "may_fix_seed": policies.may_fix_seed(user, plan),
            "may_draw": policies.may_draw(user, plan) and current is None and bool(plan.seed),
            "may_redraw": current is not None and policies.may_redraw(user, current),
            "reason_form": ReasonForm(),
            "seed_form": SeedForm(),
        },
    )


def _step(request: HttpRequest, pk: int, action, done: str, **kwargs) -> HttpResponse:
    plan = monthly_plan_for(request, pk)
    try:
        action(user=request.user, plan=plan, request=request, **kwargs)
    except (services.PlanError, ValidationError) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return redirect("plans:monthly-detail", plan.pk)
    messages.success(request, done)
    return redirect("plans:monthly-detail", plan.pk)


@login_required
@require_POST
def monthly_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.file_plan, "已报备市局，等待市局确认备案。")


@login_required
@require_POST
def monthly_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.acknowledge_plan, "已确认备案。")


@login_required
@require_POST
def monthly_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, services.return_plan, "已退回，区局修改后可重新报备。", reason=request.POST.get("reason", "")
    )


@login_required
@require_POST
def monthly_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, services.publish_plan, "已向社会公开。")


@login_required
@require_POST
def seed_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, services.fix_seed, "已公布随机种子；抽查将使用这个种子。", seed=request.POST.get("seed", "")
    )


@login_required
def filings_view(request: HttpRequest) -> HttpResponse:
    """Every district's monthly plans and their 备案 state (the municipal reviewer sees all, a district its own)."""
    require_view(request)
    status = request.GET.get("status", "")
    if status and status not in MonthlyPlan.Status.values:
        status = ""
    return render(
        request,
        "plans/filings.html",
        {
            "tabs": TABS,
            "current_tab": "filings",
            "plans": selectors.filing_list(request.user, status=status),
            "statuses": MonthlyPlan.Status.choices,
            "status": status,
        },
    )
