"""The 执法检查人员名录库 as the draw sees it: certified, in-post officers, keyed by certificate number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts.models import Organization
from inspections.models import Officer


@dataclass(frozen=True)
class RosterOfficer:
    key: str  # 执法证号
    name: str


def certified_in_post(*, organization: Organization, starts_on: date, ends_on: date) -> list[RosterOfficer]:
    """Officers in post whose certificate is valid for the whole of [starts_on, ends_on], by certificate number."""
    officers = (
        Officer.objects.filter(
            organization=organization,
            status=Officer.Status.ON_DUTY,
            certificate_valid_from__lte=starts_on,
            certificate_valid_to__gte=ends_on,
        )
        .exclude(certificate_number="")
        .order_by("certificate_number")
        .values_list("certificate_number", "name")
    )
    return [RosterOfficer(key=number, name=name) for number, name in officers]
