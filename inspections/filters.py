"""List filters (GET forms): a period by the record's own date, and per kind its type, department or source."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.models import Department, Organization, User
from common.periods import PeriodDateField, check_period
from inspections.models import Dispatch, Equipment, Inspection, Officer, PenaltyCase, PollutionSource, Training
from inspections.procedure.models import CaseMeasure
from inspections.roster.models import EXPIRY_WARNING_DAYS, DrillResult

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: list[tuple[str, str]], label: str = "全部") -> list[tuple[str, str]]:
    return [("", label), *[(v, str(lbl)) for v, lbl in choices if v != ""]]


class RecordFilter(forms.Form):
    has_period = True

    start = PeriodDateField(label="起始日期", required=False, widget=DATE_INPUT)
    end = PeriodDateField(label="截止日期", required=False, widget=DATE_INPUT)

    def __init__(self, data: Any, *, organization: Organization, organizations: list[Organization]):
        super().__init__(data)
        self.organization = organization
        if len(organizations) > 1:
            self.fields["org"] = forms.ChoiceField(
                label="机构", required=False, choices=[(o.code, o.short_name) for o in organizations]
            )
            self.order_fields(["org"])
        if not self.has_period:
            del self.fields["start"], self.fields["end"]
        if "department" in self.fields:
            self.fields["department"].queryset = Department.objects.filter(organization=organization)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select form-select-sm"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            else:
                field.widget.attrs["class"] = "form-control form-control-sm"

    def period(self) -> tuple[date | None, date | None]:
        if not self.has_period or not self.is_valid():
            return None, None
        return self.cleaned_data.get("start"), self.cleaned_data.get("end")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        check_period(cleaned.get("start"), cleaned.get("end"))
        return cleaned

    def apply(self, qs: QuerySet) -> QuerySet:
        """The rows that match; an invalid filter matches everything (its errors are shown above the list)."""
        if not self.is_valid():
            return qs
        if self.has_period:
            qs = qs.in_period(*self.period())
        return self.narrow(qs, self.cleaned_data)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        return qs

    @property
    def active(self) -> bool:
        return self.is_valid() and any(v not in (None, "", False) for k, v in self.cleaned_data.items() if k != "org")


def _source_query(prefix: str, text: str) -> Q:
    return Q(**{f"{prefix}name__icontains": text}) | Q(**{f"{prefix}credit_code__icontains": text.upper()})


class DispatchFilter(RecordFilter):
    task_type = forms.ChoiceField(label="任务类型", required=False, choices=_blank(Dispatch.TaskType.choices))
    department = forms.ModelChoiceField(
        label="部门", required=False, queryset=Department.objects.none(), empty_label="全部"
    )
    q = forms.CharField(label="编号、执法人员或备注", required=False, max_length=50)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("task_type"):
            qs = qs.filter(task_type=data["task_type"])
        if data.get("department"):
            qs = qs.filter(department=data["department"])
        if data.get("q"):
            text = data["q"]
            # Officers who are users are matched by their full name, as the page shows it.
            named_user = User.objects.annotate(full_name=Concat("last_name", "first_name")).filter(
                dispatches=OuterRef("pk"), full_name__icontains=text
            )
            roster = Officer.objects.filter(dispatches=OuterRef("pk"), name__icontains=text)
            qs = qs.filter(
                Q(number__icontains=text)
                | Q(officer_names__icontains=text)
                | Exists(roster)
                | Q(note__icontains=text)
                | Exists(named_user)
            )
        return qs


class InspectionFilter(RecordFilter):
    result = forms.ChoiceField(label="检查结果", required=False, choices=_blank(Inspection.Result.choices))
    department = forms.ModelChoiceField(
        label="部门", required=False, queryset=Department.objects.none(), empty_label="全部"
    )
    source = forms.CharField(label="污染源（名称或信用代码）", required=False, max_length=50)
    dispatch = forms.CharField(label="出动编号", required=False, max_length=40)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("result"):
            qs = qs.filter(result=data["result"])
        if data.get("department"):
            qs = qs.filter(dispatch__department=data["department"])
        if data.get("source"):
            qs = qs.filter(_source_query("source__", data["source"]))
        if data.get("dispatch"):
            qs = qs.filter(dispatch__number=data["dispatch"].strip())
        return qs


class PenaltyCaseFilter(RecordFilter):
    outcome = forms.ChoiceField(
        label="处理结果",
        required=False,
        choices=[("", "全部"), ("pending", "未决定"), *_blank(PenaltyCase.Outcome.choices)[1:]],
    )
    violation_type = forms.CharField(label="违法行为类型", required=False, max_length=100)
    department = forms.ModelChoiceField(
        label="承办部门", required=False, queryset=Department.objects.none(), empty_label="全部"
    )
    source = forms.CharField(label="当事单位（名称或信用代码）", required=False, max_length=50)
    transferred = forms.BooleanField(label="仅移送公安", required=False)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("outcome"):
            qs = qs.filter(outcome="" if data["outcome"] == "pending" else data["outcome"])
        if data.get("violation_type"):
            qs = qs.filter(violation_type__icontains=data["violation_type"])
        if data.get("department"):
            qs = qs.filter(department=data["department"])
        if data.get("source"):
            qs = qs.filter(_source_query("source__", data["source"]))
        if data.get("transferred"):
            qs = qs.filter(transferred_to_police=True)
        return qs


class PollutionSourceFilter(RecordFilter):
    has_period = False

    q = forms.CharField(label="名称或信用代码", required=False, max_length=50)
    category = forms.ChoiceField(label="监管类别", required=False, choices=_blank(PollutionSource.Category.choices))
    industry = forms.CharField(label="行业", required=False, max_length=50)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("q"):
            qs = qs.filter(_source_query("", data["q"]))
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("industry"):
            qs = qs.filter(industry__icontains=data["industry"])
        return qs


class EquipmentFilter(RecordFilter):
    category = forms.ChoiceField(label="类别", required=False, choices=_blank(Equipment.Category.choices))
    status = forms.ChoiceField(label="状态", required=False, choices=_blank(Equipment.Status.choices))

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        return qs


class TrainingFilter(RecordFilter):
    category = forms.ChoiceField(label="培训类别", required=False, choices=_blank(Training.Category.choices))
    q = forms.CharField(label="主题", required=False, max_length=50)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("q"):
            qs = qs.filter(topic__icontains=data["q"])
        return qs


class CaseMeasureFilter(RecordFilter):
    kind = forms.ChoiceField(label="措施", required=False, choices=_blank(CaseMeasure.Kind.choices))
    case = forms.CharField(label="案件编号", required=False, max_length=60)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        if data.get("case"):
            qs = qs.filter(case__case_number__icontains=data["case"].strip())
        return qs


class DrillResultFilter(RecordFilter):
    level = forms.ChoiceField(label="级别", required=False, choices=_blank(DrillResult.Level.choices))
    q = forms.CharField(label="活动、人员或团队", required=False, max_length=50)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("level"):
            qs = qs.filter(level=data["level"])
        if data.get("q"):
            text = data["q"]
            qs = qs.filter(Q(event__icontains=text) | Q(officer__name__icontains=text) | Q(team__icontains=text))
        return qs


class CaseFileReviewFilter(RecordFilter):
    passed = forms.ChoiceField(
        label="评查结论", required=False, choices=[("", "全部"), ("yes", "合格"), ("no", "不合格")]
    )
    case = forms.CharField(label="案件编号", required=False, max_length=60)

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("passed"):
            qs = qs.filter(passed=data["passed"] == "yes")
        if data.get("case"):
            qs = qs.filter(case__case_number__icontains=data["case"].strip())
        return qs


class OfficerFilter(RecordFilter):
    has_period = False

    q = forms.CharField(label="姓名或执法证号", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", required=False, choices=_blank(Officer.Status.choices))
    department = forms.ModelChoiceField(
        label="部门", required=False, queryset=Department.objects.none(), empty_label="全部"
    )
    certificate = forms.ChoiceField(
        label="执法证",
        required=False,
        choices=[
            ("", "全部"),
            ("valid", "今日有效"),
            ("expiring", f"{EXPIRY_WARNING_DAYS}天内到期"),
            ("invalid", "无有效执法证"),
        ],
    )

    def narrow(self, qs: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("q"):
            qs = qs.filter(Q(name__icontains=data["q"]) | Q(certificate_number__icontains=data["q"]))
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("department"):
            qs = qs.filter(department=data["department"])
        today = timezone.localdate()
        if data.get("certificate") == "valid":
            qs = qs.certified_on(today)
        elif data.get("certificate") == "expiring":
            qs = qs.expiring_within(today)
        elif data.get("certificate") == "invalid":
            qs = qs.not_certified_on(today)
        return qs


class PeriodForm(forms.Form):
    """The statistics page's period (and organisation for the city reviewer)."""

    start = PeriodDateField(label="起始日期", widget=DATE_INPUT, error_messages={"required": "请填写起始日期。"})
    end = PeriodDateField(label="截止日期", widget=DATE_INPUT, error_messages={"required": "请填写截止日期。"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        check_period(cleaned.get("start"), cleaned.get("end"))
        return cleaned
