"""Admins maintain the working-day calendar (放假调休) and each bureau's public contact. Publications and
withdrawals are read-only here: they are written by the leader's desk and the expiry command alone."""

from __future__ import annotations

from django.contrib import admin

from audit.admin_hooks import AuditedAdminMixin
from disclosure import services
from disclosure.models import BureauContact, CalendarDay, PenaltyPublication, PenaltyWithdrawal


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["day", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "day"
    search_fields = ["name", "source"]

    def save_model(self, request, obj, form, change):
        services.save_calendar_day(day=obj, user=request.user, request=request)

    def delete_model(self, request, obj):
        services.delete_calendar_day(day=obj, user=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            services.delete_calendar_day(day=day, user=request.user, request=request)


@admin.register(BureauContact)
class BureauContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # saved through the audited service; a deletion is audited by the mixin
    list_display = ["organization", "address", "phone", "email"]

    def save_model(self, request, obj, form, change):
        services.save_contact(contact=obj, user=request.user, request=request)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PenaltyPublication)
class PenaltyPublicationAdmin(ReadOnlyAdmin):
    list_display = ["decision_number", "number", "party_name", "organization", "published_at", "published_by"]
    list_filter = ["organization"]
    search_fields = ["decision_number", "credit_code"]


@admin.register(PenaltyWithdrawal)
class PenaltyWithdrawalAdmin(ReadOnlyAdmin):
    list_display = ["case", "reason", "approved_by", "withdrawn_at", "organization"]
    list_filter = ["reason", "organization"]
