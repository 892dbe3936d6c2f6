"""Sheets and columns of the ledger workbook, shared by the reader, the writer and the template."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from inspections.models import Dispatch, Equipment, Inspection, PenaltyCase, Training


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

SHEETS: tuple[Sheet, ...] = (DISPATCHES, INSPECTIONS, CASES, EQUIPMENT, TRAININGS)
