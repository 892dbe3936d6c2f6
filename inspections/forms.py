"""Record forms: one per kind, bound to the user's organisation.

Every choice offered (sources, dispatches, departments, officers) is limited to that organisation, and
the keys the ledger uses (出动编号, 案件编号, 资产编号, …) are checked to be unique within it.
Sources and dispatches are entered by their credit code and number, not picked from a list that would
hold thousands of entries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q

from accounts.models import Department, Organization, User
from common.text import add_to_text_fields
from inspections.models import (
    Dispatch,
    Equipment,
    Inspection,
    Officer,
    PenaltyCase,
    PollutionSource,
    Training,
    split_names,
)
from inspections.procedure.models import CaseMeasure, ExemptionListItem
from inspections.procedure.rules import procedure_problems
from inspections.roster.attendance import AttendanceError, attendance_text, parse_attendance, unique_names
from inspections.roster.models import DrillResult
from inspections.roster.selectors import officer_choices
from inspections.validators import credit_code_problem, normalize_credit_code


def date_input() -> forms.DateInput:
    # A new widget per field: crispy adds "is-invalid" to a widget's attrs, which a shared one would keep.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrgRecordForm(forms.ModelForm):
    #: fields that, together with the organisation, identify a record (as the ledger does)
    org_unique: tuple[str, ...] = ()
    # The record's version when the edit page was loaded; services.save_record refuses a stale one.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if self.instance._state.adding:
            self.instance.organization = organization
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
        add_to_text_fields(self)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = date_input()
                field.input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
                field.error_messages["invalid"] = "请输入有效日期，如 2023-03-05。"
        for name in ("department",):
            if name in self.fields:
                self.fields[name].queryset = Department.objects.filter(organization=organization)

    @property
    def loaded_version(self) -> int:
        """The version the user saw; an edit without one is treated as stale rather than trusted."""
        return self.cleaned_data.get("version") or 0

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Organisation is not a form field, so Django skips the unique constraint; check it here.
        if self.org_unique and all(cleaned.get(f) not in (None, "") for f in self.org_unique):
            model = self._meta.model
            clash = model.objects.filter(organization=self.organization, **{f: cleaned[f] for f in self.org_unique})
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                labels = "、".join(str(model._meta.get_field(f).verbose_name) for f in self.org_unique)
                values = "、".join(str(cleaned[f]) for f in self.org_unique)
                self.add_error(self.org_unique[-1], f"本单位已有{labels}为“{values}”的{model._meta.verbose_name}。")
        return cleaned


def _source_by_code(organization: Organization, text: str) -> PollutionSource:
    code = normalize_credit_code(text)
    problem = credit_code_problem(code)
    if problem:
        raise forms.ValidationError(problem + "。")
    source = PollutionSource.objects.filter(organization=organization, credit_code=code).first()
    if source is None:
        raise forms.ValidationError(f"本单位没有统一社会信用代码为“{code}”的污染源，请先在“污染源”中新增。")
    return source


class SourceCodeMixin:
    """A ``source_code`` text field that resolves to the organisation's pollution source."""

    def _init_source(self) -> None:
        if self.instance.source_id and not self.is_bound:
            self.initial.setdefault("source_code", self.instance.source.credit_code)

    def clean_source_code(self) -> PollutionSource:
        source = _source_by_code(self.organization, self.cleaned_data["source_code"])
        self.instance.source = source
        return source


SOURCE_CODE = dict(
    label="污染源统一社会信用代码",
    max_length=30,
    help_text="18位；污染源须已在本单位“污染源”中登记",
    widget=forms.TextInput(attrs={"autocomplete": "off", "class": "text-uppercase"}),
)


class PollutionSourceForm(OrgRecordForm):
    org_unique = ("credit_code",)
    # Longer than 18 so that a code typed with spaces reaches clean_credit_code and is normalised there.
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30, help_text="18位，按GB 32100-2015校验")

    class Meta:
        model = PollutionSource
        fields = ["name", "credit_code", "address", "industry", "category"]

    def clean_credit_code(self) -> str:
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        problem = credit_code_problem(code)
        if problem:
            raise forms.ValidationError(problem + "。")
        return code


