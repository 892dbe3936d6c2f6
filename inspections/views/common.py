"""What every records page needs: the kinds of record, the organisation looked at, and permission checks.

Reads go through ``for_user`` and writes through ``writable_by`` (accounts.scoping): another district's
record does not exist for the user, so its URLs answer 404; a missing role answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from accounts.models import Organization
from inspections import filters, forms
from inspections.models import (
    CaseFileReview,
    CaseMeasure,
    Dispatch,
    DrillResult,
    Equipment,
    Inspection,
    Officer,
    PenaltyCase,
    PollutionSource,
    Training,
)
from inspections.review.forms import CaseFileReviewForm
from inspections.selectors import visible_organizations


@dataclass(frozen=True)
class RecordKind:
    name: str  # URL names: "<name>-list", "<name>-create", …
    model: type[models.Model]
    form: type[forms.OrgRecordForm]
    filter: type[filters.RecordFilter]
    has_detail: bool = False

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name)

    # URL names for templates: {% url kind.urls.edit record.pk %}
    @property
    def urls(self) -> dict[str, str]:
        return {
            action: f"inspections:{self.name}-{action}" for action in ("list", "create", "detail", "edit", "delete")
        }

    def permission(self, action: str) -> str:
        return f"inspections.{action}_{self.model._meta.model_name}"


KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind("dispatch", Dispatch, forms.DispatchForm, filters.DispatchFilter, has_detail=True),
        RecordKind("inspection", Inspection, forms.InspectionForm, filters.InspectionFilter),
        RecordKind("case", PenaltyCase, forms.PenaltyCaseForm, filters.PenaltyCaseFilter, has_detail=True),
        RecordKind(
            "source", PollutionSource, forms.PollutionSourceForm, filters.PollutionSourceFilter, has_detail=True
        ),
        RecordKind("equipment", Equipment, forms.EquipmentForm, filters.EquipmentFilter),
        RecordKind("training", Training, forms.TrainingForm, filters.TrainingFilter),
        RecordKind("officer", Officer, forms.OfficerForm, filters.OfficerFilter),
        RecordKind("measure", CaseMeasure, forms.CaseMeasureForm, filters.CaseMeasureFilter),
        RecordKind("drill", DrillResult, forms.DrillResultForm, filters.DrillResultFilter),
        RecordKind("review", CaseFileReview, CaseFileReviewForm, filters.CaseFileReviewFilter),
    )
}

#: the tabs under 执法记录, in the order of the reference report's paragraph
TABS = [
    ("statistics", "统计"),
    ("dispatch-list", "执法出动"),
    ("inspection-list", "污染源检查"),
    ("case-list", "行政处罚"),
    ("measure-list", "处罚措施"),
    ("review-list", "案卷评查"),
    ("source-list", "污染源"),
    ("equipment-list", "执法装备"),
    ("training-list", "培训记录"),
    ("officer-list", "执法人员"),
    ("drill-list", "执法大练兵"),
    ("import", "台账导入"),
]


def require(allowed: bool) -> None:
    """A page whose policy says no is a 403 (another district's record is a 404 before this is asked)."""
    if not allowed:
        raise PermissionDenied


def chosen_organization(request: HttpRequest) -> tuple[Organization, list[Organization]]:
    """The organisation a page shows (``?org=code``, default the first the user may see) and all those choices."""
    organizations = visible_organizations(request.user)
    if not organizations:
        raise PermissionDenied("您的账号未关联机构，无法查看执法记录。")
    code = request.GET.get("org")
    if not code:
        return organizations[0], organizations
    for organization in organizations:
        if organization.code == code:
            return organization, organizations
    raise Http404("没有这个机构，或您无权查看。")


def own_organization(request: HttpRequest) -> Organization:
    if request.user.organization is None:
        raise PermissionDenied("您的账号未关联机构。")
    return request.user.organization
