"""Read-only in the admin: no add, change or delete, whatever the user's permissions (the database refuses too)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.admin_hooks import audit_registered
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor_name", "organization", "ip_address", "object_type", "object_repr")
    list_filter = ("action", "organization", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id", "note")
    date_hierarchy = "at"
    list_select_related = ("organization",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    show_full_result_count = False  # a count(*) over a large table on every page is not needed

    def get_queryset(self, request: HttpRequest):
        return AuditEvent.objects.for_user(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _audit_other_apps_admins() -> None:
    """The admins other apps register (roles, login logs, task results): whatever a superuser can change or
    delete there is in the audit trail too (tests/audit/test_account_changes.py checks every registered admin)."""
    import axes.admin  # noqa: F401  (registers its admins on import)
    import django_tasks_db.admin  # noqa: F401
    from axes.models import AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_tasks_db.models import DBTaskResult

    for model in (Group, AccessLog, AccessFailureLog, DBTaskResult):
        if admin.site.is_registered(model):
            audit_registered(model)


_audit_other_apps_admins()
