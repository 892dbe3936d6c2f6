"""Inspection plans and 双随机 draws: the item list, sources' supervision details, annual and monthly plans,
and the draws with their tasks.

A source's supervision category itself is ``inspections.PollutionSource.category``; what only plans need (the
reason a source is 特殊, its 正面清单 validity) lives here in ``SourceSupervision``, one row per source.
Every model holds its organisation so that ``OrgScopedQuerySet`` scopes it with one filter.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Organization
from accounts.scoping import OrgScopedQuerySet
from inspections.models import Officer, PollutionSource

Category = PollutionSource.Category
HUNDRED = Decimal("100")


class CheckItem(models.Model):
    """One line of the 随机抽查事项清单: what a drawn source is checked for."""

    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    code = models.SlugField("事项编号", max_length=40, help_text="字母、数字或连字符，如 PWXK-01")
    name = models.CharField("抽查事项", max_length=100)
    legal_basis = models.TextField("检查依据", max_length=1000)
    for_key = models.BooleanField("适用于重点监管对象", default=True)
    for_general = models.BooleanField("适用于一般监管对象", default=True)
    for_special = models.BooleanField("适用于特殊监管对象", default=True)
    active = models.BooleanField("启用", default=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "随机抽查事项"
        verbose_name_plural = "随机抽查事项清单"
        ordering = ["organization", "code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="checkitem_unique_code_per_org")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def applies_to(self, category: str) -> bool:
        return bool(getattr(self, f"for_{category}", False))

    @property
    def categories_text(self) -> str:
        return "、".join(str(label) for value, label in Category.choices if self.applies_to(value))


class SourceSupervision(models.Model):
    """What the 检查对象名录库 adds to a source: why it is 特殊, and whether it is on the 正面清单."""

    class Reason(models.TextChoices):
        NONE = "", "—"
        PENALISED = "penalised", "近一年受到行政处罚"
        SUPERVISED = "supervised", "挂牌督办"
        CREDIT = "credit", "环境信用评价差"
        COMPLAINTS = "complaints", "近一年信访投诉三次以上"
        RISK = "risk", "存在重大环境风险"

    source = models.OneToOneField(
        PollutionSource, verbose_name="污染源", on_delete=models.CASCADE, primary_key=True, related_name="supervision"
    )
    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    special_reason = models.CharField("特殊监管原因", max_length=20, choices=Reason.choices, blank=True)
    # 正面清单 sources are exempt from random on-site checks while the listing is valid.
    positive_from = models.DateField("正面清单起始日", null=True, blank=True)
    positive_to = models.DateField("正面清单截止日", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "检查对象监管信息"
        verbose_name_plural = "检查对象名录库"
        constraints = [
            models.CheckConstraint(
                condition=Q(positive_from__isnull=True, positive_to__isnull=True)
                | Q(positive_from__isnull=False, positive_to__isnull=False, positive_to__gte=F("positive_from")),
                name="supervision_positive_list_period",
                violation_error_message="正面清单的起始日和截止日须同时填写，截止日不早于起始日。",
            ),
        ]

    def __str__(self) -> str:
        return str(self.source)

    def on_positive_list(self, day: date) -> bool:
        return self.positive_from is not None and self.positive_from <= day <= self.positive_to


class OfficerRelation(models.Model):
    """A marked relation (亲属、曾任职、利害关系) between an officer and a source: the draw never sends them (回避)."""

    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(Officer, verbose_name="执法人员", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(PollutionSource, verbose_name="检查对象", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("回避原因", max_length=200)
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        ordering = ["officer", "source"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "source"], name="officerrelation_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.officer}—{self.source}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.officer_id and self.officer.organization_id != self.organization_id:
            raise ValidationError({"officer": "执法人员须属于同一机构。"})
        if self.source_id and self.source.organization_id != self.organization_id:
            raise ValidationError({"source": "检查对象须属于同一机构。"})


class RatePeriod(models.TextChoices):
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


def _rate_field(label: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(HUNDRED)],
        help_text="百分比，0–100",
    )


class AnnualPlan(models.Model):
    """年度现场执法计划: the check rate of each category over its period, entered by the bureau."""

    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    rate_key = _rate_field("重点监管对象抽查比例（%）")
    period_key = models.CharField("重点比例周期", max_length=10, choices=RatePeriod.choices, default=RatePeriod.QUARTER)
    rate_general = _rate_field("一般监管对象抽查比例（%）")
    period_general = models.CharField(
        "一般比例周期", max_length=10, choices=RatePeriod.choices, default=RatePeriod.YEAR
    )
    rate_special = _rate_field("特殊监管对象抽查比例（%）")
    period_special = models.CharField(
        "特殊比例周期", max_length=10, choices=RatePeriod.choices, default=RatePeriod.QUARTER
    )
    note = models.TextField("说明", max_length=2000, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度现场执法计划"
        verbose_name_plural = "年度现场执法计划"
        ordering = ["-year", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="annualplan_unique_year_per_org"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"rate_{c}__gte": 0, f"rate_{c}__lte": 100}),
                    name=f"annualplan_rate_{c}_percent",
                    violation_error_message="抽查比例须在0%到100%之间。",
                )
                for c in ("key", "general", "special")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.year}年度现场执法计划"

    def rate(self, category: str) -> Decimal:
        return getattr(self, f"rate_{category}")

    def period(self, category: str) -> str:
        return getattr(self, f"period_{category}")


class Campaign(models.Model):
    """A named 专项执法行动 of the annual plan."""

    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    annual_plan = models.ForeignKey(
        AnnualPlan, verbose_name="年度计划", on_delete=models.CASCADE, related_name="campaigns"
    )
    name = models.CharField("专项行动名称", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "专项执法行动"
        verbose_name_plural = "专项执法行动"
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message="专项行动的结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MonthlyPlan(models.Model):
    """月度现场检查计划: how many sources per category to draw this month, for which items.

    草稿 → 已报备 (with the municipal bureau) → 已备案 (acknowledged) or 已退回 (with a reason, back to editing)
    → 已公开. Once filed the plan no longer changes; draws run on an acknowledged or published plan.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        FILED = "filed", "已报备"
        ACKNOWLEDGED = "acknowledged", "已备案"
        RETURNED = "returned", "已退回"
        PUBLISHED = "published", "已公开"

    EDITABLE = (Status.DRAFT, Status.RETURNED)
    DRAWABLE = (Status.ACKNOWLEDGED, Status.PUBLISHED)

    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    annual_plan = models.ForeignKey(
        AnnualPlan, verbose_name="年度计划", on_delete=models.PROTECT, related_name="monthly_plans"
    )
    month = models.PositiveSmallIntegerField("月份", validators=[MinValueValidator(1), MaxValueValidator(12)])
    quota_key = models.PositiveIntegerField("重点监管对象抽取数", default=0)
    quota_general = models.PositiveIntegerField("一般监管对象抽取数", default=0)
    quota_special = models.PositiveIntegerField("特殊监管对象抽取数", default=0)
    team_size = models.PositiveSmallIntegerField(
        "每组执法人员数", default=2, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )
    items = models.ManyToManyField(CheckItem, verbose_name="抽查事项", related_name="+")
    note = models.TextField("说明", max_length=2000, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.TextField("退回理由", max_length=1000, blank=True)
    # The seed is published before the draw (公布种子) and cannot change once a draw has used it.
    seed = models.CharField("随机种子", max_length=200, blank=True)
    seed_fixed_at = models.DateTimeField("种子公布时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    filed_at = models.DateTimeField("报备时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("备案处理时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "月度现场检查计划"
        verbose_name_plural = "月度现场检查计划"
        ordering = ["-annual_plan__year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["annual_plan", "month"], name="monthlyplan_unique_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="monthlyplan_month_valid"),
            models.CheckConstraint(condition=Q(team_size__gte=2), name="monthlyplan_team_of_two"),
        ]
        permissions = [
            ("file_monthlyplan", "可以报备和公开月度检查计划"),
            ("review_monthlyplan", "可以确认或退回月度检查计划的备案（市局）"),
            ("run_draw", "可以执行双随机抽查"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月现场检查计划"

    @property
    def year(self) -> int:
        return self.annual_plan.year

    @property
    def starts_on(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def ends_on(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def quota(self, category: str) -> int:
        return getattr(self, f"quota_{category}")

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Draw(models.Model):
    """One run of the draw: its inputs, their hashes, the seed and the result, never changed afterwards.

    A redraw is a new row that names the one it replaces and says why; both stay.
    """

    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(MonthlyPlan, verbose_name="月度计划", on_delete=models.PROTECT, related_name="draws")
    number = models.PositiveSmallIntegerField("第几次抽查")
    algorithm = models.CharField("算法版本", max_length=20)
    seed = models.CharField("随机种子", max_length=400)
    inputs = models.JSONField("输入")
    inputs_sha256 = models.CharField("输入SHA-256", max_length=64)
    list_hashes = models.JSONField("名单SHA-256")
    result = models.JSONField("结果")
    result_sha256 = models.CharField("结果SHA-256", max_length=64)
    # names of the keys at the time of the draw, for the printed record; not part of any hash
    labels = models.JSONField("名称", default=dict)
    replaces = models.OneToOneField(
        "self", verbose_name="取代的抽查", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    redraw_reason = models.TextField("重新抽查理由", max_length=1000, blank=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="执行人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ran_by_name = models.CharField("执行人", max_length=200)
    ran_at = models.DateTimeField("执行时间", default=timezone.now)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "双随机抽查记录"
        verbose_name_plural = "双随机抽查记录"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="draw_unique_number_per_plan"),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(redraw_reason=""),
                name="draw_redraw_has_reason",
                violation_error_message="重新抽查须说明理由。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} 第{self.number}次抽查"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "replaced_by")


class DrawTask(models.Model):
    """One drawn source: a planned inspection, done when an inspection of the source falls in the plan's month."""

    organization = models.ForeignKey(Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    draw = models.ForeignKey(Draw, verbose_name="抽查", on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField("序号")
    category = models.CharField("监管类别", max_length=20, choices=Category.choices)
    source = models.ForeignKey(PollutionSource, verbose_name="检查对象", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(CheckItem, verbose_name="抽查事项", on_delete=models.PROTECT, related_name="+")
    officer_keys = models.JSONField("执法证号", default=list)
    officer_names = models.CharField("执法人员", max_length=300)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "抽查任务"
        verbose_name_plural = "抽查任务"
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "position"], name="drawtask_unique_position")]

    def __str__(self) -> str:
        return f"{self.draw} #{self.position} {self.source}"
