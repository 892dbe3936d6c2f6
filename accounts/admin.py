from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.models import Department, Organization, User
from audit.admin_hooks import AuditedAdminMixin


@admin.register(Organization)
class OrganizationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "short_name", "kind", "parent")
    search_fields = ("name", "code")


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organization", "kind")
    list_filter = ("organization", "kind")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    """Account changes (roles aside, which Django saves separately) are in the audit trail like any other."""

    list_display = ("username", "last_name", "first_name", "organization", "department", "is_active")
    list_filter = ("organization", "groups", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("所属单位", {"fields": ("organization", "department")}),
        ("身份鉴别", {"fields": ("password_changed_at",)}),
    )
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, ("所属单位", {"fields": ("organization", "department")}))
    readonly_fields = ("password_changed_at",)
    # Only a superuser makes a superuser or hands out single permissions; an admin (管理员) assigns roles (groups).
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += self.SUPERUSER_ONLY_FIELDS
        return fields

    def has_change_permission(self, request, obj=None) -> bool:
        # nor changes a superuser's account (its password, its second factor's owner, its roles)
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # 等保: a disabled account keeps no session, not even until its next request
            ended = services.end_user_sessions(user=obj)
            self.message_user(request, f"账号“{obj.get_username()}”已停用，已结束其 {ended} 个登录会话。")
