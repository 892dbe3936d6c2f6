"""Admin views of the records for troubleshooting; bureau staff use the 执法记录 pages."""

from django.contrib import admin

from audit.admin_hooks import AuditedAdminMixin
from inspections.models import (
    CaseMeasure,
    Dispatch,
    Equipment,
    EquipmentRequirement,
    ExemptionListItem,
    Inspection,
    LedgerImport,
    Officer,
    PenaltyCase,
    PollutionSource,
    ReviewItem,
    Training,
)


@admin.register(PollutionSource)
class PollutionSourceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "credit_code", "organization", "industry", "category"]
    list_filter = ["organization", "category"]
    search_fields = ["name", "credit_code"]


@admin.register(Dispatch)
class DispatchAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "dispatched_on", "officer_count", "task_type", "organization"]
    list_filter = ["organization", "task_type"]
    search_fields = ["number"]
    date_hierarchy = "dispatched_on"
    raw_id_fields = ["officer_users", "officers"]


@admin.register(Inspection)
class InspectionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["inspected_on", "dispatch", "source", "result", "organization"]
    list_filter = ["organization", "result"]
    raw_id_fields = ["dispatch", "source"]


@admin.register(PenaltyCase)
class PenaltyCaseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["case_number", "source", "violation_type", "filed_on", "decided_on", "outcome", "fine_yuan"]
    list_filter = ["organization", "outcome", "transferred_to_police"]
    search_fields = ["case_number", "violation_type"]
    raw_id_fields = ["source"]


@admin.register(Equipment)
class EquipmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["asset_number", "name", "category", "purchased_on", "status", "organization"]
    list_filter = ["organization", "category", "status"]


@admin.register(Training)
class TrainingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["held_on", "topic", "category", "attendees", "hours", "organization"]
    list_filter = ["organization", "category"]


@admin.register(ExemptionListItem)
class ExemptionListItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The 免罚清单 the admins maintain; a case cites an item as its ground for 免于处罚 / 不予处罚."""

    list_display = ["code", "title", "basis", "active"]
    list_filter = ["active"]
    search_fields = ["code", "title"]


@admin.register(EquipmentRequirement)
class EquipmentRequirementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The equipment standard a measure counts the districts' equipment against."""

    list_display = ["category", "minimum", "per_officers", "basis"]


@admin.register(ReviewItem)
class ReviewItemAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The 案卷评查 checklist; a failed substantive item fails the file."""

    list_display = ["code", "title", "substantive", "active"]
    list_filter = ["substantive", "active"]


@admin.register(CaseMeasure)
class CaseMeasureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["case", "kind", "started_on", "ended_on", "organization"]
    list_filter = ["organization", "kind"]
    raw_id_fields = ["case"]


@admin.register(Officer)
class OfficerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "certificate_number",
        "certificate_valid_from",
        "certificate_valid_to",
        "status",
        "organization",
    ]
    list_filter = ["organization", "status"]
    search_fields = ["name", "certificate_number"]
    raw_id_fields = ["user"]


@admin.register(LedgerImport)
class LedgerImportAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "original_name", "organization", "created_by", "status", "error_count"]
    list_filter = ["organization", "status"]
    readonly_fields = [f.name for f in LedgerImport._meta.fields]
