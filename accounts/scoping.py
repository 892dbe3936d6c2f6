"""The one place where bureau data is scoped to the user's organisation.

Every model that holds bureau data uses ``OrgScopedQuerySet`` as its manager, and every view reads
through ``for_user`` (pages, exports, downloads) or ``writable_by`` (anything that changes data).
A row outside the user's scope simply does not exist for them, so views answer 404, never 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User

VIEW_ALL_PERMISSION = "accounts.view_all_organizations"


def can_view_all_organizations(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW_ALL_PERMISSION))


class OrgScopedQuerySet(models.QuerySet):
    #: the lookup from this model to its Organization
    org_lookup = "organization"

    def for_user(self, user: User) -> Self:
        """Rows the user may read: their own organisation's, or every district's for the municipal reviewer."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if can_view_all_organizations(user):
            return self.all()
        return self.writable_by(user)

    def writable_by(self, user: User) -> Self:
        """Rows the user may change: only their own organisation's, whatever else they may read."""
        if not (user.is_authenticated and user.is_active) or user.organization_id is None:
            return self.none()
        return self.filter(**{f"{self.org_lookup}_id": user.organization_id})
