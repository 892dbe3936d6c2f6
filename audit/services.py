"""Writing the audit trail: ``record`` (one event), ``snapshot``/``diff`` (old and new values), ``prune``.

Every service that changes a score, evidence, the standard, a record, a workflow state or a report calls
``record`` inside its own transaction, so a change that rolls back leaves no event and an event never
describes a change that did not happen. Sign-in events (login, failure, logout, lockout) have no change to
belong to and are written on their own.

The client's address comes from ``request`` when given, otherwise from the context that
``audit.middleware.AuditContextMiddleware`` opens for each request (see audit/context.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import connections, models, router, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import guard
from audit.context import client_ip, current_ip
from audit.models import AuditEvent, DataVersion

Action = AuditEvent.Action

#: 网络安全法 §21: network logs are kept for no less than six months.
RETENTION_MIN_DAYS = 184

# Events that describe a change of data: they must be written in that change's transaction.
CHANGE_ACTIONS = frozenset(
    {
        Action.CREATE,
        Action.UPDATE,
        Action.DELETE,
        Action.WORKFLOW,
        Action.SIGN,
        Action.PUBLISH,
        Action.IMPORT,
        Action.PRUNE,
        Action.UNLOCK,
    }
)
# Never copied into the trail: secrets, bytes, bookkeeping.
_SKIPPED_FIELDS = frozenset({"password", "version", "pkcs12", "passphrase_encrypted", "pdf"})

# How to reach the organisation of objects that do not hold it themselves.
_ORGANIZATION_PATHS = (
    "organization",
    "assessment.organization",
    "score.assessment.organization",
    "report.organization",
    "user.organization",
)


class AuditError(Exception):
    """A refused audit operation; the message is shown as is."""


def actor_label(user) -> str:
    """“张三（zhangsan）”: the name as it was, kept even if the account is renamed later."""
    if user is None:
        return ""
    name, username = str(user), user.get_username()
    return username if name == username else f"{name}（{username}）"


def _organization_id(obj: models.Model) -> int | None:
    for path in _ORGANIZATION_PATHS:
        target: Any = obj
        *hops, last = path.split(".")
        for hop in hops:
            target = getattr(target, hop, None)
            if target is None:
                break
        if target is not None and hasattr(target, f"{last}_id"):
            return getattr(target, f"{last}_id")
    return None


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    organization=None,
    other_organization=None,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    request: HttpRequest | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` may be None (a command, an unknown username: then give ``actor_name``).

    ``other_organization``: a second organisation the change concerns (a user moved between districts); the
    event is read by both."""
    using = router.db_for_write(AuditEvent)
    if action in CHANGE_ACTIONS and not connections[using].in_atomic_block:
        raise RuntimeError(f"audit.record(action={action!r}) must run inside the transaction of the change it records")
    if actor is not None and not getattr(actor, "pk", None):
        actor = None  # AnonymousUser
    organization_id = getattr(organization, "pk", organization)
    if organization_id is None and obj is not None:
        organization_id = _organization_id(obj)
    if action in CHANGE_ACTIONS:
        bump_data_version(
            organization_ids=[organization_id, getattr(other_organization, "pk", other_organization)], using=using
        )
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_name=(actor_name or actor_label(actor) or "系统（命令行或后台任务）")[:200],
        organization_id=organization_id,
        other_organization_id=(
            None
            if getattr(other_organization, "pk", other_organization) == organization_id
            else getattr(other_organization, "pk", other_organization)
        ),
        ip_address=client_ip(request) if request is not None else current_ip(),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=dict(changes or {}),
        note=note,
    )


def bump_data_version(*, organization_ids: Iterable[int | None], using: str = "default") -> None:
    """One more change to each organisation's data (``DataVersion``), in the caller's transaction.

    One statement per organisation, in id order, so two transactions touching the same two organisations
    cannot deadlock; the row lock it takes is held only until the change commits."""
    table = connections[using].ops.quote_name(DataVersion._meta.db_table)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for organization_id in sorted({pk for pk in organization_ids if pk is not None}):
            cursor.execute(
                f"INSERT INTO {table} (organization_id, value) VALUES (%s, 1) "
                f"ON CONFLICT (organization_id) DO UPDATE SET value = {table}.value + 1",
                [organization_id],
            )


# --- old and new values ---------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as JSON keeps it and a person reads it: 4.5, "2023-03-05", "张三"."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat(timespec="seconds") if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def _field_value(instance: models.Model, field: models.Field) -> Any:
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(str(o) for o in getattr(instance, field.name).all())
    if field.is_relation:
        related_id = getattr(instance, field.attname)
        return None if related_id is None else str(getattr(instance, field.name))
    value = getattr(instance, field.attname)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return plain(value)


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The instance's field values (names as keys), without the key, secrets, bytes and bookkeeping fields."""
    wanted = set(fields) if fields is not None else None
    values: dict[str, Any] = {}
    opts = instance._meta
    for field in [*opts.concrete_fields, *opts.many_to_many]:
        if field.primary_key or field.name in _SKIPPED_FIELDS or isinstance(field, models.BinaryField):
            continue
        if wanted is not None and field.name not in wanted:
            continue
        if wanted is None and (getattr(field, "auto_now", False) or field.name == "organization"):
            continue
        values[field.name] = _field_value(instance, field)
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value differs; a field missing on one side counts as None."""
    changed: dict[str, list] = {}
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = plain(before.get(key)), plain(after.get(key))
        if old != new and not (old in (None, "", []) and new in (None, "", [])):
            changed[key] = [old, new]
    return changed


def created(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, list]:
    return diff({}, snapshot(instance, fields))


def deleted(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, list]:
    return diff(snapshot(instance, fields), {})


# --- retention --------------------------------------------------------------------------------------


def prune(*, older_than_days: int, actor=None, actor_name: str = "") -> int:
    """Delete events older than ``older_than_days`` (at least 184) and record that it was done. Returns the count."""
    if older_than_days < RETENTION_MIN_DAYS:
        raise AuditError(
            f"审计记录至少保留{RETENTION_MIN_DAYS}天（六个月，《网络安全法》第二十一条），"
            f"不能清理{older_than_days}天以内的记录。"
        )
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    using = router.db_for_write(AuditEvent)
    with guard.pruning(using) as connection, connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM {guard.TABLE} WHERE "at" < %s', [connection.ops.adapt_datetimefield_value(cutoff)])
        count = max(cursor.rowcount, 0)
        from accounts.models import LockoutWindow

        # the lockout windows are the rest of the lockout evidence: kept as long, and no longer
        LockoutWindow.objects.filter(started_at__lt=cutoff).delete()
        record(
            actor=actor,
            actor_name=actor_name,
            action=Action.PRUNE,
            note=f"清理了{count}条早于{timezone.localtime(cutoff):%Y-%m-%d %H:%M}（{older_than_days}天前）的审计记录。",
        )
    return count
