"""Sheets and columns of the ledger workbook, shared by the reader, the writer and the template."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from inspections.models import Dispatch, Equipment, ExemptionListItem, Inspection, Officer, PenaltyCase, Training
from inspections.procedure.models import ExemptionGround


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    COUNT = "count"  # a whole number ≥ 0
    MONEY = "money"  # yuan, at most two decimals
    HOURS = "hours"  # at most one decimal
    CHOICE = "choice"
    YES_NO = "yes_no"
    CREDIT_CODE = "credit_code"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT
    required: bool = True
    max_length: int | None = None
    # Chinese label → stored value, for CHOICE columns
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int = 0
    maximum: int = 999
    width: int = 14
    # A column added after the first ledgers were made: a file without its header still imports (and leaves
    # the stored values alone), a file with it must hold valid values.
    optional: bool = False

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.choices]


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    # The headers whose values identify a record: the same key twice in one file is an error, and a key
    # already in the database updates that record instead of adding one.
    key: tuple[str, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


def _labels(choices: type[models.TextChoices], *, skip_blank: bool = False) -> tuple[tuple[str, str], ...]:
    return tuple((str(label), value) for value, label in choices.choices if not (skip_blank and value == ""))


def _length(model: type[models.Model], field: str) -> int:
    return model._meta.get_field(field).max_length


def _optional(header: str, kind: Kind = Kind.TEXT, **kw) -> Column:
    return Column(header, kind, required=False, optional=True, **kw)


#: The penalty procedure's columns of the 行政处罚 sheet (header → PenaltyCase field), all optional: older
#: ledgers without them still import. ``procedure.rules`` checks the values, naming these headers.
PROCEDURE_FIELDS: dict[str, str] = {
    "调查终结日期": "investigation_ended_on",
    "重大案件": "is_major",
    "法制审核人": "legal_reviewer",
    "法制审核日期": "legal_reviewed_on",
    "告知日期": "notified_on",
    "陈述申辩": "statement_made",
    "要求听证": "hearing_requested",
    "听证日期": "hearing_on",
    "延长决定期限（天）": "extension_days",
    "延期理由": "extension_reason",
    "送达日期": "delivered_on",
    "已缴罚款（元）": "paid_yuan",
    "缴纳日期": "paid_on",
    "加处罚款（元）": "surcharge_yuan",
    "免罚依据": "exemption_ground",
    "免罚清单序号": "exemption_item",
    "移送日期": "transferred_on",
    "接收机关": "transferred_to",
}
PROCEDURE_COLUMNS = (
    _optional("调查终结日期", Kind.DATE, width=12),
    _optional("重大案件", Kind.YES_NO, width=10),
    _optional("法制审核人", max_length=_length(PenaltyCase, "legal_reviewer"), width=12),
    _optional("法制审核日期", Kind.DATE, width=12),
    _optional("告知日期", Kind.DATE, width=12),
    _optional("陈述申辩", Kind.YES_NO, width=10),
    _optional("要求听证", Kind.YES_NO, width=10),
    _optional("听证日期", Kind.DATE, width=12),
    _optional("延长决定期限（天）", Kind.COUNT, width=12),
    _optional("延期理由", max_length=_length(PenaltyCase, "extension_reason"), width=24),
    _optional("送达日期", Kind.DATE, width=12),
    _optional("已缴罚款（元）", Kind.MONEY, width=14),
    _optional("缴纳日期", Kind.DATE, width=12),
    _optional("加处罚款（元）", Kind.MONEY, width=14),
    _optional("免罚依据", Kind.CHOICE, choices=_labels(ExemptionGround, skip_blank=True), width=14),
    _optional("免罚清单序号", max_length=_length(ExemptionListItem, "code"), width=12),
    _optional("移送日期", Kind.DATE, width=12),
    _optional("接收机关", max_length=_length(PenaltyCase, "transferred_to"), width=24),
)


DISPATCHES = Sheet(
    title="执法出动",
    columns=(
        Column("出动编号", max_length=_length(Dispatch, "number"), width=16),
        Column("出动日期", Kind.DATE, width=12),
        Column("出动人数", Kind.COUNT, minimum=1, width=10),
        Column("执法人员", required=False, max_length=300, width=24),
        Column("任务类型", Kind.CHOICE, choices=_labels(Dispatch.TaskType), width=12),
        Column("备注", required=False, max_length=1000, width=30),
    ),
    key=("出动编号",),
)

INSPECTIONS = Sheet(
    title="污染源检查",
    columns=(
        Column("出动编号", max_length=_length(Dispatch, "number"), width=16),
        Column("检查日期", Kind.DATE, width=12),
        Column("单位名称", max_length=200, width=30),
        Column("统一社会信用代码", Kind.CREDIT_CODE, width=22),
        Column("检查结果", Kind.CHOICE, choices=_labels(Inspection.Result), width=14),
        Column("问题描述", required=False, max_length=1000, width=36),
    ),
    key=("出动编号", "统一社会信用代码"),
)

CASES = Sheet(
    title="行政处罚",
    columns=(
        Column("案件编号", max_length=_length(PenaltyCase, "case_number"), width=20),
        Column("单位名称", max_length=200, width=30),
        Column("统一社会信用代码", Kind.CREDIT_CODE, width=22),
        Column("违法行为类型", max_length=_length(PenaltyCase, "violation_type"), width=26),
        Column("立案日期", Kind.DATE, width=12),
        Column("决定日期", Kind.DATE, required=False, width=12),
        Column(
            "处理结果", Kind.CHOICE, required=False, choices=_labels(PenaltyCase.Outcome, skip_blank=True), width=12
        ),
        Column("罚款金额（元）", Kind.MONEY, required=False, width=14),
        Column("是否移送公安", Kind.YES_NO, required=False, width=12),
        *PROCEDURE_COLUMNS,
    ),
    key=("案件编号",),
)

EQUIPMENT = Sheet(
    title="执法装备",
    columns=(
        Column("资产编号", max_length=_length(Equipment, "asset_number"), width=18),
        Column("装备名称", max_length=_length(Equipment, "name"), width=24),
        Column("类别", Kind.CHOICE, choices=_labels(Equipment.Category), width=14),
        Column("购置日期", Kind.DATE, width=12),
        Column("状态", Kind.CHOICE, choices=_labels(Equipment.Status), width=10),
    ),
    key=("资产编号",),
)

TRAININGS = Sheet(
    title="培训记录",
    columns=(
        Column("培训日期", Kind.DATE, width=12),
        Column("培训主题", max_length=_length(Training, "topic"), width=36),
        Column("培训类别", Kind.CHOICE, choices=_labels(Training.Category), width=12),
        Column("承办单位", required=False, max_length=_length(Training, "organiser"), width=24),
        Column("参训人数", Kind.COUNT, maximum=100_000, width=10),
        Column("学时", Kind.HOURS, width=8),
    ),
    key=("培训日期", "培训主题"),
)

OFFICERS = Sheet(
    title="执法人员",
    columns=(
        Column("姓名", max_length=_length(Officer, "name"), width=12),
        Column("部门", required=False, max_length=100, width=16),
        Column("执法证号", max_length=_length(Officer, "certificate_number"), width=20),
        Column("有效期起", Kind.DATE, width=12),
        Column("有效期止", Kind.DATE, width=12),
        Column("状态", Kind.CHOICE, choices=_labels(Officer.Status), width=10),
    ),
    key=("执法证号",),
)

SHEETS: tuple[Sheet, ...] = (DISPATCHES, INSPECTIONS, CASES, EQUIPMENT, TRAININGS, OFFICERS)
