from __future__ import annotations

from django import forms

from plans.models import AnnualPlan, CheckItem, MonthlyPlan
from plans.services import check_rates

RATE_FIELDS = ["rate_key", "period_key", "rate_general", "period_general", "rate_special", "period_special"]


class AnnualPlanForm(forms.ModelForm):
    class Meta:
        model = AnnualPlan
        fields = ["year", *RATE_FIELDS, "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        # the 0–100 % rule and its message are the service's; here they show next to the field
        cleaned = super().clean()
        for name, message in check_rates(cleaned).items():
            self.add_error(name, message)
        return cleaned

    def _get_validation_exclusions(self):
        # the model's own 0–100 validators would add a second, generic message for the same rule
        return {*super()._get_validation_exclusions(), "rate_key", "rate_general", "rate_special"}

    def validate_unique(self) -> None:
        # the organisation is set by the service, which reports a duplicate year next to the field
        pass


class CampaignForm(forms.Form):
    name = forms.CharField(label="专项行动名称", max_length=100)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))


class MonthlyPlanForm(forms.ModelForm):
    class Meta:
        model = MonthlyPlan
        fields = ["month", "quota_key", "quota_general", "quota_special", "team_size", "items", "note"]
        widgets = {"items": forms.CheckboxSelectMultiple, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = CheckItem.objects.filter(organization=organization, active=True)
        self.fields["items"].help_text = "随机抽查事项清单由管理员在管理后台维护。"

    def validate_unique(self) -> None:
        pass


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class SeedForm(forms.Form):
    seed = forms.CharField(
        label="随机种子",
        max_length=200,
        help_text="事先公布、抽查时才能知道的值，例如抽查前一交易日的上证指数收盘值；公布后不能修改。",
    )


class CategoryUploadForm(forms.Form):
    file = forms.FileField(label="监管类别工作簿（.xlsx）")
