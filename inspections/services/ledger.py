"""Write a checked ledger into one organisation, all of it or (on any problem) none of it.

Records are keyed as the ledger keys them (出动编号, 出动编号 + 统一社会信用代码, 案件编号, 资产编号,
培训日期 + 培训主题): a key already present updates that record, a new key adds one, and a row equal
to what is stored changes nothing, so importing the same file twice is harmless. Nothing is deleted.

An import is a bulk operation on the current values: the workbook carries no versions, so its rows are not
checked against one. Every record it changes gets a new version (``version = version + 1``), so an edit page
opened before the import is refused as stale instead of silently undoing the import; and the whole import is
one audit event with its counts (docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import models, transaction
from django.db.models import F

from accounts.models import Organization, User
from audit import services as audit
from audit.models import AuditEvent
from inspections.ledger.layout import CASES, DISPATCHES, EQUIPMENT, INSPECTIONS, OFFICERS, SHEETS, TRAININGS
from inspections.ledger.reader import MAX_LISTED_PROBLEMS, read_ledger
from inspections.ledger.rows import EquipmentRow, Ledger, LedgerError, Problem, TrainingRow
from inspections.models import Dispatch, Equipment, Inspection, Officer, PenaltyCase, PollutionSource, Training
from inspections.services import ledger_roster as roster

# Keeps every IN (...) list well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


@dataclass
class SheetOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportSummary:
    sheets: dict[str, SheetOutcome] = field(default_factory=dict)
    sources_created: int = 0
    # dispatch officer names that are not exactly one officer of the roster nor one user: kept as names
    unmatched_officers: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheets": {title: vars(outcome) for title, outcome in self.sheets.items()},
            "sources_created": self.sources_created,
            "unmatched_officers": self.unmatched_officers,
        }

    @property
    def changed(self) -> int:
        return sum(o.created + o.updated for o in self.sheets.values()) + self.sources_created


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """The stored summary (``ImportSummary.as_dict``) as sentences for pages and the command line."""
    sheets = summary.get("sheets", {})
    # In the workbook's order: PostgreSQL's jsonb does not keep the order of keys.
    lines = [
        f"{title}：新增{o['created']}条，更新{o['updated']}条，未变化{o['unchanged']}条"
        for title, o in ((s.title, sheets[s.title]) for s in SHEETS if s.title in sheets)
    ]
    if summary.get("sources_created"):
        lines.append(f"新建污染源{summary['sources_created']}个（按统一社会信用代码匹配）")
    unmatched = summary.get("unmatched_officers") or {}
    if unmatched.get("count"):
        more = f"等{unmatched['count']}个" if unmatched["count"] > len(unmatched["names"]) else ""
        lines.append(
            f"执法出动中未能与执法人员名录对应的姓名（名录中没有或有重名，已按姓名保留）："
            f"{'、'.join(unmatched['names'])}{more}"
        )
    return lines


def read_ledger_for_import(
    *,
    organization: Organization,
    data: bytes,
    max_bytes: int,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Ledger:
    """The workbook's rows for ``import_ledger``; raises LedgerError listing every problem of the file.

    The reader cannot see the database, so when cells are wrong the 出动编号 check is run here on the rows
    it kept and its problems join the list: the user gets every bad row in one pass, not the cells first and
    the unknown dispatches after the next upload. Nothing is written either way.
    """
    try:
        return read_ledger(data, max_bytes=max_bytes, progress=progress, on_total=on_total)
    except LedgerError as exc:
        if exc.ledger is None:  # the file itself is refused: there are no rows to check
            raise
        raise _listed([*exc.problems, *_reference_problems(organization, exc.ledger)], exc.unlisted) from None


def _listed(problems: list[Problem], unlisted: int = 0) -> LedgerError:
    """One error with its problems in workbook order (sheet, then row), no more listed than the reader lists."""
    order = {sheet.title: index for index, sheet in enumerate(SHEETS)}
    problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))  # stable: a row's cells stay in order
    left_off = max(len(problems) - MAX_LISTED_PROBLEMS, 0)
    return LedgerError(problems[:MAX_LISTED_PROBLEMS], unlisted + left_off)


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


@transaction.atomic
def import_ledger(
    *, organization: Organization, ledger: Ledger, actor: User | None = None, job: models.Model | None = None
) -> ImportSummary:
    # One import at a time per organisation, so two uploads of one file cannot both add its records.
    Organization.objects.select_for_update().filter(pk=organization.pk).exists()
    _check_dispatch_references(organization, ledger)
    summary = ImportSummary()
    sources = _sources(organization, ledger, summary)
    present = set(ledger.sheets)
    # the roster first: the dispatches of the same file name its officers
    if OFFICERS.title in present:
        summary.sheets[OFFICERS.title] = _upsert(
            Officer, organization, ("certificate_number",), roster.officer_records(organization, ledger)
        )
    if DISPATCHES.title in present:
        summary.sheets[DISPATCHES.title] = _dispatches(organization, ledger, summary)
    if INSPECTIONS.title in present:
        dispatch_ids = _key_map(
            Dispatch, organization, ("number",), sorted({r.dispatch_number for r in ledger.inspections})
        )
        summary.sheets[INSPECTIONS.title] = _upsert(
            Inspection,
            organization,
            ("dispatch_id", "source_id"),
            (
                {
                    "dispatch_id": dispatch_ids[(r.dispatch_number,)],
                    "source_id": sources[r.credit_code],
                    "inspected_on": r.inspected_on,
                    "result": r.result,
                    "findings": r.findings,
                }
                for r in ledger.inspections
            ),
        )
    if CASES.title in present:
        item_ids = roster.exemption_item_ids(ledger)
        summary.sheets[CASES.title] = _upsert(
            PenaltyCase,
            organization,
            ("case_number",),
            (
                {
                    "case_number": r.case_number,
                    "source_id": sources[r.credit_code],
                    "violation_type": r.violation_type,
                    "filed_on": r.filed_on,
                    "decided_on": r.decided_on,
                    "outcome": r.outcome,
                    "fine_yuan": r.fine_yuan,
                    "transferred_to_police": r.transferred,
                    **roster.case_procedure_fields(r.procedure, item_ids),
                }
                for r in ledger.cases
            ),
        )
    if EQUIPMENT.title in present:
        summary.sheets[EQUIPMENT.title] = _upsert(
            Equipment, organization, ("asset_number",), (_model_fields(r) for r in ledger.equipment)
        )
    if TRAININGS.title in present:
        summary.sheets[TRAININGS.title] = _upsert(
            Training, organization, ("held_on", "topic"), (_model_fields(r) for r in ledger.trainings)
        )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.IMPORT,
        obj=job,
        organization=organization,
        note="导入执法台账：" + ("；".join(summary_lines(summary.as_dict())) or "没有记录"),
    )
    return summary


def _model_fields(row: EquipmentRow | TrainingRow) -> dict[str, Any]:
    """These rows name their fields as the model does; ``row`` is the sheet row number, not a field."""
    return {f.name: getattr(row, f.name) for f in fields(row) if f.name != "row"}


def _check_dispatch_references(organization: Organization, ledger: Ledger) -> None:
    if problems := _reference_problems(organization, ledger):
        raise _listed(problems)


def _reference_problems(organization: Organization, ledger: Ledger) -> list[Problem]:
    """Rows naming what does not exist: an unknown 出动编号, 免罚清单序号 or 部门."""
    return [*_dispatch_reference_problems(organization, ledger), *roster.reference_problems(organization, ledger)]


def _dispatch_reference_problems(organization: Organization, ledger: Ledger) -> list[Problem]:
    """Inspection rows whose 出动编号 is neither in the file nor one of the organisation's dispatches."""
    if DISPATCHES.title in ledger.unread_sheets:
        # Its header is wrong, so which dispatches the file holds is unknown: reporting every inspection
        # would bury the one problem that matters under thousands that are not.
        return []
    in_file = ledger.dispatch_numbers()
    references = list(ledger.dispatch_references())
    elsewhere = sorted({number for _, number in references} - in_file)
    stored: set[str] = set()
    for chunk in _chunks(elsewhere):
        stored.update(
            Dispatch.objects.filter(organization=organization, number__in=chunk).values_list("number", flat=True)
        )
    return [
        Problem(
            INSPECTIONS.title,
            row,
            "出动编号",
            f"出动编号“{number}”既不在“{DISPATCHES.title}”工作表中，也不是本单位已有的出动记录",
        )
        for row, number in references
        if number not in in_file and number not in stored
    ]


