"""Reads of the officer roster: who may enforce on a day, whose certificate runs out soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from accounts.models import Organization, User
from inspections.roster.models import EXPIRY_WARNING_DAYS, Officer


def certified_officers(*, organization: Organization, day: date) -> QuerySet[Officer]:
    """Serving officers (在岗, 轮岗) whose certificate is valid on ``day``: those who may enforce that day.

    This is the pool of the 执法检查人员名录库 that a random draw picks from."""
    return Officer.objects.filter(organization=organization).serving().certified_on(day).order_by("name", "pk")


def uncertified_officers(*, organization: Organization, day: date) -> QuerySet[Officer]:
    """Serving officers without a certificate valid on ``day`` (none yet, expired, or not yet in force)."""
    return Officer.objects.filter(organization=organization).serving().not_certified_on(day).order_by("name", "pk")


@dataclass(frozen=True)
class ExpiringCertificate:
    officer: Officer
    days_left: int  # 0 = its last valid day is today

    @property
    def valid_to(self) -> date:
        return self.officer.certificate_valid_to


def expiring_certificates(
    *, organization: Organization, today: date, days: int = EXPIRY_WARNING_DAYS
) -> tuple[ExpiringCertificate, ...]:
    """Serving officers whose certificate is valid today and ends within ``days`` days (soonest first)."""
    officers = (
        Officer.objects.filter(organization=organization)
        .serving()
        .expiring_within(today, days)
        .select_related("department")
        .order_by("certificate_valid_to", "name", "pk")
    )
    return tuple(ExpiringCertificate(o, (o.certificate_valid_to - today).days) for o in officers)


def officer_choices(organization: Organization) -> QuerySet[Officer]:
    """The officers a dispatch may name: the organisation's roster, serving ones first."""
    return Officer.objects.filter(organization=organization).order_by("name", "pk")


def roster_for_user(user: User, organization: Organization) -> QuerySet[Officer]:
    return Officer.objects.for_user(user).filter(organization=organization)
