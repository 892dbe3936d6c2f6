"""The Django admin is where admins maintain the standard. A published standard is frozen here:
every field and inline is read-only, and the way to change it is the "复制为新版本" action."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from assessment import policies, services
from assessment.models import (
    Grade,
    Indicator,
    RuleItem,
    SelfAssessment,
    SigningCredential,
    Standard,
    System,
    WorkflowEvent,
)
from assessment.reports.seal import MAX_UPLOAD_BYTES, SealImageError, normalise_seal_image
from assessment.reports.services.signoff import configure_credential
from assessment.reports.signing import SigningError, check_pkcs12
from assessment.services import standard as standard_services
from audit.admin_hooks import AuditedAdminMixin


class FrozenWhenPublishedMixin:
    """Admin pieces of a standard become read-only once the standard is published (the services refuse the
    write anyway; this keeps the admin from offering it)."""

    def _frozen(self, obj) -> bool:
        return standard_services.is_frozen(obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._frozen(obj)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        args = (request, obj) if isinstance(self, admin.options.InlineModelAdmin) else (request,)
        return super().has_add_permission(*args) and not self._frozen(obj)


class SystemInline(FrozenWhenPublishedMixin, admin.TabularInline):
    model = System
    extra = 0
    fields = ("order", "name", "max_score")
    show_change_link = True


class IndicatorInline(FrozenWhenPublishedMixin, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "code", "name", "max_score", "responsible_department")
    show_change_link = True


class RuleItemInline(FrozenWhenPublishedMixin, admin.TabularInline):
    model = RuleItem
    extra = 0
    fields = ("order", "kind", "description", "points", "cap")


class GradeInline(FrozenWhenPublishedMixin, admin.TabularInline):
    """等次: checked when the standard is published (assessment.scoring.grade_problems)."""

    model = Grade
    extra = 0
    fields = ("name", "min_score")


class WritesThroughServicesMixin(AuditedAdminMixin):
    """Saves and deletions of a standard's parts, inline rows included, go through the standard services, which
    audit them and refuse a published standard; the audit mixin's own hooks are not used for them."""

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        standard_services.save_standard_part(part=obj, actor=request.user)

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj) -> None:
        standard_services.delete_standard_part(part=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for obj in queryset:
            standard_services.delete_standard_part(part=obj, actor=request.user)

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        instances = formset.save(commit=False)
        note = f"管理后台（{form.instance}）"
        for obj in formset.deleted_objects:
            standard_services.delete_standard_part(part=obj, actor=request.user, note=note)
        for obj in instances:
            standard_services.save_standard_part(part=obj, actor=request.user, note=note)
        formset.save_m2m()


@admin.register(Standard)
class StandardAdmin(WritesThroughServicesMixin, FrozenWhenPublishedMixin, admin.ModelAdmin):
    list_display = ("name", "version", "year_from", "year_to", "total_max", "status", "published_at")
    list_filter = ("status",)
    readonly_fields = ("status", "published_at", "based_on")
    inlines = [GradeInline, SystemInline]
    actions = ["publish", "copy_as_new_version"]

    @admin.action(description="发布所选标准（检查满分是否合计一致）", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset) -> None:
        for standard in queryset:
            try:
                services.publish_standard(standard=standard, actor=request.user)
            except services.StandardNotPublishable as exc:
                for problem in exc.problems:
                    self.message_user(request, f"“{standard}”未发布：{problem}", messages.ERROR)
            else:
                self.message_user(request, f"已发布“{standard}”。", messages.SUCCESS)

    @admin.action(description="复制为新版本（草稿）", permissions=["add"])
    def copy_as_new_version(self, request: HttpRequest, queryset) -> None:
        for standard in queryset:
            copy = services.copy_standard(standard=standard, actor=request.user)
            self.message_user(request, f"已创建“{copy}”，可修改后发布。", messages.SUCCESS)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return policies.may_publish_standard(request.user)


class DraftParentsOnlyMixin:
    """A new or moved system/indicator may only go into a draft standard: a published one is frozen."""

    draft_parent_fields: dict[str, str] = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.draft_parent_fields:
            status_lookup = self.draft_parent_fields[db_field.name]
            kwargs["queryset"] = db_field.related_model.objects.filter(**{status_lookup: Standard.Status.DRAFT})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(System)
class SystemAdmin(WritesThroughServicesMixin, FrozenWhenPublishedMixin, DraftParentsOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "standard", "order", "max_score")
    list_filter = ("standard",)
    inlines = [IndicatorInline]
    draft_parent_fields = {"standard": "status"}


@admin.register(Indicator)
class IndicatorAdmin(WritesThroughServicesMixin, FrozenWhenPublishedMixin, DraftParentsOnlyMixin, admin.ModelAdmin):
    draft_parent_fields = {"system": "standard__status"}
    list_display = ("code", "name", "system", "max_score", "responsible_department")
    list_filter = ("system__standard", "system")
    search_fields = ("code", "name")
    inlines = [RuleItemInline]


class WorkflowEventInline(admin.TabularInline):
    model = WorkflowEvent
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only here: scores and workflow change only through the application's pages."""

    list_display = ("organization", "year", "standard", "status")
    list_filter = ("year", "status", "organization")
    inlines = [WorkflowEventInline]

    def get_queryset(self, request):
        return SelfAssessment.objects.for_user(request.user).select_related("organization", "standard")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SigningCredentialForm(forms.ModelForm):
    """The admin uploads the bureau's PKCS#12 and its passphrase, and its seal image (drawn as the signature on
    every report it signs); all are checked before anything is saved. A stored seal stays when none is sent."""

    pkcs12_file = forms.FileField(label="PKCS#12 证书文件（.p12/.pfx）")
    passphrase = forms.CharField(label="证书口令", widget=forms.PasswordInput, required=False)
    seal_file = forms.FileField(
        label="印章图片（PNG 或 JPEG）",
        required=False,
        help_text="本单位印章的扫描图片，裁剪到印章外圆，近似正方形，白色背景会变为透明；签发的报告在署名和成文日期处显示此印章。",
    )

    class Meta:
        model = SigningCredential
        fields = ["organization"]

    def clean(self):
        data = super().clean()
        upload = data.get("pkcs12_file")
        if upload is not None:
            if upload.size > 1024 * 1024:
                raise forms.ValidationError("证书文件超过1 MB，不是有效的 PKCS#12 文件。")
            self.pkcs12_bytes = upload.read()
            try:
                check_pkcs12(self.pkcs12_bytes, data.get("passphrase") or "")
            except SigningError as exc:
                raise forms.ValidationError(str(exc)) from None
        seal_upload = data.get("seal_file")
        self.seal_bytes = None
        if seal_upload is not None:
            if seal_upload.size > MAX_UPLOAD_BYTES:
                self.add_error("seal_file", "印章图片超过2 MB，请上传较小的 PNG 或 JPEG 图片。")
            else:
                try:
                    self.seal_bytes = seal_upload.read()
                    normalise_seal_image(self.seal_bytes)  # refused here, beside the field; the service stores it
                except SealImageError as exc:
                    self.add_error("seal_file", str(exc))
        elif not self.instance.seal_image:
            self.add_error("seal_file", "请上传本单位的印章图片：签发的报告以它作为数字签名的可见外观。")
        return data


@admin.register(SigningCredential)
class SigningCredentialAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = SigningCredentialForm
    list_display = ("organization", "subject", "not_after", "updated_at")
    readonly_fields = ("subject", "not_after", "updated_at")

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        # one write path: the service checks, encrypts, stores and audits (the mixin's own event is not needed)
        credential = configure_credential(
            organization=obj.organization,
            pkcs12_data=form.pkcs12_bytes,
            passphrase=form.cleaned_data.get("passphrase") or "",
            seal_image=form.seal_bytes,
            actor=request.user,
        )
        obj.pk = credential.pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        form.save_m2m()