def _key_map(
    model: type[models.Model], organization: Organization, key_fields: tuple[str, ...], first_values: Sequence[Any]
) -> dict[tuple, int]:
    """pk of each stored record whose first key field is among ``first_values``, by its whole key."""
    found: dict[tuple, int] = {}
    for chunk in _chunks(first_values):
        rows = model.objects.filter(organization=organization, **{f"{key_fields[0]}__in": chunk})
        for pk, *key in rows.values_list("pk", *key_fields):
            found[tuple(key)] = pk
    return found


def _sources(organization: Organization, ledger: Ledger, summary: ImportSummary) -> dict[str, int]:
    """Each credit code's source, created (named as in its first row) when the organisation has none."""
    names: dict[str, str] = {}
    for row in (*ledger.inspections, *ledger.cases):
        names.setdefault(row.credit_code, row.source_name)
    codes = sorted(names)
    known = _key_map(PollutionSource, organization, ("credit_code",), codes)
    missing = [code for code in codes if (code,) not in known]
    PollutionSource.objects.bulk_create(
        [PollutionSource(organization=organization, credit_code=code, name=names[code]) for code in missing],
        batch_size=CHUNK,
    )
    summary.sources_created = len(missing)
    if missing:
        known.update(_key_map(PollutionSource, organization, ("credit_code",), missing))
    return {code: pk for (code,), pk in known.items()}


