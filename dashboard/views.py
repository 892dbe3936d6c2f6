from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dashboard import cache, charts, selectors
from disclosure import policies as disclosure_policies
from disclosure import selectors as disclosure_selectors
from plans.selectors import dashboard_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page: one card per role the user holds (a user may hold several)."""
    user = request.user
    roles = selectors.roles_of(user)
    years = selectors.dashboard_years(user)
    year = _chosen_year(request, years)
    context = {"roles": roles, "years": years, "year": year}
    if roles.scorer and user.organization_id:
        context["staff"] = selectors.staff_overview(user)
    if roles.leader and user.organization_id:
        context["leader"] = cache.leader_overview(user, year=year)
    if roles.city:
        context["city"] = cache.city_overview(user, year=year)
    if roles.admin:
        context["standards"] = selectors.standards_overview()
    if disclosure_policies.may_view_desk(user):
        # 执法公示: decisions whose publication is due within 2 working days or overdue
        total, due = disclosure_selectors.due_decisions(user.organization_id, today=timezone.localdate(), limit=10)
        context["disclosure"] = {"total": total, "due": due}
    context["plans"] = dashboard_summary(user, year=year)
    context["chart_data"] = charts.chart_data(leader=context.get("leader"), city=context.get("city"))
    return render(request, "dashboard/home.html", context)


def _chosen_year(request: HttpRequest, years: list[int]) -> int:
    """?year= when it is one of the offered years (anything else is ignored), else the newest."""
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and int(raw) in years else years[0]
