from django import forms

from assessment.models import Report, ReportSection
from assessment.reports.fonts import refuse_undrawable_characters
from assessment.reports.services.editing import REPORT_FIELDS
from common.text import add_to_text_fields

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.ModelForm):
    # The report's version when the page was loaded; assessment.reports.services.editing.update_report refuses a stale one.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = list(REPORT_FIELDS)  # what update_report saves and audits
        widgets = {
            "period_start": DATE_WIDGET,
            "period_end": DATE_WIDGET,
            "written_on": DATE_WIDGET,
            "printed_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        add_to_text_fields(self, refuse_undrawable_characters)  # it is printed in the PDF

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "统计期间的结束日期不能早于开始日期。")
        return data


class SectionForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_to_text_fields(self, refuse_undrawable_characters)  # it is printed in the PDF

    class Meta:
        model = ReportSection
        fields = ["level", "heading", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


class BaseSectionFormSet(forms.BaseModelFormSet):
    """Sections in the order of their 位置 numbers. A decimal, so that 1.5 puts a new section between the
    first and the second; a section without one goes to the end."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"] = forms.DecimalField(
            label="位置",
            required=False,
            min_value=0,
            max_digits=6,
            decimal_places=2,
            initial=index + 1 if index is not None and index < self.initial_form_count() else None,
            error_messages={"invalid": "位置请填数字，例如 2 或 1.5。"},
            widget=forms.NumberInput(attrs={"step": "any", "class": "section-order"}),
        )

    def kept_in_order(self) -> list[forms.Form]:
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        # Unnumbered sections last; sorted() is stable, so equal positions keep the page's order.
        return sorted(kept, key=lambda f: (f.cleaned_data.get("ORDER") is None, f.cleaned_data.get("ORDER") or 0))


SectionFormSet = forms.modelformset_factory(
    ReportSection,
    form=SectionForm,
    formset=BaseSectionFormSet,
    extra=1,
    can_delete=True,
    max_num=60,
    validate_max=True,
)


class VerifyForm(forms.Form):
    pdf = forms.FileField(
        label="要核验的报告 PDF",
        error_messages={"required": "请选择要核验的 PDF 文件。", "empty": "上传的文件是空文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
