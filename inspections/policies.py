"""Who may do what with enforcement records: one small function per decision.

Views, services and templates ask these and never ``has_perm`` themselves. Reading is by role (the querysets'
``for_user`` scoping decides which organisations); writing is by role and only in the user's own organisation,
so the municipal reviewer reads every district and writes none.
"""

from __future__ import annotations

from django.db import models

from accounts.models import Organization, User

IMPORT_LEDGER = "inspections.import_ledger"
VIEW_RECORDS = "inspections.view_dispatch"  # the statistics, ledger export and import pages


def _permission(action: str, model: type[models.Model] | models.Model) -> str:
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def _own(user: User, organization_id: int | None) -> bool:
    return bool(user.is_authenticated and user.organization_id and user.organization_id == organization_id)


def may_view_records(user: User, model: type[models.Model] | None = None) -> bool:
    """Read records of ``model`` (default: the record pages as a whole) in the organisations the user sees."""
    return user.has_perm(_permission("view", model) if model is not None else VIEW_RECORDS)


def may_add_record(user: User, model: type[models.Model], organization: Organization) -> bool:
    return user.has_perm(_permission("add", model)) and _own(user, organization.pk)


def may_change_record(user: User, record: models.Model) -> bool:
    return may_write_record(user, "change", record)


def may_delete_record(user: User, record: models.Model) -> bool:
    return may_write_record(user, "delete", record)


def may_write_record(user: User, action: str, record: models.Model) -> bool:
    """``action`` is "add", "change" or "delete": the question the records service asks before any write."""
    return user.has_perm(_permission(action, record)) and _own(user, record.organization_id)


def may_import_ledger(user: User) -> bool:
    return bool(user.organization_id and user.has_perm(IMPORT_LEDGER))
