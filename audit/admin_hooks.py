"""Audit what admins change in the Django admin: the object itself, its inline rows, and bulk deletions.

A ModelAdmin mixin (``AuditedAdminMixin``) over the admin's own hooks, so that every save and delete in the
admin goes through it; the admin runs each of these inside a transaction, which the event joins.
"""

from __future__ import annotations

import copy

from django.db import models
from django.http import HttpRequest

from audit import services
from audit.models import AuditEvent

Action = AuditEvent.Action


def _stored(obj: models.Model) -> dict:
    """The values in the database (the form has already changed the instance in memory)."""
    if obj.pk is None:
        return {}
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return services.snapshot(stored) if stored is not None else {}


class AuditedAdminMixin:
    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        before = _stored(obj) if change else {}
        super().save_model(request, obj, form, change)
        changes = services.diff(before, services.snapshot(obj))
        if change and not changes:
            return
        services.record(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            changes=changes,
            note="管理后台",
            request=request,
        )

    def delete_model(self, request: HttpRequest, obj) -> None:
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request: HttpRequest, obj) -> None:
        # Recorded first, in the same transaction: a deletion that fails takes its event back with it.
        services.record(
            actor=request.user,
            action=Action.DELETE,
            obj=obj,
            changes=services.deleted(obj),
            note="管理后台",
            request=request,
        )

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        existing = [f.instance for f in formset.initial_forms if f.instance.pk is not None]
        stored = {
            o.pk: services.snapshot(o) for o in formset.model._default_manager.filter(pk__in=[o.pk for o in existing])
        }
        pk_of = {id(o): o.pk for o in existing}  # deleted instances lose their pk
        super().save_formset(request, form, formset, change)
        parent = f"（{form.instance}）"
        for obj in formset.new_objects:
            services.record(
                actor=request.user,
                action=Action.CREATE,
                obj=obj,
                changes=services.created(obj),
                note="管理后台" + parent,
                request=request,
            )
        for obj, _fields in formset.changed_objects:
            changes = services.diff(stored.get(obj.pk, {}), services.snapshot(obj))
            if changes:
                services.record(
                    actor=request.user,
                    action=Action.UPDATE,
                    obj=obj,
                    changes=changes,
                    note="管理后台" + parent,
                    request=request,
                )
        for obj in formset.deleted_objects:
            pk = pk_of.get(id(obj))
            row = copy.copy(obj)  # the deleted instance has lost its pk; the event keeps the row's number
            row.pk = pk
            services.record(
                actor=request.user,
                action=Action.DELETE,
                obj=row,
                changes=services.diff(stored.get(pk, {}), {}),
                note="管理后台" + parent,
                request=request,
            )
