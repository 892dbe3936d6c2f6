from __future__ import annotations

from django import forms
from django.conf import settings

from assessment import scoring
from assessment.models import Indicator, Score
from assessment.services import AssessmentError, check_evidence_file
from common.text import add_to_text_fields


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ScoreForm(forms.Form):
    """One indicator's score: a direct score, or the occurrences of each rule item when it has any."""

    score = forms.CharField(
        label="得分",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "js-score"}),
    )
    justification = forms.CharField(
        label="自评说明",
        required=False,
        max_length=Score._meta.get_field("justification").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "自评说明最多%(limit_value)d字（现有%(show_value)d字）。"},
    )
    # The score's version when the form was loaded (0: not scored yet); services.save_score refuses a stale one.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    evidence = MultipleFileField(
        label="佐证材料",
        required=False,
        error_messages={"empty": "上传的文件是空文件。", "invalid": "上传的不是文件，请重新选择。"},
        help_text=f"可多选；PDF、JPG、PNG、DOCX、XLSX，每个文件不超过{settings.EVIDENCE_MAX_BYTES // 1024 // 1024} MB",
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):
        self.indicator = indicator
        self.rule_items = list(indicator.rule_items.all())
        prefix = kwargs.pop("prefix", None) or f"i{indicator.pk}"
        super().__init__(*args, prefix=prefix, **kwargs)
        add_to_text_fields(self)
        self.fields["score"].help_text = f"满分{scoring.normalize(indicator.max_score)}分，0.5分为一档"
        self.fields["score"].widget.attrs["data-max"] = str(indicator.max_score)
        for rule in self.rule_items:
            self.fields[f"rule_{rule.pk}"] = forms.IntegerField(
                label=f"{rule.get_kind_display()}：{rule.description}",
                min_value=0,
                max_value=1 if rule.kind == "veto" else 99,
                initial=0,
                required=False,
                error_messages={
                    "invalid": "请输入发生次数（整数）。",
                    "min_value": "次数不能为负数。",
                    "max_value": "次数不能超过%(limit_value)s。",
                },
                widget=forms.NumberInput(
                    attrs={
                        "class": "js-rule",
                        "data-kind": rule.kind,
                        "data-points": str(rule.points),
                        "data-cap": "" if rule.cap is None else str(rule.cap),
                        "min": 0,
                        "step": 1,
                    }
                ),
            )
        if self.rule_items:
            self.fields["score"].disabled = True
            self.fields["score"].help_text = "按评分规则自动计算"

    def clean_score(self):
        if self.rule_items:
            return None
        try:
            return scoring.parse_score(self.cleaned_data["score"], self.indicator.max_score)
        except scoring.ScoreInputError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        for uploaded in files:
            try:
                check_evidence_file(uploaded, max_bytes=settings.EVIDENCE_MAX_BYTES)
            except AssessmentError as exc:
                raise forms.ValidationError(str(exc)) from None
        return files

    @property
    def loaded_version(self) -> int:
        """The version the user saw; a form without one saw no score (so a save over an existing one is refused)."""
        return self.cleaned_data.get("version") or 0

    def rule_counts(self) -> dict[int, int]:
        return {rule.pk: self.cleaned_data.get(f"rule_{rule.pk}") or 0 for rule in self.rule_items}


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写退回理由。"},
    )


class ScoreWorkbookForm(forms.Form):
    workbook = forms.FileField(
        label="评分表文件（.xlsx）",
        error_messages={"required": "请选择要上传的评分表文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class NewAssessmentForm(forms.Form):
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, error_messages={"invalid": "请输入四位数年度。"}
    )
