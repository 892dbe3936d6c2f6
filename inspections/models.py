"""Enforcement records of one organisation: sources, dispatches, inspections, penalty cases, equipment,
training, and the ledger imports that bring them in.

Every model holds its organisation directly so that ``OrgScopedQuerySet`` scopes it with one filter.
Each record belongs to a period by its own date (``PERIOD_DATE``), a rule shared by the lists, the
statistics and the ledger export.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from accounts.models import Department, Organization
from accounts.scoping import OrgScopedQuerySet
from common.models import Record

# These imports register the roster's and the procedure's models with this app; the names are re-exported.
from inspections.procedure import periods
from inspections.procedure.models import (  # noqa: F401
    PROCEDURE_CONSTRAINTS,
    CaseMeasure,
    ExemptionListItem,
    PenaltyProcedure,
)
from inspections.querysets import RecordQuerySet
from inspections.review.models import CaseFileReview, ReviewItem, ReviewResult  # noqa: F401
from inspections.roster.models import DrillResult, Officer, TrainingAttendance  # noqa: F401
from inspections.validators import validate_credit_code

ZERO = Decimal("0")


class PollutionSource(Record):
    class Category(models.TextChoices):
        KEY = "key", "重点"
        GENERAL = "general", "一般"
        SPECIAL = "special", "特殊"

    name = models.CharField("单位名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, validators=[validate_credit_code], help_text="18位，按GB 32100-2015校验"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    industry = models.CharField("行业", max_length=100, blank=True)
    category = models.CharField("监管类别", max_length=20, choices=Category.choices, default=Category.GENERAL)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "污染源"
        verbose_name_plural = "污染源"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "credit_code"], name="source_unique_code_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


class Dispatch(Record):
    class TaskType(models.TextChoices):
        ROUTINE = "routine", "日常监管"
        SPECIAL = "special", "专项执法"
        COMPLAINT = "complaint", "信访投诉"
        RANDOM = "random", "双随机抽查"
        OTHER = "other", "其他"

    PERIOD_DATE = F("dispatched_on")

    number = models.CharField("出动编号", max_length=40)
    dispatched_on = models.DateField("出动日期", db_index=True)
    officer_count = models.PositiveSmallIntegerField(
        "出动人数", validators=[MinValueValidator(1), MaxValueValidator(999)], help_text="计入“人次”"
    )
    officer_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="执法人员（本单位用户）", blank=True, related_name="dispatches"
    )
    officers = models.ManyToManyField(Officer, verbose_name="执法人员（名录）", blank=True, related_name="dispatches")
    officer_names = models.CharField(
        "执法人员（其他）", max_length=300, blank=True, help_text="不是本系统用户的执法人员姓名，用顿号分隔"
    )
    task_type = models.CharField("任务类型", max_length=20, choices=TaskType.choices, default=TaskType.ROUTINE)
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.SET_NULL, null=True, blank=True, related_name="dispatches"
    )
    note = models.TextField("备注", max_length=1000, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "执法出动"
        verbose_name_plural = "执法出动"
        ordering = ["-dispatched_on", "-number"]
        indexes = [
            # One organisation's dispatches in the list's order (read backwards), and a period's count and 人次
            # from the index alone (docs/performance.md).
            # (officer_count is a key column rather than INCLUDE: SQLite has no covering indexes)
            models.Index(
                fields=["organization", "dispatched_on", "number", "id", "officer_count"], name="dispatch_org_date"
            ),
            # the dashboard's "entered this month"
            models.Index(fields=["organization", "created_at"], name="dispatch_org_created"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="dispatch_unique_number_per_org"),
            models.CheckConstraint(
                condition=Q(officer_count__gte=1),
                name="dispatch_officers_positive",
                violation_error_message="出动人数至少为1。",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def officer_list(self) -> list[str]:
        """Roster officers first, then users, then the other names, as the ledger's 执法人员 column lists them."""
        # Sorted here (not in the query) so that a prefetched list and a fresh query agree.
        names = [o.name for o in sorted(self.officers.all(), key=lambda o: o.pk)]
        names += [n for n in (str(u) for u in sorted(self.officer_users.all(), key=lambda u: u.pk)) if n not in names]
        return names + [n for n in split_names(self.officer_names) if n not in names]

    @property
    def officers_text(self) -> str:
        return "、".join(self.officer_list())


def split_names(text: str) -> list[str]:
    """Names separated the ways people type lists in Chinese: 、，, ；; or spaces."""
    for separator in "，,；;\u3000 \n":
        text = text.replace(separator, "、")
    return [n for n in (part.strip() for part in text.split("、")) if n]


