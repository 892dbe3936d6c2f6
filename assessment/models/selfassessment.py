"""One organisation's self-assessment for a year: scores, evidence and its workflow."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Organization
from accounts.scoping import OrgScopedQuerySet
from assessment.models.standard import Indicator, RuleItem, Standard
from common.models import Versioned


class SelfAssessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已审定"
        # the municipal bureau's 复核 (review app): 已审定 → 市级复核中 → 已确认, or back to 草稿
        REVIEWING = "reviewing", "市级复核中"
        CONFIRMED = "confirmed", "已确认"

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="self_assessments"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    standard = models.ForeignKey(
        Standard, verbose_name="评价标准", on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_at = models.DateTimeField("审定时间", null=True, blank=True)
    # Set once, when the city confirms its 复核: the sum of the 复核得分 and the 等次 (review.services.confirm)
    final_total = models.DecimalField("复核总分", max_digits=6, decimal_places=1, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    LOCKED = (Status.APPROVED, Status.REVIEWING, Status.CONFIRMED)

    class Meta:
        verbose_name = "自评"
        verbose_name_plural = "自评"
        ordering = ["-year", "organization"]
        permissions = [
            ("score_selfassessment", "可以自评打分"),
            ("submit_selfassessment", "可以提交自评"),
            ("review_selfassessment", "可以审定或退回自评"),
        ]
        constraints = [
            # one assessment per district and year, whichever standard version applies
            models.UniqueConstraint(fields=["organization", "year"], name="assessment_unique_org_year")
        ]

    def __str__(self) -> str:
        return f"{self.organization.short_name}{self.year}年度自评"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_district_approved(self) -> bool:
        """Approved by the district's leader (whatever the city has done since): figures fit to rank."""
        return self.status in self.LOCKED


class ScoreQuerySet(OrgScopedQuerySet):
    org_lookup = "assessment__organization"


class Score(Versioned):
    assessment = models.ForeignKey(SelfAssessment, verbose_name="自评", on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    justification = models.TextField("自评说明", max_length=2000, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评分人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="score_unique_per_indicator"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0), name="score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}：{self.score}"


class RuleCount(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="rule_counts")
    rule_item = models.ForeignKey(RuleItem, on_delete=models.PROTECT, related_name="+")
    occurrences = models.PositiveSmallIntegerField("次数", default=0)

    class Meta:
        verbose_name = "规则项发生次数"
        verbose_name_plural = "规则项发生次数"
        constraints = [models.UniqueConstraint(fields=["score", "rule_item"], name="rulecount_unique")]

    def __str__(self) -> str:
        return f"{self.rule_item_id}×{self.occurrences}"


class EvidenceQuerySet(OrgScopedQuerySet):
    org_lookup = "score__assessment__organization"


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    # The stored name is chosen by the server (see services.attach_evidence); never the user's.
    return filename


class Evidence(models.Model):
    score = models.ForeignKey(Score, verbose_name="指标得分", on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class WorkflowEventQuerySet(OrgScopedQuerySet):
    org_lookup = "assessment__organization"


class WorkflowEvent(models.Model):
    class Action(models.TextChoices):
        SUBMIT = "submit", "提交"
        RETURN = "return", "退回"
        APPROVE = "approve", "审定"
        REVIEW = "review", "开始复核"
        CITY_RETURN = "city_return", "市局退回"
        CONFIRM = "confirm", "复核确认"

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=20, choices=SelfAssessment.Status.choices)
    to_status = models.CharField("新状态", max_length=20, choices=SelfAssessment.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    reason = models.TextField("意见", blank=True, max_length=1000)

    objects = WorkflowEventQuerySet.as_manager()

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}（{self.actor}）"
