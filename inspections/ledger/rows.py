"""What reading a ledger produces: checked rows per sheet, or the problems found."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    reason: str
    cell: str = ""

    @property
    def message(self) -> str:
        where = f"工作表“{self.sheet}”" if self.sheet else ""
        if self.row is not None:
            where += f"第{self.row}行"
        if self.column:
            where += f"“{self.column}”列" + (f"（{self.cell}）" if self.cell else "")
        return f"{where}：{self.reason}" if where else self.reason

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class LedgerError(Exception):
    """The ledger cannot be imported; ``problems`` lists why, ``unlisted`` counts the ones left off.

    ``ledger`` holds the rows that could be read when the problems are in cells (None when the file itself
    is refused), so that the checks which need the database can still report their rows in the same list.
    """

    def __init__(self, problems: list[Problem], unlisted: int = 0, *, ledger: Ledger | None = None):
        self.problems = problems
        self.unlisted = unlisted
        self.ledger = ledger
        super().__init__(f"台账有{len(problems) + unlisted}处错误")


@dataclass(frozen=True, slots=True)
class DispatchRow:
    row: int
    number: str
    dispatched_on: date
    officer_count: int
    officers: tuple[str, ...]
    task_type: str
    note: str


@dataclass(frozen=True, slots=True)
class InspectionRow:
    row: int
    dispatch_number: str
    inspected_on: date
    source_name: str
    credit_code: str
    result: str
    findings: str


@dataclass(frozen=True, slots=True)
class CaseRow:
    row: int
    case_number: str
    source_name: str
    credit_code: str
    violation_type: str
    filed_on: date
    decided_on: date | None
    outcome: str
    fine_yuan: Decimal
    transferred: bool
    # the procedure's optional columns present in the file, by PenaltyCase field (an exemption item by its 序号)
    procedure: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EquipmentRow:
    row: int
    asset_number: str
    name: str
    category: str
    purchased_on: date
    status: str


@dataclass(frozen=True, slots=True)
class TrainingRow:
    row: int
    held_on: date
    topic: str
    category: str
    organiser: str
    attendees: int
    hours: Decimal


@dataclass(frozen=True, slots=True)
class OfficerRow:
    row: int
    name: str
    department: str
    certificate_number: str
    certificate_valid_from: date
    certificate_valid_to: date
    status: str


@dataclass
class Ledger:
    dispatches: list[DispatchRow] = field(default_factory=list)
    inspections: list[InspectionRow] = field(default_factory=list)
    cases: list[CaseRow] = field(default_factory=list)
    equipment: list[EquipmentRow] = field(default_factory=list)
    trainings: list[TrainingRow] = field(default_factory=list)
    officers: list[OfficerRow] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    # the headers each read sheet has: an optional column missing from a file leaves its stored values alone
    columns: dict[str, frozenset[str]] = field(default_factory=dict)
    # Filled only while problems are found, for the 出动编号 check: a dispatch row refused for its date still
    # names a dispatch that is in the file, and an inspection row refused for its credit code may also point
    # at an unknown dispatch; both are reported at once rather than one after the other.
    refused_dispatch_numbers: set[str] = field(default_factory=set)
    refused_references: list[tuple[int, str]] = field(default_factory=list)
    # Sheets whose header row was refused: none of their rows were read.
    unread_sheets: set[str] = field(default_factory=set)

    @property
    def row_count(self) -> int:
        return sum(
            map(len, (self.dispatches, self.inspections, self.cases, self.equipment, self.trainings, self.officers))
        )

    def dispatch_numbers(self) -> set[str]:
        """Every 出动编号 the 执法出动 sheet names, its refused rows included."""
        return {r.number for r in self.dispatches} | self.refused_dispatch_numbers

    def dispatch_references(self) -> Iterator[tuple[int, str]]:
        """(row, 出动编号) of every 污染源检查 row that names one, in row order."""
        # both lists are in row order already: merged, not sorted, so 100,000 rows cost no extra copy
        return heapq.merge(((r.row, r.dispatch_number) for r in self.inspections), self.refused_references)
