"""The officer roster: one row per enforcement officer of an organisation, with the 执法证 that lets them
enforce. The roster is the 执法检查人员名录库 of 双随机、一公开, and dispatches name their officers from it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.models import Department
from accounts.scoping import OrgScopedQuerySet
from common.models import Record

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
