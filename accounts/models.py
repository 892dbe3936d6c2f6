from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Organization(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", "市级生态环境局"
        DISTRICT = "district", "区生态环境局"

    code = models.SlugField("机构代码", max_length=40, unique=True)
    name = models.CharField("机构名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=20, help_text="如：长宁区；用于文件标题")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["kind", "code"]
        permissions = [("view_all_organizations", "可以查看全部区局的数据（市局复核）")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", "科室"
        ENFORCEMENT = "enforcement", "执法大队"
        MONITORING = "monitoring", "监测站"

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField("部门名称", max_length=50)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.OFFICE)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["organization", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="department_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    organization = models.ForeignKey(
        Organization,
        verbose_name="所属机构",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="用户只能看到本机构的数据；市局复核人员可查看全部区局。",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="users",
    )
    # set when the account is created (with its first password) and by set_password on every change
    password_changed_at = models.DateTimeField(
        "密码修改时间",
        default=timezone.now,
        editable=False,
        help_text="超过 PASSWORD_MAX_AGE_DAYS 天未修改密码的用户须先修改密码（等保 身份鉴别）。",
    )

    # A password someone else set (an admin, an operator's command) is known to them: the user replaces it at
    # their next sign-in (accounts.middleware.PasswordExpiryMiddleware).
    password_must_change = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        editable=False,
        help_text="密码由管理员或运维人员设置时自动勾选，用户本人修改密码后清除。",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        full = (self.last_name + self.first_name).strip()
        return full or self.username

    def set_password(self, raw_password: str | None) -> None:
        # Every path that sets a password (forms, admin, create_user, manage.py changepassword) comes through
        # here, so the age of the password is always known; the caller saves as it already must.
        # Whether an existing password is being replaced, for the audit hook that runs after the save
        # (accounts.password_validation.AuditPasswordChange): a new account has none yet.
        self._replacing_password = bool(self.password)
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def clean(self) -> None:
        super().clean()
        if self.department_id and self.department.organization_id != self.organization_id:
            raise ValidationError({"department": "所属部门必须属于该用户的所属机构。"})


class LockoutWindow(models.Model):
    """One row per lockout: the attempts refused while a username or an address is locked are counted here.

    The audit trail gets one 账号锁定 event when a window opens, not two rows per refused attempt: anyone can
    send login attempts, and the trail is append-only and kept at least 184 days. Pruned with it.
    """

    class Kind(models.TextChoices):
        USERNAME = "username", "用户名"
        ADDRESS = "ip_address", "来源地址"

    kind = models.CharField("锁定对象", max_length=20, choices=Kind.choices)
    value = models.CharField("用户名或地址", max_length=150)
    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField("锁定开始", default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField("最后一次被拒尝试", default=timezone.now)
    refused_attempts = models.PositiveIntegerField("锁定期间被拒绝的登录次数", default=0)

    class Meta:
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"
        ordering = ["-started_at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["kind", "value", "started_at"], name="lockout_window_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"
