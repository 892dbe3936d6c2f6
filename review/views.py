"""Thin views of the 复核, the comparison of districts and years, and carrying last year forward."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from assessment import scoring
from assessment.models import SelfAssessment
from assessment.selectors import assessments_for
from common.http import XLSX_MIME, attachment_response
from review import exports, policies, selectors, services
from review.selectors import comparison as compare
from review.selectors import years as history

MAX_TEXT = 1000


def _get_assessment(request: HttpRequest, pk: int) -> SelfAssessment:
    """The assessment if the user may read it; another district's is a 404, never a 403."""
    return get_object_or_404(assessments_for(request.user), pk=pk)


def _render_sheet(request: HttpRequest, assessment: SelfAssessment, *, errors=None, typed=None, status: int = 200):
    sheet = selectors.review_sheet(assessment)
    may_review = policies.may_review(request.user, assessment)
    errors = errors or {}
    for row in sheet.rows:
        entered = (typed or {}).get(row.indicator.pk)
        row.typed = entered or {
            "score": "" if row.review_score is None else scoring.normalize(row.review_score),
            "comment": row.review.comment if row.review else "",
            "return_reason": row.review.return_reason if row.review else "",
        }
        row.error = errors.get(row.indicator.pk, "")
    return render(
        request,
        "review/sheet.html",
        {
            "assessment": assessment,
            "sheet": sheet,
            "may_review": may_review,
            "may_start": policies.may_start_review(request.user, assessment),
            "general_error": errors.get(0, ""),
            "form": request.POST if typed else {},
        },
        status=status,
    )


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The 复核 page: the reviewer's sheet, and for the district where and why its scores changed."""
    return _render_sheet(request, _get_assessment(request, pk))


@login_required
@require_POST
def review_start(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    if not policies.is_reviewer(request.user):
        raise PermissionDenied
    try:
        services.start_review(assessment=assessment, user=request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已开始复核{assessment}。")
    return redirect("review:sheet", pk=pk)


def _typed_rows(request: HttpRequest, assessment: SelfAssessment) -> dict[int, dict[str, str]]:
    rows = {}
    for row in selectors.review_sheet(assessment).rows:
        prefix = f"i{row.indicator.pk}-"
        rows[row.indicator.pk] = {
            name: request.POST.get(prefix + name, "")[:MAX_TEXT] for name in ("score", "comment", "return_reason")
        }
    return rows


@login_required
@require_POST
def review_save(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    if not policies.is_reviewer(request.user):
        raise PermissionDenied
    then = request.POST.get("then", "")
    if then not in ("", "return", "confirm"):
        then = ""
    typed = _typed_rows(request, assessment)
    rows = [
        services.ReviewInput(indicator_id=i, score=v["score"], comment=v["comment"], return_reason=v["return_reason"])
        for i, v in typed.items()
    ]
    try:
        services.save_review(
            assessment=assessment,
            user=request.user,
            rows=rows,
            then=then,
            reason=request.POST.get("reason", "")[:MAX_TEXT],
            vetoed=request.POST.get("vetoed") == "on",
            veto_note=request.POST.get("veto_note", "")[:MAX_TEXT],
            expected_version=int(version) if (version := request.POST.get("version", "")).isdigit() else None,
        )
    except services.ReviewError as exc:
        messages.error(request, "未保存：" + ("请按提示修改标红的指标。" if set(exc.errors) - {0} else str(exc)))
        # a stale form shows what is saved now, so that nobody overwrites another's review unseen
        return _render_sheet(
            request, assessment, errors=exc.errors, typed=None if exc.stale else typed, status=409 if exc.stale else 400
        )
    done = {
        "": "已保存复核得分。",
        "return": f"已将{assessment}退回区局修改。",
        "confirm": f"已确认{assessment}的复核结果。",
    }
    messages.success(request, done[then])
    return redirect("review:sheet", pk=pk)


@login_required
@require_POST
def carry_forward(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    if not policies.may_carry_forward(request.user, assessment):
        raise PermissionDenied
    try:
        carried = services.carry_forward(assessment=assessment, user=request.user)
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        if carried:
            messages.success(request, f"已沿用上年度{carried}个指标的自评说明，请逐项核对后评分确认。")
        else:
            messages.info(request, "没有可以沿用的上年度说明（已填写的指标不会被覆盖）。")
    return redirect("assessment:score-sheet", pk=pk)


@login_required
@require_GET
def year_comparison(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    earlier = history.earlier_years(assessment)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in earlier else (earlier[0] if earlier else None)
    table = history.year_beside_year(assessment, year) if year is not None else None
    return render(
        request, "review/years.html", {"assessment": assessment, "earlier": earlier, "year": year, "table": table}
    )


def _comparison_year(request: HttpRequest, years: list[int]) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and int(raw) in years else years[0]


@login_required
@require_GET
def comparison(request: HttpRequest) -> HttpResponse:
    if not policies.may_compare(request.user):
        raise PermissionDenied
    years = compare.comparison_years() or [timezone.localdate().year]
    year = _comparison_year(request, years)
    result = compare.city_comparison(year=year)
    sort = request.GET.get("sort", "rank")
    trend = compare.city_trend()
    return render(
        request,
        "review/comparison.html",
        {
            "years": years,
            "year": year,
            "result": result,
            "ranked": result.sorted_ranked(sort),
            "sort": result.sort_key(sort),
            "chart_data": compare.chart_data(result, trend),
            "trend": trend,
        },
    )


@login_required
@require_GET
def comparison_export(request: HttpRequest) -> HttpResponse:
    if not policies.may_compare(request.user):
        raise PermissionDenied
    years = compare.comparison_years() or [timezone.localdate().year]
    year = _comparison_year(request, years)
    return attachment_response(
        exports.comparison_workbook(compare.city_comparison(year=year)),
        filename=f"各区{year}年度自评与复核对比.xlsx",
        ascii_name=f"comparison-{year}.xlsx",
        content_type=XLSX_MIME,
    )
