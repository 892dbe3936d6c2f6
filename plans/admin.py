"""The 随机抽查事项清单 is maintained here by admins, per district; plans and draws are shown read-only for
troubleshooting (draws are never edited: a wrong draw is redrawn, with a reason, on its page)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.admin_hooks import AuditedAdminMixin
from plans.models import AnnualPlan, CheckItem, Draw, MonthlyPlan, OfficerRelation


@admin.register(CheckItem)
class CheckItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "organization", "for_key", "for_general", "for_special", "active"]
    list_filter = ["organization", "active"]
    search_fields = ["code", "name", "legal_basis"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # an item drawn once stays in the list for the record; switch it off with 启用 instead
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "organization", "rate_key", "rate_general", "rate_special"]
    list_filter = ["organization", "year"]


@admin.register(MonthlyPlan)
class MonthlyPlanAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organization", "status", "filed_at", "reviewed_at", "published_at"]
    list_filter = ["organization", "status"]


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organization", "ran_by_name", "ran_at", "result_sha256"]
    list_filter = ["organization"]


@admin.register(OfficerRelation)
class OfficerRelationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["officer", "source", "reason", "organization", "created_at"]
    list_filter = ["organization"]
    raw_id_fields = ["officer", "source"]
    search_fields = ["officer__name", "officer__certificate_number", "source__name", "source__credit_code"]
