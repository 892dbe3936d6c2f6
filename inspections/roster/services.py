"""Writes to the officer roster outside the record pages (which save through ``services.save_record``):
a roster entry made by code (the demo, an import of one officer), validated like the form, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Department, Organization, User
from audit import services as audit
from audit.models import AuditEvent
from inspections.roster.models import Officer


@transaction.atomic
def create_officer(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    certificate_number: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    department: Department | None = None,
    status: str = Officer.Status.ON_DUTY,
    user: User | None = None,
) -> Officer:
    """Add one officer; raises ValidationError (Chinese, per field) when the entry breaks a roster rule."""
    if actor is not None and actor.organization_id != organization.pk:
        raise PermissionDenied("只能修改本单位的执法人员名录。")
    if user is not None and user.organization_id != organization.pk:
        raise ValidationError({"user": "关联的账号须是本单位的用户。"})
    if department is not None and department.organization_id != organization.pk:
        raise ValidationError({"department": "部门须是本单位的部门。"})
    officer = Officer(
        organization=organization,
        name=name.strip(),
        certificate_number=certificate_number.strip(),
        certificate_valid_from=valid_from,
        certificate_valid_to=valid_to,
        department=department,
        status=status,
        user=user,
    )
    officer.full_clean()
    officer.save()
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=officer, changes=audit.created(officer))
    return officer


@transaction.atomic
def set_officer_status(*, actor: User, officer: Officer, status: str) -> Officer:
    """An officer changes post (轮岗), leaves (调离) or retires: kept in the roster, no longer drawn."""
    if actor.organization_id != officer.organization_id:
        raise PermissionDenied("只能修改本单位的执法人员名录。")
    if status not in Officer.Status.values:
        raise ValidationError({"status": f"未知的状态“{status}”。"})
    before = audit.snapshot(officer)
    Officer.objects.filter(pk=officer.pk).update(status=status, version=officer.version + 1)
    officer.refresh_from_db()
    audit.record(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=officer, changes=audit.diff(before, audit.snapshot(officer))
    )
    return officer
