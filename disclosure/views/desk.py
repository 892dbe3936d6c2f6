"""A district's publication desk (signed in): what is due, what is published; publish, correct, withdraw.

Cases and publications are looked up through ``writable_by``: another district's do not exist here (404); a
user of the district without the leader's permission gets 403 (disclosure/policies.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from disclosure import policies, selectors, services
from disclosure.forms import CorrectionForm, WithdrawalForm
from disclosure.models import PenaltyPublication
from inspections.models import PenaltyCase


@login_required
@require_safe
def desk(request: HttpRequest) -> HttpResponse:
    if not policies.may_view_desk(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    org_id = request.user.organization_id
    due_total, _ = selectors.due_decisions(org_id, today=today, limit=0)
    pending_total, pending = selectors.pending_decisions(org_id, today=today)
    context = {
        "due_total": due_total,
        "pending_total": pending_total,
        "pending": pending,
        "publications": selectors.desk_publications(org_id, today=today),
        "may_publish": policies.may_publish(request.user),
        "today": today,
    }
    return render(request, "disclosure/desk.html", context)


def _case(request: HttpRequest, pk: int) -> PenaltyCase:
    case = get_object_or_404(
        PenaltyCase.objects.writable_by(request.user).select_related("source", "organization"), pk=pk
    )
    if not policies.may_publish(request.user):
        raise PermissionDenied
    return case


def _publication(request: HttpRequest, pk: int) -> PenaltyPublication:
    publication = get_object_or_404(
        PenaltyPublication.objects.writable_by(request.user).select_related("case", "case__source"), pk=pk
    )
    if not policies.may_publish(request.user):
        raise PermissionDenied
    return publication


def _preview(case: PenaltyCase) -> tuple[dict | None, str]:
    try:
        return services.public_snapshot(case), ""
    except services.DisclosureError as error:
        return None, str(error)


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if request.method == "POST":
        try:
            publication = services.publish(case=case, user=request.user, request=request)
        except services.DisclosureError as error:
            messages.error(request, str(error))
            return redirect("disclosure:case-publish", pk=case.pk)
        messages.success(request, f"已公示：{publication.decision_number}。")
        return redirect("disclosure:desk")
    preview, problem = _preview(case)
    context = {"case": case, "preview": preview, "problem": problem, "deadline": selectors.deadline_of(case)}
    return render(request, "disclosure/publish.html", context)


@login_required
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.correct(
                publication=publication, user=request.user, note=form.cleaned_data["note"], request=request
            )
        except services.DisclosureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已发布更正：{new}。")
            return redirect("disclosure:desk")
    preview, problem = _preview(publication.case)
    context = {"publication": publication, "form": form, "preview": preview, "problem": problem}
    return render(request, "disclosure/correct.html", context, status=400 if form.errors else 200)


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    form = WithdrawalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_for_credit_repair(
                publication=publication,
                user=request.user,
                grounds=form.cleaned_data["grounds"],
                applied_on=form.cleaned_data["applied_on"],
                request=request,
            )
        except services.DisclosureError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已通过信用修复撤下：{publication.decision_number}。")
            return redirect("disclosure:desk")
    context = {"publication": publication, "form": form, "today": timezone.localdate()}
    return render(request, "disclosure/withdraw.html", context, status=400 if form.errors else 200)
