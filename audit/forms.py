from __future__ import annotations

from django import forms

from accounts.models import Organization
from audit.models import AuditEvent
from audit.selectors import Filters, object_type_choices
from common.periods import PeriodDateField


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    start = PeriodDateField(label="起始日期", required=False, widget=_date_input())
    end = PeriodDateField(label="截止日期", required=False, widget=_date_input())
    action = forms.ChoiceField(label="操作", required=False)
    actor = forms.CharField(label="操作人", required=False, max_length=100, help_text="姓名或用户名的一部分")
    organization = forms.ModelChoiceField(label="机构", required=False, queryset=Organization.objects.none())
    object_type = forms.ChoiceField(label="对象类型", required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("start", "end"):
            self.fields[field].input_formats = ["%Y-%m-%d", "%Y/%m/%d"]
            self.fields[field].error_messages["invalid"] = "请输入有效日期，如 2024-03-05。"
        self.fields["action"].choices = [("", "全部"), *AuditEvent.Action.choices]
        self.fields["object_type"].choices = [("", "全部"), *object_type_choices()]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
        if organizations is None:
            del self.fields["organization"]  # a district's users only ever see their own organisation
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].empty_label = "全部"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "截止日期不能早于起始日期。")
        return data

    def filters(self) -> Filters:
        """The valid filters; an invalid form filters nothing (its errors are shown beside the fields)."""
        if not self.is_valid():
            return Filters()
        data = self.cleaned_data
        organization = data.get("organization")
        return Filters(
            start=data["start"],
            end=data["end"],
            action=data["action"],
            actor=data["actor"].strip(),
            organization_id=organization.pk if organization else None,
            object_type=data["object_type"],
        )
