"""Reading the audit trail: what a user may see, filtered; how an event reads to a person; the last change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent

#: The kinds of object the trail records changes of, for the page's filter (label_lower of each model).
OBJECT_TYPES = (
    "accounts.user",
    "otp_totp.totpdevice",
    "axes.accessattempt",
    "assessment.standard",
    "assessment.system",
    "assessment.indicator",
    "assessment.ruleitem",
    "assessment.selfassessment",
    "assessment.score",
    "assessment.evidence",
    "assessment.report",
    "assessment.signingcredential",
    "inspections.pollutionsource",
    "inspections.dispatch",
    "inspections.inspection",
    "inspections.penaltycase",
    "inspections.equipment",
    "inspections.training",
    "inspections.ledgerimport",
)


def model_for(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def object_type_choices() -> list[tuple[str, str]]:
    return [(t, object_type_label(t)) for t in OBJECT_TYPES if model_for(t) is not None]


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    action: str = ""
    actor: str = ""
    organization_id: int | None = None
    object_type: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events_for(user, filters: Filters = Filters()) -> QuerySet[AuditEvent]:
    """The events the user may read (AuditEventQuerySet.for_user), newest first, narrowed by ``filters``."""
    events = AuditEvent.objects.for_user(user).select_related("organization", "other_organization")
    if filters.start:
        events = events.filter(at__gte=_day_start(filters.start))
    if filters.end:  # the whole end day, in Shanghai time
        events = events.filter(at__lt=_day_start(filters.end + timedelta(days=1)))
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor:
        events = events.filter(actor_name__icontains=filters.actor)
    if filters.organization_id:
        org = filters.organization_id
        events = events.filter(models.Q(organization_id=org) | models.Q(other_organization_id=org))
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    return events.order_by("-at", "-pk")


def field_label(object_type: str, name: str) -> str:
    model = model_for(object_type)
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _change_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def change_lines(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(field label, old, new) for each changed field, as the page and the exports show them."""
    lines = []
    for name, pair in (event.changes or {}).items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        lines.append((field_label(event.object_type, name), _change_text(old), _change_text(new)))
    return lines


def changes_text(event: AuditEvent) -> str:
    return "；".join(f"{label}：{old} → {new}" for label, old, new in change_lines(event))


def last_change(obj: models.Model, *, imports_of: str = "") -> AuditEvent | None:
    """The newest event that changed ``obj``: who changed it last, and when.

    Bulk imports record one event for the whole file, not one per row; with ``imports_of`` (the importing
    model's label, e.g. "inspections.ledgerimport") a newer import of the object's organisation counts too.
    """
    Action = AuditEvent.Action
    changed = models.Q(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action__in=[Action.CREATE, Action.UPDATE, Action.WORKFLOW, Action.SIGN, Action.PUBLISH, Action.IMPORT],
    )
    organization_id = getattr(obj, "organization_id", None)
    if imports_of and organization_id is not None:
        # an import from the command line has no job to name: its event has no object
        changed |= models.Q(object_type__in=[imports_of, ""], action=Action.IMPORT, organization_id=organization_id)
    return AuditEvent.objects.filter(changed).order_by("-at", "-pk").first()


def data_version(organization_id: int | None = None) -> int:
    """The version of one organisation's data, or with None of every organisation's (their sum): it moves with
    every committed change (``audit.services.bump_data_version``)."""
    from audit.models import DataVersion

    if organization_id is not None:
        return DataVersion.objects.filter(organization_id=organization_id).values_list("value", flat=True).first() or 0
    return DataVersion.objects.aggregate(total=models.Sum("value"))["total"] or 0
