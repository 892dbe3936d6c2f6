"""The annual work report (工作报告): its metadata, narrative sections, and its signed versions."""

from django.conf import settings
from django.db import models

from accounts.models import Organization
from accounts.scoping import OrgScopedQuerySet
from assessment.models.selfassessment import SelfAssessment
from common.models import Versioned


class Report(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已签发"

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField("年度")
    assessment = models.ForeignKey(
        SelfAssessment, verbose_name="自评", on_delete=models.PROTECT, related_name="reports"
    )
    issuer_mark = models.CharField("发文机关标志", max_length=40, help_text="如：上海市长宁区生态环境局文件")
    doc_number = models.CharField("发文字号", max_length=40, help_text="如：长环保发〔2023〕15号")
    signatory = models.CharField("签发人", max_length=20)
    addressee = models.CharField("主送机关", max_length=100)
    title = models.CharField("标题", max_length=120)
    period_start = models.DateField("统计期间起")
    period_end = models.DateField("统计期间止")
    issuer_name = models.CharField("发文机关署名", max_length=60)
    written_on = models.DateField("成文日期")
    cc = models.CharField("抄送机关", max_length=200, blank=True)
    printed_by = models.CharField("印发机关", max_length=60)
    printed_on = models.DateField("印发日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作报告"
        verbose_name_plural = "工作报告"
        ordering = ["-year", "organization"]
        permissions = [("sign_report", "可以签发工作报告")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="report_unique_org_year"),
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")), name="report_period"),
        ]

    def __str__(self) -> str:
        return f"{self.organization.short_name}{self.year}年度工作报告"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class ReportSectionQuerySet(OrgScopedQuerySet):
    org_lookup = "report__organization"


class ReportSection(models.Model):
    class Level(models.IntegerChoices):
        NONE = 0, "无标题（续写段落）"
        FIRST = 1, "一级标题（一、）"
        SECOND = 2, "二级标题（（一））"
        THIRD = 3, "三级标题（1.）"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("序号")
    level = models.PositiveSmallIntegerField("标题层级", choices=Level.choices, default=Level.FIRST)
    heading = models.CharField("标题", max_length=100, blank=True)
    body = models.TextField("正文", blank=True, max_length=10000, help_text="空行分段；可使用占位符，如 {出动批次}")

    objects = ReportSectionQuerySet.as_manager()

    class Meta:
        verbose_name = "报告章节"
        verbose_name_plural = "报告章节"
        ordering = ["report", "order"]
        constraints = [models.UniqueConstraint(fields=["report", "order"], name="reportsection_unique_order")]

    def __str__(self) -> str:
        return self.heading or f"段落{self.order}"


class IssuedReportQuerySet(OrgScopedQuerySet):
    org_lookup = "report__organization"


class IssuedReport(models.Model):
    """A signed version: exactly these bytes are what everyone downloads from then on."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField("版本")
    pdf = models.BinaryField("签名PDF")
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveIntegerField("大小（字节）")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人账号", on_delete=models.PROTECT)
    signer_name = models.CharField("签发人", max_length=20)
    certificate_subject = models.CharField("签名证书", max_length=300)
    signed_at = models.DateTimeField("签发时间")
    superseded_at = models.DateTimeField("被更正时间", null=True, blank=True)

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        verbose_name = "已签发报告"
        verbose_name_plural = "已签发报告"
        ordering = ["report", "version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="issuedreport_unique_version")]

    def __str__(self) -> str:
        return f"{self.report} 第{self.version}版"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class SigningCredentialQuerySet(OrgScopedQuerySet):
    pass


class SigningCredential(models.Model):
    """The bureau's signing certificate (PKCS#12) and its passphrase, encrypted at rest with SECRET_KEY."""

    organization = models.OneToOneField(
        Organization, verbose_name="机构", on_delete=models.CASCADE, related_name="signing_credential"
    )
    pkcs12 = models.BinaryField("PKCS#12 证书文件")
    passphrase_encrypted = models.BinaryField("口令（加密保存）")
    # The signature's visible appearance on the report (checked and normalised by reports.seal).
    seal_image = models.BinaryField("印章图片（PNG）", default=b"", blank=True)
    subject = models.CharField("证书主体", max_length=300, editable=False)
    not_after = models.DateTimeField("有效期至", editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = SigningCredentialQuerySet.as_manager()

    class Meta:
        verbose_name = "签名证书"
        verbose_name_plural = "签名证书"

    def __str__(self) -> str:
        return f"{self.organization.short_name}：{self.subject}"


class ReportJobQuerySet(OrgScopedQuerySet):
    org_lookup = "report__organization"


class ReportJob(models.Model):
    """Rendering or signing that runs in the task worker; the page polls it for progress."""

    class Kind(models.TextChoices):
        PREVIEW = "preview", "生成预览"
        ISSUE = "issue", "签发"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    issued = models.ForeignKey(IssuedReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # where the request came from, for the audit trail of the sign-off the worker performs later
    requested_from = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.report}（{self.get_status_display()}）"
