"""The municipal bureau's 复核 of a district's self-assessment: rounds, and a 复核得分 per indicator.

A round opens when the reviewer starts the review of an assessment the district approved, and closes when the
reviewer returns it to the district (with reasons per indicator) or confirms it. Every round is kept, so the
district sees where and why its scores changed, round by round.
"""

from django.conf import settings
from django.db import models

from accounts.scoping import OrgScopedQuerySet
from assessment.models import Indicator, Score, SelfAssessment


class ReviewRoundQuerySet(OrgScopedQuerySet):
    org_lookup = "assessment__organization"


class ReviewRound(models.Model):
    class Outcome(models.TextChoices):
        OPEN = "open", "复核中"
        RETURNED = "returned", "已退回区局"
        CONFIRMED = "confirmed", "已确认"

    assessment = models.ForeignKey(
        SelfAssessment, verbose_name="自评", on_delete=models.CASCADE, related_name="review_rounds"
    )
    number = models.PositiveSmallIntegerField("轮次")
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复核人", on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="结束人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    reason = models.TextField("退回说明", blank=True, max_length=1000)
    vetoed = models.BooleanField("一票否决", default=False)
    veto_note = models.TextField("否决说明", blank=True, max_length=1000)
    total = models.DecimalField("复核总分", max_digits=6, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, blank=True)
    # Optimistic lock, as for the district's scores (docs/audit.md "不丢失修改"): the review form carries the
    # version it was loaded with, and a save against another version is refused whole.
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最后修改人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField("最后修改时间", null=True, blank=True)

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        verbose_name = "复核轮次"
        verbose_name_plural = "复核轮次"
        ordering = ["assessment", "number"]
        permissions = [("review_assessment", "可以复核各区自评")]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="review_round_unique_number"),
            # at most one round under way per assessment, whatever two reviewers click at once
            models.UniqueConstraint(
                fields=["assessment"], condition=models.Q(outcome="open"), name="review_round_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} 第{self.number}轮复核"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


class ReviewScoreQuerySet(OrgScopedQuerySet):
    org_lookup = "round__assessment__organization"


class ReviewScore(models.Model):
    round = models.ForeignKey(ReviewRound, verbose_name="复核轮次", on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    # the district's score when the round started: what the reviewer compared with
    district_score = models.DecimalField("自评得分", max_digits=5, decimal_places=1, null=True, blank=True)
    score = models.DecimalField("复核得分", max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField("复核意见", blank=True, max_length=1000)
    return_reason = models.TextField("退回理由", blank=True, max_length=1000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复核人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)

    objects = ReviewScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "复核得分"
        verbose_name_plural = "复核得分"
        ordering = ["round", "indicator__system__order", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "indicator"], name="review_score_unique"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0), name="review_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} 复核：{self.score}"

    @property
    def differs(self) -> bool:
        return self.score is not None and self.score != self.district_score


class CarriedJustificationQuerySet(OrgScopedQuerySet):
    org_lookup = "score__assessment__organization"


class CarriedJustification(models.Model):
    """A justification carried forward from last year's score: to be confirmed by whoever scores it.

    It counts as confirmed once someone saves the score after it was carried (``score.scored_at`` later than
    ``carried_at``). Last year's evidence is shown through ``source`` (linked, never copied)."""

    score = models.OneToOneField(Score, verbose_name="指标得分", on_delete=models.CASCADE, related_name="carried")
    source = models.ForeignKey(Score, verbose_name="上年度得分", on_delete=models.PROTECT, related_name="carried_into")
    carried_at = models.DateTimeField("沿用时间", auto_now_add=True)

    objects = CarriedJustificationQuerySet.as_manager()

    class Meta:
        verbose_name = "沿用的上年度说明"
        verbose_name_plural = "沿用的上年度说明"

    def __str__(self) -> str:
        return f"{self.score} ← {self.source_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.score.scored_at is not None and self.score.scored_at >= self.carried_at
