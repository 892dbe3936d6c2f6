"""Fields of the penalty procedure (立案 → 调查终结 → 法制审核 → 告知 → 决定 → 送达 → 执行 → 结案), the 免罚清单 and the
measures taken in a case. ``inspections.models.PenaltyCase`` inherits ``PenaltyProcedure`` and adds its
constraints; the rules that need more than one row or a file's columns are in ``procedure.rules``."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from common.models import Record
from inspections.procedure.periods import MAX_EXTENSION_DAYS
from inspections.querysets import RecordQuerySet

ZERO = Decimal("0")


class ExemptionListItem(models.Model):
    """One item of the 免罚清单 (list of minor violations not penalised) that the admins maintain."""

    code = models.CharField("序号", max_length=20, unique=True)
    title = models.CharField("事项", max_length=300)
    basis = models.CharField("依据", max_length=300, blank=True)
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "免罚清单事项"
        verbose_name_plural = "免罚清单"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ExemptionGround(models.TextChoices):
    NONE = "", "—"
    FIRST_MINOR = "first_minor", "首违不罚"
    NO_HARM = "no_harm", "无危害后果"
    NO_FAULT = "no_fault", "无主观过错"
    LISTED = "listed", "免罚清单事项"


def _after(later: str, earlier: str, name: str, message: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=name,
        violation_error_message=message,
    )


class PenaltyProcedure(models.Model):
    investigation_ended_on = models.DateField("调查终结日期", null=True, blank=True)
    is_major = models.BooleanField("重大案件（须法制审核）", default=False)
    legal_reviewer = models.CharField("法制审核人", max_length=50, blank=True)
    legal_reviewed_on = models.DateField("法制审核日期", null=True, blank=True)
    notified_on = models.DateField("告知日期", null=True, blank=True, help_text="告知拟作出的处罚及陈述申辩、听证权利")
    statement_made = models.BooleanField("当事人陈述申辩", default=False)
    hearing_requested = models.BooleanField("当事人要求听证", default=False)
    hearing_on = models.DateField("听证日期", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(
        "延长决定期限（天）",
        default=0,
        validators=[MaxValueValidator(MAX_EXTENSION_DAYS)],
        help_text=f"经负责人批准，最多延长{MAX_EXTENSION_DAYS}天",
    )
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    paid_yuan = models.DecimalField(
        "已缴罚款（元）", max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    paid_on = models.DateField("缴纳日期", null=True, blank=True)
    surcharge_yuan = models.DecimalField(
        "加处罚款（元）",
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text="逾期缴纳的，每日按罚款数额的3%加处，不超过罚款数额",
    )
    exemption_ground = models.CharField(
        "免罚/不予处罚依据", max_length=20, choices=ExemptionGround.choices, default="", blank=True
    )
    exemption_item = models.ForeignKey(
        ExemptionListItem,
        verbose_name="免罚清单事项",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    transferred_on = models.DateField("移送日期", null=True, blank=True)
    transferred_to = models.CharField("接收机关", max_length=100, blank=True)

    class Meta:
        abstract = True


#: Added to PenaltyCase.Meta.constraints: the procedure's dates run forwards, and detail belongs to its step.
PROCEDURE_CONSTRAINTS = [
    _after("investigation_ended_on", "filed_on", "case_investigation_after_filed", "调查终结日期不能早于立案日期。"),
    _after("legal_reviewed_on", "filed_on", "case_review_after_filed", "法制审核日期不能早于立案日期。"),
    _after("decided_on", "legal_reviewed_on", "case_decided_after_review", "决定日期不能早于法制审核日期。"),
    _after("notified_on", "filed_on", "case_notified_after_filed", "告知日期不能早于立案日期。"),
    _after("decided_on", "notified_on", "case_decided_after_notified", "决定日期不能早于告知日期。"),
    _after("hearing_on", "notified_on", "case_hearing_after_notified", "听证日期不能早于告知日期。"),
    _after("delivered_on", "decided_on", "case_delivered_after_decided", "送达日期不能早于决定日期。"),
    _after("paid_on", "decided_on", "case_paid_after_decided", "缴纳日期不能早于决定日期。"),
    _after("transferred_on", "filed_on", "case_transferred_after_filed", "移送日期不能早于立案日期。"),
    models.CheckConstraint(
        condition=Q(delivered_on__isnull=True) | Q(decided_on__isnull=False),
        name="case_delivered_only_when_decided",
        violation_error_message="未作出决定的案件不能填写送达日期。",
    ),
    models.CheckConstraint(
        condition=Q(extension_days__lte=MAX_EXTENSION_DAYS),
        name="case_extension_at_most_30",
        violation_error_message=f"决定期限最多延长{MAX_EXTENSION_DAYS}天。",
    ),
    models.CheckConstraint(
        condition=Q(extension_days=0) | ~Q(extension_reason=""),
        name="case_extension_has_reason",
        violation_error_message="延长决定期限须填写延期理由。",
    ),
    models.CheckConstraint(
        condition=Q(paid_yuan__gte=0, surcharge_yuan__gte=0),
        name="case_payments_not_negative",
        violation_error_message="缴纳金额和加处罚款不能为负数。",
    ),
    models.CheckConstraint(
        condition=Q(exemption_ground="") | Q(outcome__in=["exempted", "not_penalised"]),
        name="case_ground_only_when_not_fined",
        violation_error_message="只有处理结果为“免于处罚”或“不予处罚”的案件才填写免罚依据。",
    ),
    models.CheckConstraint(
        condition=Q(exemption_item__isnull=True) | Q(exemption_ground="listed"),
        name="case_item_only_when_listed",
        violation_error_message="免罚清单事项只在依据为“免罚清单事项”时填写。",
    ),
    models.CheckConstraint(
        condition=Q(transferred_to_police=True) | Q(transferred_on__isnull=True, transferred_to=""),
        name="case_transfer_detail_only_when_transferred",
        violation_error_message="只有移送公安的案件才填写移送日期和接收机关。",
    ),
]


class CaseMeasure(Record):
    """A measure taken in a case besides its decision: 按日连续处罚 or 查封、扣押, with its dates."""

    class Kind(models.TextChoices):
        DAILY_PENALTY = "daily_penalty", "按日连续处罚"
        SEIZURE = "seizure", "查封、扣押"

    PERIOD_DATE = F("started_on")

    case = models.ForeignKey(
        "inspections.PenaltyCase", verbose_name="行政处罚案件", on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField("措施", max_length=20, choices=Kind.choices)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True, help_text="查封、扣押期限一般不超过30日，可延长一次")
    note = models.CharField("说明", max_length=300, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "处罚措施"
        verbose_name_plural = "处罚措施"
        ordering = ["-started_on", "-pk"]
        constraints = [
            _after("ended_on", "started_on", "measure_ended_after_started", "结束日期不能早于开始日期。"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on:%Y-%m-%d}"
