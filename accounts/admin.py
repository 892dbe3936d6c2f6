from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Sum
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Department, LockoutWindow, Organization, User
from audit import services as audit
from audit.admin_hooks import AuditedAdminMixin
from audit.models import AuditEvent


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
    """Every change of an account, its roles included, is one audit event read by the old and the new
    organisation (AuditedAdminMixin); a password set here is audited by
    accounts.password_validation.AuditPasswordChange and must be changed by the user at the next sign-in."""

    list_display = ("username", "last_name", "first_name", "organization", "department", "is_active")
    list_filter = ("organization", "groups", "is_active")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("所属单位", {"fields": ("organization", "department")}),
        ("身份鉴别", {"fields": ("password_changed_at", "password_must_change")}),
    )
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, ("所属单位", {"fields": ("organization", "department")}))
    # Shown, never edited: the admin's date-and-time widget drops the seconds, so saving a user rewrote both.
    readonly_fields = ("password_changed_at", "password_must_change", "last_login", "date_joined")
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

    audit_fields = services.USER_AUDIT_FIELDS

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # 等保: a disabled account keeps no session, not even until its next request
            ended = services.end_user_sessions(user=obj)
            self.message_user(request, f"账号“{obj.get_username()}”已停用，已结束其 {ended} 个登录会话。")


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(AuditedAdminMixin, TOTPDeviceAdmin):
    """Deleting a user's authenticator (so they enrol a new one) is audited, without the device's secret."""

    audit_fields = services.DEVICE_AUDIT_FIELDS


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AuditedAccessAttemptAdmin(AuditedAdminMixin, AccessAttemptAdmin):
    """Deleting an attempt releases a lockout at once: an 解除锁定 event in the organisation of the username."""

    audit_fields = ("username", "ip_address", "failures_since_start", "attempt_time")

    def _record_deletion(self, request, obj) -> None:
        organization_id = User.objects.filter(username=obj.username).values_list("organization_id", flat=True).first()
        refused = (
            LockoutWindow.objects.filter(value__in=[obj.username or "", obj.ip_address or ""]).aggregate(
                n=Sum("refused_attempts")
            )["n"]
            or 0
        )
        audit.record(
            actor=request.user,
            action=AuditEvent.Action.UNLOCK,
            obj=obj,
            organization=organization_id,
            changes=audit.deleted(obj, self.audit_fields),
            note=(
                f"解除登录锁定：用户名“{obj.username or ''}”、来源地址{obj.ip_address or ''}，"
                f"此前失败{obj.failures_since_start}次，锁定期间被拒绝{refused}次"
            ),
            request=request,
        )


@admin.register(LockoutWindow)
class LockoutWindowAdmin(admin.ModelAdmin):
    """Read-only: written by the lockout itself (accounts.services.note_refused_login)."""

    list_display = ("started_at", "kind", "value", "organization", "refused_attempts", "last_attempt_at")
    list_filter = ("kind",)
    search_fields = ("value",)
    readonly_fields = [f.name for f in LockoutWindow._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
