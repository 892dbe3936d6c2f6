from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessment import measures as assessment_measures
from assessment import policies, scoring, selectors, services
from assessment.exports import score_workbook
from assessment.forms import NewAssessmentForm, ReturnForm, ScoreForm, ScoreWorkbookForm
from assessment.imports import read_score_workbook
from assessment.models import Evidence, Indicator, SelfAssessment, WorkflowEvent
from common.http import XLSX_MIME, attachment_response


def _get_assessment(request: HttpRequest, pk: int) -> SelfAssessment:
    """The assessment if the user may read it; another district's is a 404, never a 403."""
    return get_object_or_404(selectors.assessments_for(request.user), pk=pk)


@login_required
def assessment_list(request: HttpRequest, *, form: NewAssessmentForm | None = None) -> HttpResponse:
    assessments = selectors.assessments_for(request.user).annotate(total=Sum("scores__score"))
    can_create = policies.may_create_assessment(request.user)
    return render(
        request,
        "assessment/list.html",
        {"assessments": assessments, "form": (form or NewAssessmentForm()) if can_create else None},
        status=400 if form is not None else 200,
    )


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    # the role first, as for every page: a GET by someone who may not create is a 403, not a 405
    if not policies.is_scorer(request.user):
        raise PermissionDenied
    return _create_assessment(request)


@require_POST
def _create_assessment(request: HttpRequest) -> HttpResponse:
    if request.user.organization is None:
        messages.error(request, "您的账号没有所属机构，无法创建自评。")
        return redirect("assessment:list")
    form = NewAssessmentForm(request.POST)
    standard = None
    if form.is_valid():
        year = form.cleaned_data["year"]
        standard = selectors.standard_for_year(year)
        if standard is None:
            form.add_error("year", f"没有适用于{year}年度的已发布标准，请联系管理员。")
        elif SelfAssessment.objects.filter(organization=request.user.organization, year=year).exists():
            form.add_error("year", f"本单位{year}年度的自评已经存在，每个区每年只有一份自评，请在列表中打开它。")
            standard = None
    if standard is None:
        # the list again, with the error next to the year field
        return assessment_list(request, form=form)
    try:
        assessment = services.create_self_assessment(
            organization=request.user.organization, year=year, standard=standard, actor=request.user
        )
    except services.AssessmentError as exc:
        form.add_error("year", str(exc))
        return assessment_list(request, form=form)
    messages.success(request, f"已创建{assessment}。")
    return redirect("assessment:detail", pk=assessment.pk)


@login_required
def assessment_detail(request: HttpRequest, pk: int, *, return_form: ReturnForm | None = None) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    sheet = selectors.scoring_sheet(assessment)
    events = assessment.events.select_related("actor")
    return render(
        request,
        "assessment/detail.html",
        {
            "assessment": assessment,
            "differences": assessment_measures.differences(assessment),
            "sheet": sheet,
            "events": events,
            "moves": services.allowed_moves(assessment, request.user),
            "return_form": return_form or ReturnForm(),
            "last_return": next((e for e in reversed(events) if e.action == WorkflowEvent.Action.RETURN), None),
            "can_score": _can_score(request, assessment),
            "report": assessment.reports.first(),
            "can_create_report": policies.may_edit_report(request.user, assessment),
        },
        status=400 if return_form is not None else 200,
    )


def _can_score(request: HttpRequest, assessment: SelfAssessment) -> bool:
    return assessment.is_editable and policies.may_score(request.user, assessment)


def _render_sheet(request: HttpRequest, assessment: SelfAssessment, bound: ScoreForm | None = None, status: int = 200):
    sheet = selectors.scoring_sheet(assessment, user=request.user)
    has_mine = any(row.is_mine for block in sheet.systems for row in block.rows)
    mine = has_mine and request.GET.get("mine", "1" if request.user.department_id else "0") == "1"
    can_score = _can_score(request, assessment)
    measured = assessment_measures.measured_rules(assessment)
    for block in sheet.systems:
        for row in block.rows:
            if bound is not None and bound.indicator.pk == row.indicator.pk:
                row.form = bound
                counts = row.rule_counts
                row.current_rules = [(rule.description, counts.get(rule.pk, 0)) for rule in row.rule_items]
            else:
                initial = {
                    "score": "" if row.value is None else scoring.normalize(row.value),
                    "justification": row.justification,
                    "version": row.score.version if row.score else 0,
                }
                initial.update({f"rule_{k}": v for k, v in row.rule_counts.items()})
                row.form = ScoreForm(indicator=row.indicator, initial=initial)
            row.hidden = mine and not row.is_mine and row.form is not bound
            # each rule's count field with what the records show for it, when its rule names a measure
            row.rule_fields = [(row.form[f"rule_{r.pk}"], measured.get(r.pk)) for r in row.form.rule_items]
            if not can_score:
                for field in row.form.fields.values():
                    field.disabled = True
    return render(
        request,
        "assessment/score_sheet.html",
        {"assessment": assessment, "sheet": sheet, "mine": mine, "has_mine": has_mine, "can_score": can_score},
        status=status,
    )


@login_required
def score_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_sheet(request, _get_assessment(request, pk))


