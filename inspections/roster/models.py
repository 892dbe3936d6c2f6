"""The officer roster: one row per enforcement officer of an organisation, with the 执法证 that lets them
enforce. The roster is the 执法检查人员名录库 of 双随机、一公开, and dispatches name their officers from it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import Department, Organization
from accounts.scoping import OrgScopedQuerySet
from common.models import Record
from inspections.querysets import RecordQuerySet

#: how far ahead an expiring certificate is shown (the leader's dashboard, the roster page)
EXPIRY_WARNING_DAYS = 90


class OfficerQuerySet(OrgScopedQuerySet):
    def serving(self) -> Self:
        """Officers still in the bureau's enforcement force: 在岗 or 轮岗 (rotated posts come back)."""
        return self.filter(status__in=Officer.SERVING)

    def certified_on(self, day: date) -> Self:
        """Officers whose certificate is valid on ``day`` (both ends of its validity included)."""
        return self.exclude(certificate_number="").filter(
            certificate_valid_from__lte=day, certificate_valid_to__gte=day
        )

    def not_certified_on(self, day: date) -> Self:
        return self.exclude(pk__in=self.certified_on(day).values("pk"))

    def expiring_within(self, day: date, days: int = EXPIRY_WARNING_DAYS) -> Self:
        """Valid on ``day`` but ending within ``days`` days after it (day + days included)."""
        return self.certified_on(day).filter(certificate_valid_to__lte=day + timedelta(days=days))


class Officer(Record):
    class Status(models.TextChoices):
        ON_DUTY = "on_duty", "在岗"
        ROTATED = "rotated", "轮岗"
        TRANSFERRED = "transferred", "调离"
        RETIRED = "retired", "退休"

    SERVING = (Status.ON_DUTY, Status.ROTATED)

    name = models.CharField("姓名", max_length=50)
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.SET_NULL, null=True, blank=True, related_name="officers"
    )
    # Blank while the officer has no certificate yet: listed in the roster, but not certified.
    certificate_number = models.CharField("执法证号", max_length=40, blank=True)
    certificate_valid_from = models.DateField("执法证有效期起", null=True, blank=True)
    certificate_valid_to = models.DateField("执法证有效期止", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ON_DUTY)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer",
        help_text="可选：该执法人员在本系统的账号",
    )

    objects = OfficerQuerySet.as_manager()

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organization", "name"], name="officer_org_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "certificate_number"],
                condition=~Q(certificate_number=""),
                name="officer_unique_certificate_per_org",
                violation_error_message="本单位已有该执法证号的执法人员。",
            ),
            models.CheckConstraint(
                condition=Q(
                    certificate_number="", certificate_valid_from__isnull=True, certificate_valid_to__isnull=True
                )
                | (
                    ~Q(certificate_number="")
                    & Q(certificate_valid_from__isnull=False, certificate_valid_to__isnull=False)
                ),
                name="officer_certificate_complete",
                violation_error_message="填写执法证号时须同时填写有效期起止日期；没有执法证时三项都不填。",
            ),
            models.CheckConstraint(
                condition=Q(certificate_valid_to__isnull=True)
                | Q(certificate_valid_to__gte=F("certificate_valid_from")),
                name="officer_certificate_dates_in_order",
                violation_error_message="执法证有效期止不能早于有效期起。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def certified_on(self, day: date) -> bool:
        return bool(
            self.certificate_number
            and self.certificate_valid_from
            and self.certificate_valid_to
            and self.certificate_valid_from <= day <= self.certificate_valid_to
        )

    def certificate_days_left(self, day: date) -> int | None:
        """Days from ``day`` to the certificate's last valid day; None when not valid on ``day``."""
        if not self.certified_on(day):
            return None
        return (self.certificate_valid_to - day).days


class TrainingAttendance(models.Model):
    """An officer of the roster attended a training and earned these hours (学时) from it."""

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="training_attendance"
    )
    training = models.ForeignKey(
        "inspections.Training", verbose_name="培训", on_delete=models.CASCADE, related_name="attendance"
    )
    officer = models.ForeignKey(Officer, verbose_name="执法人员", on_delete=models.PROTECT, related_name="attendance")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "参训人员"
        verbose_name_plural = "参训人员"
        ordering = ["training", "officer__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["training", "officer"], name="attendance_once_per_training"),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="attendance_hours_not_negative",
                violation_error_message="学时不能为负数。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.hours}学时"


class DrillResult(Record):
    """A result of 执法大练兵: a 竞技比武 placing or an award, with its level, for an officer or a team."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        MUNICIPAL = "municipal", "市级"
        DISTRICT = "district", "区级"

    PERIOD_DATE = F("held_on")

    held_on = models.DateField("日期")
    event = models.CharField("练兵活动", max_length=200, help_text="如：全市生态环境执法大练兵竞技比武")
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    officer = models.ForeignKey(
        Officer, verbose_name="执法人员", on_delete=models.PROTECT, null=True, blank=True, related_name="drill_results"
    )
    team = models.CharField("团队", max_length=100, blank=True, help_text="团体成绩时填写")
    placing = models.PositiveSmallIntegerField("名次", null=True, blank=True)
    award = models.CharField("奖项", max_length=200, blank=True, help_text="如：优秀个人、先进集体")

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "执法大练兵成绩"
        verbose_name_plural = "执法大练兵成绩"
        ordering = ["-held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(officer__isnull=False) | ~Q(team=""),
                name="drill_result_has_someone",
                violation_error_message="请填写获奖的执法人员或团队。",
            ),
            models.CheckConstraint(
                condition=Q(placing__isnull=False) | ~Q(award=""),
                name="drill_result_has_result",
                violation_error_message="请填写名次或奖项。",
            ),
        ]

    def __str__(self) -> str:
        who = self.officer.name if self.officer_id else self.team
        return f"{self.event} {who}"