def _upsert(
    model: type[models.Model],
    organization: Organization,
    key_fields: tuple[str, ...],
    records: Iterable[dict[str, Any]],
    *,
    compare_extra: dict[tuple, Any] | None = None,
    stored_extra: dict[int, Any] | None = None,
) -> SheetOutcome:
    """Add the records whose key is new, update those that differ, leave equal ones alone.

    ``compare_extra``/``stored_extra`` let the caller count a difference outside the model's own
    fields (a dispatch's officers) as a change: by key in the file, by pk in the database.
    """
    records = list(records)
    outcome = SheetOutcome()
    if not records:
        return outcome
    names = list(records[0])
    value_fields = [f for f in names if f not in key_fields]
    stored: dict[tuple, tuple[int, dict[str, Any]]] = {}
    for chunk in _chunks(sorted({r[key_fields[0]] for r in records})):
        rows = model.objects.filter(organization=organization, **{f"{key_fields[0]}__in": chunk})
        for pk, *values in rows.values_list("pk", *names):
            current = dict(zip(names, values, strict=True))
            stored[tuple(current[k] for k in key_fields)] = (pk, current)
    to_create, to_update = [], []
    for record in records:
        key = tuple(record[k] for k in key_fields)
        if key not in stored:
            to_create.append(record)
            continue
        pk, current = stored[key]
        extra_differs = compare_extra is not None and compare_extra.get(key) != (stored_extra or {}).get(pk)
        if extra_differs or any(current[f] != record[f] for f in value_fields):
            to_update.append(record | {"pk": pk})
        else:
            outcome.unchanged += 1
    # Model instances are made a chunk at a time: 100,000 of them at once would take hundreds of MB.
    for chunk in _chunks(to_create):
        model.objects.bulk_create([model(organization=organization, **r) for r in chunk])
    versioned = any(f.name == "version" for f in model._meta.concrete_fields)
    for chunk in _chunks(to_update if value_fields else []):
        rows = [model(organization=organization, **r) for r in chunk]
        if versioned:  # an edit page opened before the import is stale now
            for row in rows:
                row.version = F("version") + 1
        model.objects.bulk_update(rows, [*value_fields, "version"] if versioned else value_fields)
    outcome.created, outcome.updated = len(to_create), len(to_update)
    return outcome


def _dispatches(organization: Organization, ledger: Ledger, summary: ImportSummary) -> SheetOutcome:
    matcher = roster.OfficerMatcher(organization)
    # (roster officer ids, user ids) per dispatch: a change in either is a change of the dispatch
    wanted: dict[tuple, tuple[frozenset[int], frozenset[int]]] = {}
    records = []
    for r in ledger.dispatches:
        officers, users, names = matcher.match(r.officers)
        wanted[(r.number,)] = (officers, users)
        records.append(
            {
                "number": r.number,
                "dispatched_on": r.dispatched_on,
                "officer_count": r.officer_count,
                "officer_names": "、".join(names),
                "task_type": r.task_type,
                "note": r.note,
            }
        )
    summary.unmatched_officers = matcher.unmatched_summary()
    numbers = sorted(wanted)
    before = _key_map(Dispatch, organization, ("number",), [n for (n,) in numbers])
    throughs = (Dispatch.officers.through, "officer_id"), (Dispatch.officer_users.through, "user_id")
    stored_sets: list[dict[int, frozenset[int]]] = []
    for through, column in throughs:
        stored: dict[int, set[int]] = {pk: set() for pk in before.values()}
        for chunk in _chunks(list(before.values())):
            for dispatch_id, other_id in through.objects.filter(dispatch_id__in=chunk).values_list(
                "dispatch_id", column
            ):
                stored[dispatch_id].add(other_id)
        stored_sets.append({pk: frozenset(ids) for pk, ids in stored.items()})
    stored_links = {pk: (stored_sets[0][pk], stored_sets[1][pk]) for pk in before.values()}
    outcome = _upsert(Dispatch, organization, ("number",), records, compare_extra=wanted, stored_extra=stored_links)
    after = _key_map(Dispatch, organization, ("number",), [n for (n,) in numbers])
    nothing = (frozenset(), frozenset())
    changed = [pk for key, pk in after.items() if stored_links.get(pk, nothing) != wanted[key]]
    by_pk = {pk: wanted[key] for key, pk in after.items()}
    for index, (through, column) in enumerate(throughs):
        for chunk in _chunks(changed):
            through.objects.filter(dispatch_id__in=chunk).delete()
        through.objects.bulk_create(
            [through(dispatch_id=pk, **{column: other}) for pk in changed for other in by_pk[pk][index]],
            batch_size=CHUNK,
        )
    return outcome