class Inspection(Record):
    class Result(models.TextChoices):
        CLEAR = "clear", "未发现问题"
        VIOLATION = "violation", "发现违法行为"

    PERIOD_DATE = F("inspected_on")

    dispatch = models.ForeignKey(
        Dispatch, verbose_name="执法出动", on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField("检查日期", db_index=True)
    source = models.ForeignKey(
        PollutionSource, verbose_name="污染源", on_delete=models.PROTECT, related_name="inspections"
    )
    result = models.CharField("检查结果", max_length=20, choices=Result.choices, default=Result.CLEAR)
    findings = models.TextField("问题描述", max_length=1000, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "污染源检查"
        verbose_name_plural = "污染源检查"
        ordering = ["-inspected_on", "-pk"]
        indexes = [
            # One organisation's checks in the list's order (read backwards), and a period's 户次 and violations
            # from the index alone (docs/performance.md).
            models.Index(fields=["organization", "inspected_on", "id", "result"], name="inspection_org_date"),
            # the dashboard's "entered this month"
            models.Index(fields=["organization", "created_at"], name="inspection_org_created"),
        ]
        constraints = [
            # One outing checks a source once: the ledger keys inspections by (出动编号, 统一社会信用代码).
            models.UniqueConstraint(fields=["dispatch", "source"], name="inspection_unique_source_per_dispatch"),
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.source}"


class PartyKind(models.TextChoices):
    """Who a penalty decision is against; decides how 执法公示 shows the name (disclosure/masking.py)."""

    LEGAL_ENTITY = "legal_entity", "法人或其他组织"
    SOLE_TRADER = "sole_trader", "个体工商户（有字号）"
    # registered under the operator's own name: the name is a person's and is masked like one
    SOLE_TRADER_PERSONAL = "sole_trader_personal", "个体工商户（以经营者姓名登记）"
    NATURAL_PERSON = "natural_person", "自然人"


class PenaltyCase(Record, PenaltyProcedure):
    PartyKind = PartyKind

    class Outcome(models.TextChoices):
        PENDING = "", "未决定"
        FINED = "fined", "罚款"
        EXEMPTED = "exempted", "免于处罚"
        NOT_PENALISED = "not_penalised", "不予处罚"

    # A case counts in the period of its decision; one not yet decided counts in that of its filing.
    PERIOD_DATE = Coalesce("decided_on", "filed_on")

    case_number = models.CharField("案件编号", max_length=60)
    source = models.ForeignKey(PollutionSource, verbose_name="当事单位", on_delete=models.PROTECT, related_name="cases")
    violation_type = models.CharField("违法行为类型", max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name="承办部门",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="penalty_cases",
    )
    filed_on = models.DateField("立案日期")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    outcome = models.CharField("处理结果", max_length=20, choices=Outcome.choices, default=Outcome.PENDING, blank=True)
    fine_yuan = models.DecimalField(
        "罚款金额（元）", max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    transferred_to_police = models.BooleanField("移送公安（行刑衔接）", default=False)
    # What 执法公示 publishes of the decision (disclosure/public_fields.py says which of these are public).
    party_kind = models.CharField(
        "当事人类型", max_length=30, choices=PartyKind.choices, default=PartyKind.LEGAL_ENTITY
    )
    party_name = models.CharField(
        "当事人名称或姓名", max_length=200, blank=True, help_text="留空则为当事单位（污染源）的名称"
    )
    party_id_number = models.CharField(
        "当事人身份证件号码", max_length=30, blank=True, help_text="不公开：不出现在任何公示页面、订阅或下载中"
    )
    party_phone = models.CharField("当事人联系电话", max_length=30, blank=True, help_text="不公开")
    party_address = models.CharField("当事人住址", max_length=200, blank=True, help_text="不公开")
    decision_document_number = models.CharField(
        "处罚决定书文号", max_length=60, blank=True, help_text="如：长环罚〔2024〕12号；公示时必填"
    )
    violation_facts = models.TextField("主要违法事实", max_length=2000, blank=True)
    penalty_legal_basis = models.TextField("处罚依据", max_length=1000, blank=True, help_text="公示时必填")
    penalty_content = models.CharField(
        "处罚内容", max_length=300, blank=True, help_text="如：罚款人民币五万元；留空则按处理结果和罚款金额写出"
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "行政处罚案件"
        verbose_name_plural = "行政处罚案件"
        ordering = ["-filed_on", "-case_number"]
        indexes = [
            # one organisation's cases in the list's order (read backwards)
            models.Index(fields=["organization", "filed_on", "case_number", "id"], name="case_org_filed"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "case_number"], name="case_unique_number_per_org"),
            models.CheckConstraint(
                condition=Q(fine_yuan__gte=0),
                name="case_fine_not_negative",
                violation_error_message="罚款金额不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("filed_on")),
                name="case_decided_after_filed",
                violation_error_message="决定日期不能早于立案日期。",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(decided_on__isnull=False, closed_on__gte=F("decided_on")),
                name="case_closed_after_decided",
                violation_error_message="结案日期须在决定日期之后（未作出决定的案件不能结案）。",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", decided_on__isnull=True) | (~Q(outcome="") & Q(decided_on__isnull=False)),
                name="case_outcome_with_decision",
                violation_error_message="已作出决定的案件须填写处理结果和决定日期，未决定的案件两者都不填。",
            ),
            models.CheckConstraint(
                condition=Q(outcome="fined", fine_yuan__gt=0) | (~Q(outcome="fined") & Q(fine_yuan=0)),
                name="case_fine_only_when_fined",
                violation_error_message="处理结果为“罚款”时罚款金额须大于0，其他处理结果罚款金额须为0。",
            ),
            *PROCEDURE_CONSTRAINTS,
        ]

    def __str__(self) -> str:
        return self.case_number

    def statutory_periods(self) -> tuple[periods.Period, ...]:
        return periods.case_periods(
            filed_on=self.filed_on,
            decided_on=self.decided_on,
            delivered_on=self.delivered_on,
            extension_days=self.extension_days,
        )


class Equipment(Record):
    class Category(models.TextChoices):
        DRONE = "drone", "无人机"
        THERMAL = "thermal", "红外热成像仪"
        BODY_CAMERA = "body_camera", "执法记录仪"
        TERMINAL = "terminal", "执法终端"
        MONITOR = "monitor", "便携式监测仪"
        VEHICLE = "vehicle", "执法车辆"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        IN_USE = "in_use", "在用"
        IDLE = "idle", "闲置"
        REPAIR = "repair", "维修"
        SCRAPPED = "scrapped", "报废"

    PERIOD_DATE = F("purchased_on")

    asset_number = models.CharField("资产编号", max_length=60)
    name = models.CharField("装备名称", max_length=100)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    purchased_on = models.DateField("购置日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.IN_USE)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "执法装备"
        verbose_name_plural = "执法装备"
        ordering = ["category", "asset_number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "asset_number"], name="equipment_unique_asset_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_number} {self.name}"


class EquipmentRequirement(models.Model):
    """The equipment standard the admins maintain (环办执法〔2024〕27号 装备配备标准): per category, the pieces a
    district must have, at least ``minimum`` and one per ``per_officers`` serving officers."""

    category = models.CharField("类别", max_length=20, choices=Equipment.Category.choices, unique=True)
    minimum = models.PositiveSmallIntegerField("最少数量", default=1)
    per_officers = models.PositiveSmallIntegerField(
        "每多少名执法人员一件", null=True, blank=True, help_text="按在岗执法人员数计算的配备比例；不按人数配备的留空"
    )
    basis = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "装备配备标准"
        verbose_name_plural = "装备配备标准"
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(
                condition=Q(per_officers__isnull=True) | Q(per_officers__gte=1),
                name="equipment_requirement_ratio_positive",
                violation_error_message="配备比例须至少为1。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ≥ {self.minimum}"


class Training(Record):
    class Category(models.TextChoices):
        LAW = "law", "法律法规"
        SKILLS = "skills", "业务技能"
        EQUIPMENT = "equipment", "装备使用"
        DRILL = "drill", "执法大练兵"
        OTHER = "other", "其他"

    PERIOD_DATE = F("held_on")

    held_on = models.DateField("培训日期")
    topic = models.CharField("培训主题", max_length=200)
    category = models.CharField("培训类别", max_length=20, choices=Category.choices, default=Category.SKILLS)
    organiser = models.CharField("承办单位", max_length=100, blank=True)
    attendees = models.PositiveIntegerField("参训人数", validators=[MaxValueValidator(100000)])
    hours = models.DecimalField(
        "学时", max_digits=5, decimal_places=1, default=ZERO, validators=[MinValueValidator(ZERO)]
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["-held_on", "topic"]
        constraints = [
            # The ledger has no training number: a training is the same one when its date and topic are.
            models.UniqueConstraint(fields=["organization", "held_on", "topic"], name="training_unique_per_day_topic"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


def ledger_upload_to(instance: LedgerImport, filename: str) -> str:
    # The stored name is chosen by services.start_ledger_import, never taken from the user.
    return filename


class LedgerImport(models.Model):
    """One uploaded ledger workbook and the background task that imports it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        SUCCEEDED = "succeeded", "导入成功"
        FAILED = "failed", "未导入"

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="ledger_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    # where the upload came from, for the audit trail of the import the worker performs later
    uploaded_from = models.GenericIPAddressField("上传地址", null=True, blank=True)
    original_name = models.CharField("文件名", max_length=255)
    file = models.FileField("文件", upload_to=ledger_upload_to, max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField("进度说明", max_length=100, blank=True)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已读行数", default=0)
    summary = models.JSONField("结果", default=dict, blank=True)
    # Every bad row as {"sheet", "row", "column", "reason"}; read only when the import has finished.
    errors = models.JSONField("错误", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "台账导入"
        verbose_name_plural = "台账导入"
        ordering = ["-created_at", "-pk"]
        permissions = [("import_ledger", "可以导入执法台账")]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        """Reading is most of the work: 0–90 % while reading, 100 % once written."""
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(90, self.rows_done * 90 // self.rows_total)
