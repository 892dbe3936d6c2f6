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


def _stored(obj: models.Model, fields=None) -> tuple[dict, int | None]:
    """The values in the database (the form has already changed the instance in memory), and the organisation."""
    stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
    if stored is None:
        return {}, None
    return services.snapshot(stored, fields), getattr(stored, "organization_id", None)


class AuditedAdminMixin:
    """Many-to-many fields (a user's roles, a group's permissions) are saved after ``save_model``, in
    ``save_related``: the old values are read in the first, the event is written after the second. An object
    moved to another organisation is read by both (``other_organization``)."""

    #: The fields an event shows; None: all but secrets and bookkeeping (audit.services.snapshot).
    audit_fields: tuple[str, ...] | None = None

    def _fields(self, obj) -> list[str]:
        if self.audit_fields is not None:
            return list(self.audit_fields)
        # snapshot() leaves the organisation out by default; an admin can move an object between organisations
        return [*services.snapshot(obj), *(["organization"] if hasattr(obj, "organization_id") else [])]

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        request.audit_admin_before = _stored(obj, self._fields(obj)) if change else ({}, None)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if not hasattr(request, "audit_admin_before"):
            return  # the admin's own save_model wrote through an audited service instead of this mixin's
        before, before_organization_id = request.audit_admin_before
        changes = services.diff(before, services.snapshot(obj, self._fields(obj)))
        if change and not changes:
            return
        services.record(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            other_organization=before_organization_id,
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
            changes=services.deleted(obj, self.audit_fields),
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


def audit_registered(model: type[models.Model], **attributes) -> None:
    """Put another app's admin for ``model`` (already registered) under the audit trail."""
    from django.contrib import admin

    current = type(admin.site._registry[model])
    if issubclass(current, AuditedAdminMixin):
        return
    admin.site.unregister(model)
    admin.site.register(model, type(f"Audited{current.__name__}", (AuditedAdminMixin, current), attributes))
