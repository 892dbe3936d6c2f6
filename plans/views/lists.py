"""The 检查对象名录库 (with bulk category setting), the 抽查事项清单, and the 双随机 figures."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from common.http import XLSX_MIME, attachment_response
from inspections.models import PollutionSource
from plans import categories, policies, selectors, services
from plans.forms import CategoryUploadForm
from plans.models import CheckItem
from plans.views.common import TABS, chosen_organization, require_view

PAGE_SIZE = 50


@login_required
def sources_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    organization, organizations = chosen_organization(request)
    category = request.GET.get("category", "")
    sources = PollutionSource.objects.for_user(request.user).filter(organization=organization)
    if category in PollutionSource.Category.values:
        sources = sources.filter(category=category)
    page = Paginator(sources.select_related("supervision").order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = {c: 0 for c in PollutionSource.Category.values}
    for value in PollutionSource.objects.filter(organization=organization).values_list("category", flat=True):
        counts[value] += 1
    return render(
        request,
        "plans/sources.html",
        {
            "tabs": TABS,
            "current_tab": "sources",
            "organization": organization,
            "organizations": organizations,
            "page": page,
            "today": timezone.localdate(),
            "category": category,
            "counts": [(c, label, counts[c]) for c, label in PollutionSource.Category.choices],
            "may_import": policies.may_set_categories(request.user) and organization.pk == request.user.organization_id,
        },
    )


@login_required
def categories_import_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    if not policies.may_set_categories(request.user):
        raise PermissionDenied("您不能设置检查对象的监管类别。")
    form = CategoryUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                count = services.import_categories(
                    user=request.user,
                    data=upload.read(categories.MAX_BYTES + 1),
                    filename=upload.name,
                    request=request,
                )
            except categories.CategoryFileError as exc:
                problems = exc.problems
            else:
                messages.success(request, f"已按工作簿设置{count}家检查对象的监管类别。")
                return redirect("plans:sources")
        status = 400
    return render(
        request,
        "plans/categories_import.html",
        {
            "tabs": TABS,
            "current_tab": "sources",
            "form": form,
            "problems": problems[: categories.MAX_LISTED],
            "more": max(0, len(problems) - categories.MAX_LISTED),
        },
        status=status,
    )


@login_required
def categories_template_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    return attachment_response(
        categories.template(),
        filename="监管类别模板.xlsx",
        ascii_name="categories-template.xlsx",
        content_type=XLSX_MIME,
    )


@login_required
def items_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    organization, organizations = chosen_organization(request)
    return render(
        request,
        "plans/items.html",
        {
            "tabs": TABS,
            "current_tab": "items",
            "organization": organization,
            "organizations": organizations,
            "items": CheckItem.objects.for_user(request.user).filter(organization=organization),
        },
    )


@login_required
def figures_view(request: HttpRequest) -> HttpResponse:
    require_view(request)
    organization, organizations = chosen_organization(request)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    return render(
        request,
        "plans/figures.html",
        {
            "tabs": TABS,
            "current_tab": "figures",
            "organization": organization,
            "organizations": organizations,
            "year": year,
            "years": range(date.today().year - 2, date.today().year + 2),
            "periods": selectors.quarterly_figures(organization=organization, year=year),
        },
    )
