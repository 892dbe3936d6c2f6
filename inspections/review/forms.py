"""The review form: the case by its number, and one pass/fail with a note per checklist item in use."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.forms import OrgRecordForm
from inspections.models import PenaltyCase
from inspections.review.models import CaseFileReview, ReviewItem

RESULT_CHOICES = [("pass", "合格"), ("fail", "不合格")]


class CaseFileReviewForm(OrgRecordForm):
    case_number = forms.CharField(label="案件编号", max_length=60, help_text="已结案的行政处罚案件")

    class Meta:
        model = CaseFileReview
        fields = ["case_number", "reviewed_on", "reviewer", "note"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.case_id and not self.is_bound:
            self.initial.setdefault("case_number", self.instance.case.case_number)
        stored = {r.item_id: r for r in self.instance.results.all()} if self.instance.pk else {}
        self.items = list(ReviewItem.objects.filter(active=True) | ReviewItem.objects.filter(pk__in=list(stored)))
        for item in self.items:
            label = f"{item.title}{'（实质性）' if item.substantive else ''}"
            result = stored.get(item.pk)
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=label,
                choices=RESULT_CHOICES,
                widget=forms.RadioSelect,
                help_text=item.description,
                initial=None if result is None else ("pass" if result.passed else "fail"),
                error_messages={"required": f"请评定“{item.title}”是否合格。"},
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=f"{item.title}说明", required=False, max_length=300, initial=result.note if result else ""
            )

    def clean_case_number(self) -> PenaltyCase:
        number = self.cleaned_data["case_number"].strip()
        case = PenaltyCase.objects.filter(organization=self.organization, case_number=number).first()
        if case is None:
            raise forms.ValidationError(f"本单位没有案件编号为“{number}”的行政处罚案件。")
        if case.closed_on is None:
            raise forms.ValidationError(f"案件“{number}”尚未结案，结案后才能评查案卷。")
        self.instance.case = case
        return case

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        case, day = cleaned.get("case_number"), cleaned.get("reviewed_on")
        if case and day:
            if day < case.closed_on:
                self.add_error("reviewed_on", f"评查日期不能早于该案结案日期{case.closed_on:%Y-%m-%d}。")
            clash = CaseFileReview.objects.filter(case=case, reviewed_on=day).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("reviewed_on", f"案件“{case}”在{day:%Y-%m-%d}已有一次评查。")
        for item in self.items:
            if cleaned.get(f"item_{item.pk}") == "fail" and not (cleaned.get(f"note_{item.pk}") or "").strip():
                self.add_error(f"note_{item.pk}", f"“{item.title}”不合格，请说明问题。")
        return cleaned

    def save(self, commit: bool = True) -> CaseFileReview:
        # called inside services.save_record's transaction: the review and its results are written together
        verdicts = {item.pk: self.cleaned_data[f"item_{item.pk}"] == "pass" for item in self.items}
        self.instance.passed = all(verdicts[i.pk] for i in self.items if i.substantive)
        from inspections.services.records import replace_review_results

        review = super().save(commit)
        replace_review_results(
            review=review,
            results=[(item, verdicts[item.pk], self.cleaned_data[f"note_{item.pk}"]) for item in self.items],
        )
        return review
