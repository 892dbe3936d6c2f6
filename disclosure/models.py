"""执法公示: the working-day calendar, the bureaus' public contact details, and published penalty decisions.

A publication is a snapshot: the public fields of a decided case (disclosure/public_fields.py), masked where the
party is a person, copied at the moment a leader publishes. It is never changed afterwards: a correction is a
new publication that ``supersedes`` the old one, and a withdrawal is a row of its own. The public site reads
only these tables, so nothing private can reach it by a template or a serializer forgetting a rule.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Organization
from accounts.scoping import OrgScopedQuerySet
from inspections.models import PartyKind, PenaltyCase


class CalendarDay(models.Model):
    """A day the State Council's holiday arrangement (放假安排) changes: a day off, or a 调休 working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("节日", max_length=20, help_text="如：春节")
    source = models.CharField("依据", max_length=200, help_text="如：国办发明电〔2023〕7号")

    class Meta:
        verbose_name = "工作日历（放假调休）"
        verbose_name_plural = "工作日历（放假调休）"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}{self.get_kind_display()}"


class BureauContact(models.Model):
    """The bureau's name and contact as every page of its public site shows them."""

    organization = models.OneToOneField(
        Organization, verbose_name="机构", on_delete=models.CASCADE, related_name="public_contact"
    )
    address = models.CharField("办公地址", max_length=200)
    phone = models.CharField("联系电话", max_length=40)
    email = models.EmailField("电子邮箱", blank=True)
    office_hours = models.CharField("办公时间", max_length=100, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "公示联系方式"
        verbose_name_plural = "公示联系方式"
        ordering = ["organization"]

    def __str__(self) -> str:
        return str(self.organization)


class PublicationQuerySet(OrgScopedQuerySet):
    def visible(self, *, today: date) -> PublicationQuerySet:
        """What the public may see today: not withdrawn, not past its maximum period (even before the nightly
        command has recorded the expiry), not superseded by a correction."""
        return self.filter(expires_on__gt=today, correction__isnull=True).exclude(
            case__in=PenaltyWithdrawal.objects.values("case")
        )

    def reachable(self, *, today: date) -> PublicationQuerySet:
        """Pages the public may open by their URL: visible ones, and the versions they corrected (which say so)."""
        return self.filter(expires_on__gt=today).exclude(case__in=PenaltyWithdrawal.objects.values("case"))


class PenaltyPublication(models.Model):
    """One published version of one penalty decision (行政处罚决定公示)."""

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="penalty_publications"
    )
    case = models.ForeignKey(
        PenaltyCase, verbose_name="行政处罚案件", on_delete=models.PROTECT, related_name="publications"
    )
    number = models.PositiveSmallIntegerField("版本号", default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="更正的版本",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
    )
    correction_note = models.CharField("更正说明", max_length=500, blank=True)
    published_at = models.DateTimeField("公示时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="公示人", on_delete=models.PROTECT, related_name="+"
    )
    # the snapshot: already masked, exactly what the public sees
    decision_number = models.CharField("处罚决定书文号", max_length=60)
    party_kind = models.CharField("当事人类型", max_length=30, choices=PartyKind.choices)
    party_name = models.CharField("当事人", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    violation = models.CharField("违法行为类型", max_length=100)
    violation_facts = models.TextField("主要违法事实", blank=True)
    legal_basis = models.TextField("处罚依据")
    outcome = models.CharField("处理结果", max_length=20, choices=PenaltyCase.Outcome.choices)
    penalty = models.CharField("处罚内容", max_length=300)
    fine_yuan = models.DecimalField("罚款金额（元）", max_digits=12, decimal_places=2)
    decided_on = models.DateField("处罚决定日期")
    authority = models.CharField("处罚机关", max_length=100)
    # 信用修复 rules: published for at least 3 months and at most 3 years from the decision
    withdrawable_from = models.DateField("可申请信用修复日期")
    expires_on = models.DateField("公示截止日期", help_text="这一天起不再公示")

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "行政处罚决定公示"
        verbose_name_plural = "行政处罚决定公示"
        ordering = ["-decided_on", "-pk"]
        permissions = [("publish_penaltypublication", "可以公示、更正和撤下行政处罚决定")]
        indexes = [
            # the public list, newest decision first, read backwards for the next page (keyset pagination)
            models.Index(fields=["decided_on", "id"], name="publication_decided"),
            models.Index(fields=["organization", "decided_on", "id"], name="publication_org_decided"),
            models.Index(fields=["credit_code"], name="publication_credit_code"),
            models.Index(fields=["published_at"], name="publication_published_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="publication_unique_number_per_case"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("withdrawable_from")), name="publication_period_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number}（第{self.number}版）"


class PenaltyWithdrawal(models.Model):
    """The end of a case's publication: early through 信用修复 (with its grounds and the approving leader), or
    automatically at the maximum period. The publications themselves stay, for the audit trail."""

    class Reason(models.TextChoices):
        CREDIT_REPAIR = "credit_repair", "信用修复（提前撤下）"
        EXPIRED = "expired", "公示期满（自动撤下）"

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="penalty_withdrawals"
    )
    case = models.OneToOneField(
        PenaltyCase, verbose_name="行政处罚案件", on_delete=models.PROTECT, related_name="disclosure_withdrawal"
    )
    reason = models.CharField("撤下原因", max_length=20, choices=Reason.choices)
    grounds = models.TextField("信用修复申请及理由", max_length=2000, blank=True)
    applied_on = models.DateField("申请日期", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("撤下时间")

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "行政处罚决定撤下"
        verbose_name_plural = "行政处罚决定撤下"
        ordering = ["-withdrawn_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason="expired") | (~Q(grounds="") & Q(approved_by__isnull=False)),
                name="withdrawal_credit_repair_has_grounds_and_approver",
                violation_error_message="信用修复撤下须写明申请理由并由领导批准。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}：{self.get_reason_display()}"
