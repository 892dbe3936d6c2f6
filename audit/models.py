"""The audit trail (等保 2.0 8.1.4.3 安全审计): one append-only row per security-relevant event.

Append-only is enforced by the database, not by this module: triggers installed by the migration
(``audit/guard.py``) refuse every UPDATE and DELETE of a row, from the ORM, the admin, a raw SQL statement
or a migration alike. The one exception is ``manage.py prune_audit``, which removes rows older than the
legal minimum retention (184 days) inside a transaction that opens the guard for itself alone.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization
from accounts.scoping import OrgScopedQuerySet, can_view_all_organizations

VIEW_PERMISSION = "audit.view_auditevent"
VIEW_ALL_PERMISSION = "audit.view_all_auditevents"


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete audit rows through the ORM."""


def can_view_all_events(user) -> bool:
    """Admins and the municipal reviewer read every organisation's events; a district's leader only their own."""
    return user.has_perm(VIEW_ALL_PERMISSION) or can_view_all_organizations(user)


class AuditEventQuerySet(OrgScopedQuerySet):
    """Reads only. ``update()`` and ``delete()`` refuse before the database does (its triggers refuse too)."""

    def for_user(self, user) -> Self:
        """Events the user may read: every organisation's for admins and the municipal reviewer, else their own."""
        if not (user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION)):
            return self.none()
        if can_view_all_events(user):
            return self.all()
        if user.organization_id is None:
            return self.none()
        org = user.organization_id
        return self.filter(models.Q(organization_id=org) | models.Q(other_organization_id=org))

    def writable_by(self, user) -> Self:
        return self.none()

    def update(self, **kwargs):
        raise AppendOnlyError("审计记录只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计记录只能追加，不能删除；过期记录请用 manage.py prune_audit 清理。")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出登录"
        LOCKOUT = "lockout", "账号锁定"
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        WORKFLOW = "workflow", "流程"
        SIGN = "sign", "签发"
        PUBLISH = "publish", "发布"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出审计记录"
        PRUNE = "prune", "清理过期审计记录"
        PASSWORD = "password", "设置密码"
        UNLOCK = "unlock", "解除锁定"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人账号",
        on_delete=models.PROTECT,  # an account that acted is disabled, never deleted: its trail must stay whole
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=200, blank=True, help_text="记录时的姓名和用户名，改名后仍保留")
    organization = models.ForeignKey(
        Organization,
        verbose_name="机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="数据被修改的机构；标准的修改和未知用户名的登录失败没有机构",
    )
    # A change that concerns two organisations (a user moved from one district to another) is read by both.
    other_organization = models.ForeignKey(
        Organization,
        verbose_name="相关机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="变更同时涉及的另一机构（如用户调离的原机构），该机构也能看到这条记录",
    )
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True, unpack_ipv4=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=100, blank=True, help_text="如 assessment.score")
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True, help_text="{字段: [原值, 新值]}")
    note = models.TextField("说明", blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-pk"]
        # Nobody may add, change or delete an event by hand: not even the permissions to grant exist.
        default_permissions = ("view",)
        permissions = [("view_all_auditevents", "可以查看所有机构的审计记录")]
        indexes = [
            models.Index(fields=["organization", "at"], name="audit_org_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_action_display()}"


class DataVersion(models.Model):
    """How many audited changes an organisation's data has had: the key under which figures computed from that
    data are cached (dashboard/cache.py).

    ``audit.services.record`` increments it in the transaction of every change it records, and every write to
    bureau data is recorded there, so a committed change and its new version become visible together and a
    figure cached under an older version is never read again."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.value}"