class DispatchForm(OrgRecordForm):
    org_unique = ("number",)

    class Meta:
        model = Dispatch
        fields = [
            "number",
            "dispatched_on",
            "officer_count",
            "officers",
            "officer_users",
            "officer_names",
            "task_type",
            "department",
            "note",
        ]
        widgets = {
            "officers": forms.CheckboxSelectMultiple,
            "officer_users": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["officers"].queryset = officer_choices(self.organization)
        self.fields["officers"].help_text = "从本单位执法人员名录中选择；至少两名持有效执法证的人员"
        self.fields["officer_users"].queryset = User.objects.filter(
            organization=self.organization, is_active=True
        ).order_by("pk")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        listed = (
            len(cleaned.get("officers") or [])
            + len(cleaned.get("officer_users") or [])
            + len(split_names(cleaned.get("officer_names") or ""))
        )
        count = cleaned.get("officer_count")
        if count is not None and listed > count:
            self.add_error("officer_count", f"列出了{listed}名执法人员，多于出动人数{count}。")
        return cleaned


class InspectionForm(SourceCodeMixin, OrgRecordForm):
    dispatch_number = forms.CharField(label="出动编号", max_length=40, help_text="本次检查所属的执法出动")
    source_code = forms.CharField(**SOURCE_CODE)

    class Meta:
        model = Inspection
        fields = ["dispatch_number", "inspected_on", "source_code", "result", "findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._init_source()
        if self.instance.dispatch_id and not self.is_bound:
            self.initial.setdefault("dispatch_number", self.instance.dispatch.number)

    def clean_dispatch_number(self) -> Dispatch:
        number = self.cleaned_data["dispatch_number"].strip()
        dispatch = Dispatch.objects.filter(organization=self.organization, number=number).first()
        if dispatch is None:
            raise forms.ValidationError(f"本单位没有出动编号为“{number}”的执法出动，请先登记执法出动。")
        self.instance.dispatch = dispatch
        return dispatch

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        dispatch, source = cleaned.get("dispatch_number"), cleaned.get("source_code")
        if dispatch and source:
            clash = Inspection.objects.filter(dispatch=dispatch, source=source).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "source_code", f"出动{dispatch}已有对“{source}”的检查记录（一次出动对同一污染源只记一次检查）。"
                )
        return cleaned


class PenaltyCaseForm(SourceCodeMixin, OrgRecordForm):
    org_unique = ("case_number",)
    source_code = forms.CharField(**SOURCE_CODE)

    class Meta:
        model = PenaltyCase
        fields = [
            "case_number",
            "source_code",
            "violation_type",
            "department",
            "filed_on",
            "decided_on",
            "closed_on",
            "outcome",
            "fine_yuan",
            "transferred_to_police",
            # the procedure (立案 → … → 结案) and the outcome's detail
            "investigation_ended_on",
            "is_major",
            "legal_reviewer",
            "legal_reviewed_on",
            "notified_on",
            "statement_made",
            "hearing_requested",
            "hearing_on",
            "extension_days",
            "extension_reason",
            "delivered_on",
            "paid_yuan",
            "paid_on",
            "surcharge_yuan",
            "exemption_ground",
            "exemption_item",
            "transferred_on",
            "transferred_to",
            # 执法公示 (docs/disclosure.md): what is published, and the party's private details that never are
            "decision_document_number",
            "party_kind",
            "party_name",
            "party_id_number",
            "party_phone",
            "party_address",
            "violation_facts",
            "penalty_legal_basis",
            "penalty_content",
        ]
        widgets = {
            "violation_type": forms.TextInput(attrs={"list": "violation-types"}),
            "violation_facts": forms.Textarea(attrs={"rows": 3}),
            "penalty_legal_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._init_source()
        self.fields["fine_yuan"].required = False
        self.fields["fine_yuan"].help_text = "仅处理结果为“罚款”时填写；其他情况留空或填0"
        self.fields["fine_yuan"].widget.attrs.update({"min": "0", "step": "0.01"})
        # older forms and ledgers know nothing of the party's kind: a legal entity, as before
        self.fields["party_kind"].required = False
        self.violation_types = list(
            PenaltyCase.objects.filter(organization=self.organization)
            .order_by("violation_type")
            .values_list("violation_type", flat=True)
            .distinct()
        )
        self.fields["exemption_item"].queryset = ExemptionListItem.objects.filter(
            Q(active=True) | Q(pk=self.instance.exemption_item_id)
        )
        for name in ("paid_yuan", "surcharge_yuan", "extension_days"):
            self.fields[name].required = False

    def clean_party_kind(self) -> str:
        return self.cleaned_data["party_kind"] or PenaltyCase.PartyKind.LEGAL_ENTITY

    def clean_fine_yuan(self) -> Decimal:
        return self.cleaned_data["fine_yuan"] or Decimal("0")

    def clean_paid_yuan(self) -> Decimal:
        return self.cleaned_data["paid_yuan"] or Decimal("0")

    def clean_surcharge_yuan(self) -> Decimal:
        return self.cleaned_data["surcharge_yuan"] or Decimal("0")

    def clean_extension_days(self) -> int:
        return self.cleaned_data["extension_days"] or 0

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for field, message in procedure_problems(cleaned):
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned


class EquipmentForm(OrgRecordForm):
    org_unique = ("asset_number",)

    class Meta:
        model = Equipment
        fields = ["asset_number", "name", "category", "purchased_on", "status"]


class TrainingForm(OrgRecordForm):
    org_unique = ("held_on", "topic")
    attendance = forms.CharField(
        label="参训执法人员及学时",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="名录中的执法人员，用顿号分隔；学时与本次培训不同的写在姓名后，如“王强、李明 2”",
    )

    class Meta:
        model = Training
        fields = ["held_on", "topic", "category", "organiser", "attendees", "hours", "attendance"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            entries = [(a.officer.name, a.hours) for a in self.instance.attendance.select_related("officer")]
            self.initial["attendance"] = attendance_text(entries, default_hours=self.instance.hours)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        hours = cleaned.get("hours")
        if hours is None or "attendance" in self.errors:
            return cleaned
        try:
            entries = parse_attendance(cleaned.get("attendance", ""), default_hours=hours)
        except AttendanceError as exc:
            self.add_error("attendance", str(exc))
            return cleaned
        roster = unique_names(Officer.objects.filter(organization=self.organization).values_list("pk", "name"))
        unknown = [name for name, _ in entries if name not in roster]
        if unknown:
            self.add_error(
                "attendance",
                f"“{'、'.join(unknown)}”不在本单位执法人员名录中（或名录中有同名人员），请先在“执法人员”中登记。",
            )
        elif cleaned.get("attendees") is not None and len(entries) > cleaned["attendees"]:
            self.add_error("attendees", f"列出了{len(entries)}名参训执法人员，多于参训人数{cleaned['attendees']}。")
        self.attendance_entries = [(roster.get(name), hours) for name, hours in entries]
        return cleaned

    def save(self, commit: bool = True) -> Training:
        from inspections.services.records import replace_training_attendance

        training = super().save(commit)
        # Called inside services.save_record's transaction: the list is replaced with the training, or not at all.
        replace_training_attendance(
            training=training, organization=self.organization, entries=getattr(self, "attendance_entries", [])
        )
        return training


class CaseMeasureForm(OrgRecordForm):
    case_number = forms.CharField(label="案件编号", max_length=60, help_text="采取措施的行政处罚案件")

    class Meta:
        model = CaseMeasure
        fields = ["case_number", "kind", "started_on", "ended_on", "note"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.case_id and not self.is_bound:
            self.initial.setdefault("case_number", self.instance.case.case_number)

    def clean_case_number(self) -> PenaltyCase:
        number = self.cleaned_data["case_number"].strip()
        case = PenaltyCase.objects.filter(organization=self.organization, case_number=number).first()
        if case is None:
            raise forms.ValidationError(f"本单位没有案件编号为“{number}”的行政处罚案件。")
        self.instance.case = case
        return case

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        case, started, ended = cleaned.get("case_number"), cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", "结束日期不能早于开始日期。")
        if case and started and started < case.filed_on:
            self.add_error("started_on", f"开始日期不能早于该案立案日期{case.filed_on:%Y-%m-%d}。")
        return cleaned


class DrillResultForm(OrgRecordForm):
    class Meta:
        model = DrillResult
        fields = ["held_on", "event", "level", "officer", "team", "placing", "award"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officer_choices(self.organization)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("officer") and not (cleaned.get("team") or "").strip() and "officer" not in self.errors:
            self.add_error("officer", "请填写获奖的执法人员或团队。")
        if cleaned.get("placing") is None and not (cleaned.get("award") or "").strip() and "placing" not in self.errors:
            self.add_error("placing", "请填写名次或奖项。")
        return cleaned


class OfficerForm(OrgRecordForm):
    org_unique = ("certificate_number",)

    class Meta:
        model = Officer
        fields = [
            "name",
            "department",
            "certificate_number",
            "certificate_valid_from",
            "certificate_valid_to",
            "status",
            "user",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["certificate_number"].help_text = "本单位内不能重复；尚未取得执法证的留空"
        self.fields["user"].queryset = User.objects.filter(organization=self.organization, is_active=True).order_by(
            "pk"
        )

    def clean_certificate_number(self) -> str:
        return self.cleaned_data["certificate_number"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        number = cleaned.get("certificate_number")
        start, end = cleaned.get("certificate_valid_from"), cleaned.get("certificate_valid_to")
        if number:
            for name, value in (("certificate_valid_from", start), ("certificate_valid_to", end)):
                if value is None and name not in self.errors:
                    self.add_error(name, "填写了执法证号，请同时填写执法证有效期。")
        elif number == "" and (start or end):
            self.add_error("certificate_number", "填写了执法证有效期，请同时填写执法证号。")
        if start and end and end < start:
            self.add_error("certificate_valid_to", "执法证有效期止不能早于有效期起。")
        return cleaned


class LedgerUploadForm(forms.Form):
    workbook = forms.FileField(
        label="台账文件（.xlsx）",
        error_messages={"required": "请选择要上传的台账文件。"},
        help_text=f"不超过{settings.LEDGER_MAX_BYTES // 1024 // 1024} MB；工作表和表头须与模板一致",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(
                f"“{upload.name}”不是 .xlsx 文件；请上传 Excel 工作簿（.xlsx），不支持 .xls、.xlsm、.csv。"
            )
        return upload