@login_required
@require_POST
def score_edit(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    indicator = get_object_or_404(
        Indicator.objects.prefetch_related("rule_items").select_related("system"),
        pk=indicator_pk,
        system__standard_id=assessment.standard_id,
    )
    form = ScoreForm(request.POST, request.FILES, indicator=indicator)
    if not form.is_valid():
        messages.error(request, f"指标{indicator.code}未保存，请按提示修改。")
        return _render_sheet(request, assessment, bound=form, status=400)
    try:
        services.save_score(
            assessment=assessment,
            indicator=indicator,
            user=request.user,
            value=form.cleaned_data["score"],
            justification=form.cleaned_data["justification"],
            rule_counts=form.rule_counts(),
            new_evidence=form.cleaned_data["evidence"],
            evidence_max_bytes=settings.EVIDENCE_MAX_BYTES,
            expected_version=form.loaded_version,
        )
    except services.StaleScore as exc:
        messages.error(request, f"指标{indicator.code}未保存：{exc}")
        return _render_sheet(request, assessment, bound=_stale_form(form, indicator, exc), status=409)
    except services.AssessmentError as exc:
        messages.error(request, f"指标{indicator.code}未保存：{exc}")
        return redirect("assessment:score-sheet", pk=assessment.pk)
    messages.success(request, f"已保存指标{indicator.code}“{indicator.name}”。")
    query = "" if "mine" not in request.GET else f"?mine={request.GET['mine']}"
    return redirect(reverse("assessment:score-sheet", args=[assessment.pk]) + query + f"#indicator-{indicator.pk}")


def _stale_form(form: ScoreForm, indicator: Indicator, exc: services.StaleScore) -> ScoreForm:
    """The user's input again, with the refusal and the version now current: the page shows the saved values
    beside it, and saving once more (after reading them) is a deliberate choice, not a lost update."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(exc.current.version if exc.current else 0)
    stale = ScoreForm(data, indicator=indicator)
    stale.is_valid()
    stale.add_error(None, str(exc))
    stale.is_stale = True
    return stale


def _get_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.for_user(request.user).select_related("score__assessment"),
        pk=evidence_pk,
        score__assessment_id=pk,
    )


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    evidence = _get_evidence(request, pk, evidence_pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = _get_evidence(request, pk, evidence_pk)
    try:
        services.remove_evidence(evidence=evidence, user=request.user)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已删除佐证材料“{evidence.original_name}”。")
    return redirect(reverse("assessment:score-sheet", args=[pk]) + f"#indicator-{evidence.score.indicator_id}")


def _move(request: HttpRequest, pk: int, action: str, reason: str = "") -> HttpResponse:
    assessment = _get_assessment(request, pk)
    try:
        services.move_assessment(assessment=assessment, user=request.user, action=action, reason=reason)
    except services.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        label = WorkflowEvent.Action(action).label
        messages.success(request, f"已{label}{assessment}。")
    return redirect("assessment:detail", pk=assessment.pk)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, WorkflowEvent.Action.SUBMIT)


@login_required
@require_POST
def assessment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    # with counts that differ from the records, the leader says why they approve anyway (kept in the history)
    return _move(request, pk, WorkflowEvent.Action.APPROVE, request.POST.get("reason", "")[:1000])


@login_required
def measure_records(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    """The records that make up a rule item's "记录显示：N"."""
    assessment = _get_assessment(request, pk)
    measured = assessment_measures.measured_rules(assessment).get(rule_pk)
    if measured is None:
        raise Http404("该规则项没有指定计算项。")
    return render(request, "assessment/measure_records.html", {"assessment": assessment, "m": measured})


@login_required
@require_POST
def assessment_return(request: HttpRequest, pk: int) -> HttpResponse:
    _get_assessment(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        # the assessment page again, with the reason box showing what is missing
        return assessment_detail(request, pk, return_form=form)
    return _move(request, pk, WorkflowEvent.Action.RETURN, form.cleaned_data["reason"])


@login_required
def score_export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    if not policies.may_export_scores(request.user):
        raise PermissionDenied
    return attachment_response(
        score_workbook(selectors.scoring_sheet(assessment)),
        filename=f"{assessment.organization.short_name}{assessment.year}年度自评评分表.xlsx",
        ascii_name=f"score-sheet-{assessment.organization.code}-{assessment.year}.xlsx",
        content_type=XLSX_MIME,
    )


@login_required
def score_import(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    if not _can_score(request, assessment):
        if policies.may_score(request.user, assessment):
            messages.error(request, f"自评{assessment.get_status_display()}，不能导入评分表。")
            return redirect("assessment:detail", pk=pk)
        raise PermissionDenied
    errors: list[str] = []
    form = ScoreWorkbookForm(request.POST, request.FILES) if request.method == "POST" else ScoreWorkbookForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        sheet = selectors.scoring_sheet(assessment)
        try:
            rows = read_score_workbook(
                upload.read(settings.WORKBOOK_MAX_BYTES + 1),
                assessment=assessment,
                maxima={r.indicator.code: r.indicator.max_score for b in sheet.systems for r in b.rows},
                system_names={b.system.name for b in sheet.systems},
                max_bytes=settings.WORKBOOK_MAX_BYTES,
            )
            changed = services.import_scores(assessment=assessment, user=request.user, rows=rows)
        except services.ScoreImportError as exc:
            errors = exc.errors
        except services.AssessmentError as exc:
            errors = [str(exc)]
        else:
            messages.success(request, f"评分表已导入，更新了{changed}个指标。")
            return redirect("assessment:detail", pk=pk)
    status = 400 if errors or form.errors else 200
    return render(
        request, "assessment/import.html", {"assessment": assessment, "form": form, "errors": errors}, status=status
    )
