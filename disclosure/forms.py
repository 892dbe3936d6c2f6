from __future__ import annotations

from django import forms

from common.text import add_to_text_fields


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label="更正说明",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="公开显示在新旧两个版本上：更正了什么，为什么。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_to_text_fields(self)


class WithdrawalForm(forms.Form):
    applied_on = forms.DateField(
        label="当事人申请信用修复的日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    grounds = forms.CharField(
        label="申请及理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text="如：已履行处罚决定、已完成整改，申请人和申请材料；不公开，保存在审计记录中。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_to_text_fields(self)
