"""Who may do what with plans and draws: one small function per decision, used by views, services and templates.

Scoping (which organisation's rows a user sees at all) is ``OrgScopedQuerySet.for_user``; these functions decide
the action on a row the user can already see.
"""

from __future__ import annotations

from accounts.models import User
from plans.models import AnnualPlan, Draw, MonthlyPlan


def _own(user: User, organization_id: int) -> bool:
    return bool(user.is_authenticated and user.is_active and user.organization_id == organization_id)


def may_view_plans(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("plans.view_monthlyplan"))


def may_edit_annual_plan(user: User, plan: AnnualPlan | None = None) -> bool:
    """Bureau staff keep their own district's annual plan; ``plan`` None asks about creating one."""
    if not user.has_perm("plans.change_annualplan"):
        return False
    return user.organization_id is not None if plan is None else _own(user, plan.organization_id)


def may_edit_monthly_plan(user: User, plan: MonthlyPlan | None = None) -> bool:
    if not user.has_perm("plans.change_monthlyplan"):
        return False
    if plan is None:
        return user.organization_id is not None
    return _own(user, plan.organization_id) and plan.is_editable


def may_file(user: User, plan: MonthlyPlan) -> bool:
    """报备 to the municipal bureau: a leader of the district, from 草稿 or after a return."""
    return user.has_perm("plans.file_monthlyplan") and _own(user, plan.organization_id) and plan.is_editable


def may_review(user: User, plan: MonthlyPlan) -> bool:
    """Acknowledge or return a filed plan: the municipal reviewer, never the district itself."""
    return (
        user.has_perm("plans.review_monthlyplan")
        and user.organization_id != plan.organization_id
        and plan.status == MonthlyPlan.Status.FILED
    )


def may_publish(user: User, plan: MonthlyPlan) -> bool:
    return (
        user.has_perm("plans.file_monthlyplan")
        and _own(user, plan.organization_id)
        and plan.status == MonthlyPlan.Status.ACKNOWLEDGED
    )


def may_fix_seed(user: User, plan: MonthlyPlan) -> bool:
    return (
        user.has_perm("plans.run_draw")
        and _own(user, plan.organization_id)
        and plan.status in MonthlyPlan.DRAWABLE
        and not plan.draws.exists()
    )


def may_draw(user: User, plan: MonthlyPlan) -> bool:
    return user.has_perm("plans.run_draw") and _own(user, plan.organization_id) and plan.status in MonthlyPlan.DRAWABLE


def may_redraw(user: User, draw: Draw) -> bool:
    return may_draw(user, draw.plan) and draw.is_current


def may_set_categories(user: User) -> bool:
    return user.organization_id is not None and user.has_perm("plans.change_sourcesupervision")
