"""The standard: 标准 → 体系 → 指标 → 评分规则项."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from assessment.validators import validate_half_step, validate_tenth_step

ZERO = Decimal("0")


class Standard(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    name = models.CharField("标准名称", max_length=200)
    issuer = models.CharField("发布机关", max_length=100)
    version = models.PositiveIntegerField("版本号", default=1)
    year_from = models.PositiveSmallIntegerField("适用起始年度")
    year_to = models.PositiveSmallIntegerField("适用截止年度", null=True, blank=True)
    total_max = models.DecimalField(
        "总分", max_digits=6, decimal_places=1, default=Decimal("100"), validators=[validate_half_step]
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField("说明", blank=True)
    based_on = models.ForeignKey(
        "self", verbose_name="复制自", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    # An assessment-level 一票否决: when the city finds it applies, the 等次 is at most veto_grade
    # (e.g. 不合格) whatever the total (docs/standard.md "等次").
    veto_description = models.TextField("一票否决情形", blank=True, max_length=500)
    veto_grade = models.CharField("否决后最高等次", max_length=10, blank=True, help_text="须为本标准的等次之一")

    class Meta:
        verbose_name = "评价标准"
        verbose_name_plural = "评价标准"
        ordering = ["name", "-version"]
        permissions = [("publish_standard", "可以发布评价标准")]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="standard_unique_version"),
            models.CheckConstraint(
                condition=models.Q(year_to__isnull=True) | models.Q(year_to__gte=models.F("year_from")),
                name="standard_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def applies_to(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


class System(models.Model):
    standard = models.ForeignKey(Standard, verbose_name="标准", on_delete=models.CASCADE, related_name="systems")
    order = models.PositiveSmallIntegerField("序号")
    name = models.CharField("体系名称", max_length=100)
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=1, validators=[validate_half_step])

    class Meta:
        verbose_name = "体系"
        verbose_name_plural = "体系"
        ordering = ["standard", "order"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "order"], name="system_unique_order"),
            models.UniqueConstraint(fields=["standard", "name"], name="system_unique_name"),
            models.CheckConstraint(condition=models.Q(max_score__gte=0), name="system_max_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    system = models.ForeignKey(System, verbose_name="体系", on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField("序号")
    code = models.CharField("编号", max_length=20, help_text="在同一标准内唯一，如 1.2")
    name = models.CharField("指标", max_length=200)
    criteria = models.TextField("评分标准", blank=True)
    max_score = models.DecimalField("满分", max_digits=5, decimal_places=1, validators=[validate_half_step])
    responsible_department = models.CharField(
        "责任部门", max_length=50, blank=True, help_text="与区局部门名称一致，如“执法大队”；用于“本部门”筛选"
    )

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["system__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="indicator_unique_code"),
            models.UniqueConstraint(fields=["system", "order"], name="indicator_unique_order"),
            models.CheckConstraint(condition=models.Q(max_score__gte=0), name="indicator_max_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RuleItem(models.Model):
    class Kind(models.TextChoices):
        DEDUCTION = "deduction", "扣分项"
        BONUS = "bonus", "加分项"
        VETO = "veto", "否决项"

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="rule_items")
    order = models.PositiveSmallIntegerField("序号", default=1)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    description = models.CharField("情形", max_length=300)
    points = models.DecimalField(
        "每次分值",
        max_digits=5,
        decimal_places=1,
        default=ZERO,
        validators=[MinValueValidator(ZERO), validate_tenth_step],
        help_text="扣分项：每发生一次扣减的分数（扣完为止）；加分项：每次加分；否决项不填",
    )
    cap = models.DecimalField(
        "加分上限",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), validate_tenth_step],
        help_text="仅加分项：本项累计加分不超过此值",
    )
    # Counts this item's occurrences from the records (inspections.measures); not part of the frozen structure.
    measure = models.CharField(
        "计算项", max_length=60, blank=True, help_text="由执法记录计算发生次数的计算项名称，见 docs/standard.md"
    )
    measure_params = models.JSONField("计算项参数", default=dict, blank=True)

    class Meta:
        verbose_name = "评分规则项"
        verbose_name_plural = "评分规则项"
        ordering = ["indicator", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gte=0), name="ruleitem_points_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description}"


class Grade(models.Model):
    """One 等次 of a standard version: a total at or above ``min_score`` earns it (the highest one reached)."""

    standard = models.ForeignKey(Standard, verbose_name="标准", on_delete=models.CASCADE, related_name="grades")
    name = models.CharField("等次", max_length=10)
    min_score = models.DecimalField(
        "最低分", max_digits=6, decimal_places=1, validators=[MinValueValidator(ZERO), validate_half_step]
    )

    class Meta:
        verbose_name = "等次"
        verbose_name_plural = "等次"
        ordering = ["standard", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "name"], name="grade_unique_name"),
            models.UniqueConstraint(fields=["standard", "min_score"], name="grade_unique_min_score"),
            models.CheckConstraint(condition=models.Q(min_score__gte=0), name="grade_min_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.min_score}分及以上）"
