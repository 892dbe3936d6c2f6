"""The 案卷评查 checklist (admin-maintained), and each review of a closed case file with its item results.

A file fails when any substantive item (实质性缺陷) fails; other failed items are noted but do not fail it."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization
from inspections.querysets import RecordQuerySet


class ReviewItem(models.Model):
    code = models.CharField("序号", max_length=20, unique=True)
    title = models.CharField(
        "评查项目", max_length=100, help_text="如：主体、事实、证据、法律适用、程序、文书、执行、归档"
    )
    description = models.CharField("评查要点", max_length=300, blank=True)
    substantive = models.BooleanField("实质性项目", default=True, help_text="不合格即判定案卷不合格")
    active = models.BooleanField("使用中", default=True)

    class Meta:
        verbose_name = "案卷评查项目"
        verbose_name_plural = "案卷评查清单"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CaseFileReview(models.Model):
    PERIOD_DATE = F("reviewed_on")

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="case_file_reviews"
    )
    case = models.ForeignKey(
        "inspections.PenaltyCase", verbose_name="行政处罚案件", on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_on = models.DateField("评查日期")
    reviewer = models.CharField("评查人", max_length=100)
    passed = models.BooleanField("合格", default=True, editable=False)
    note = models.CharField("评查意见", max_length=500, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)  # optimistic lock, see services.records
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "案卷评查"
        verbose_name_plural = "案卷评查"
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reviewed_on"], name="review_once_per_case_and_day"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.reviewed_on:%Y-%m-%d}"


class ReviewResult(models.Model):
    review = models.ForeignKey(CaseFileReview, verbose_name="评查", on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ReviewItem, verbose_name="评查项目", on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField("合格")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "评查结果"
        verbose_name_plural = "评查结果"
        ordering = ["item__code"]
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="review_result_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item}：{'合格' if self.passed else '不合格'}"
