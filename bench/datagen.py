"""The municipal-scale data set, with a fixed seed.

Two steps, each run in a child process against a benchmark database (bench/common.py):

    python -m bench.datagen base --out FILE
        migrate, seed_demo (the demo accounts, the standard, 长宁区's demo records and 2023 report, the demo
        PKI), then the other 14 districts of Shanghai with their departments and users. Done once, in a
        template database that the scaled databases are cloned from.

    python -m bench.datagen records --scale 1.0 --seed 20231022 --out FILE
        At scale 1: 1,000,000 inspections with their dispatches (about 909,000, one or two checks each, a few
        with none) and their officers, 64,000 pollution sources, 20,000 penalty cases, 4,800 pieces of
        equipment and 1,920 trainings over 16 districts and five years (2021–2025), written with COPY; and a
        self-assessment with every indicator scored for each district and year (80, not scaled).

Every record gets a ``created_at`` a few hours to days after its own date, as if typed in then.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.common import PASSWORD, setup_django, write_out

YEARS = (2021, 2022, 2023, 2024, 2025)
CURRENT_YEAR = YEARS[-1]  # its assessments are drafts; earlier ones are approved
# code, short name, 行政区划代码 (for the credit codes of its pollution sources)
DISTRICTS = [
    ("huangpu", "黄浦区", "310101"),
    ("xuhui", "徐汇区", "310104"),
    ("changning", "长宁区", "310105"),
    ("jingan", "静安区", "310106"),
    ("putuo", "普陀区", "310107"),
    ("hongkou", "虹口区", "310109"),
    ("yangpu", "杨浦区", "310110"),
    ("minhang", "闵行区", "310112"),
    ("baoshan", "宝山区", "310113"),
    ("jiading", "嘉定区", "310114"),
    ("pudong", "浦东新区", "310115"),
    ("jinshan", "金山区", "310116"),
    ("songjiang", "松江区", "310117"),
    ("qingpu", "青浦区", "310118"),
    ("fengxian", "奉贤区", "310120"),
    ("chongming", "崇明区", "310151"),
]
OFFICERS_PER_DISTRICT = 8
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "志强", "海峰", "丽娟", "晓东", "文斌", "振宇", "佳怡", "国庆", "思远", "明华", "建军"]

# Totals at scale 1 (the municipal scale), spread evenly over districts and years.
INSPECTIONS = 1_000_000
CASES = 20_000
SOURCES_PER_DISTRICT = 4_000
EQUIPMENT_PER_DISTRICT_YEAR = 60
TRAININGS_PER_DISTRICT_YEAR = 24
CHECKS_PER_DISPATCH = ((0, 0.03), (1, 0.83), (2, 0.14))  # mean 1.11 inspections per dispatch
SHANGHAI_OFFSET = "+08"


# --- base: districts and people ------------------------------------------------------------------------


def base() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts import roles
    from accounts.demo import ensure_demo_totp_device
    from accounts.models import Department, Organization, User
    from assessment.models import Standard

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=io.StringIO())
    city = Organization.objects.get(code="shanghai")
    password = make_password(PASSWORD)
    groups = {g.name: g for g in Group.objects.all()}
    made_users = 0
    for n, (code, short, _) in enumerate(DISTRICTS):
        org, _ = Organization.objects.get_or_create(
            code=code, defaults={"name": f"上海市{short}生态环境局", "short_name": short, "parent": city}
        )
        for name, kind in (
            ("执法大队", Department.Kind.ENFORCEMENT),
            ("办公室", Department.Kind.OFFICE),
            ("执法宣传科", Department.Kind.OFFICE),
        ):
            Department.objects.get_or_create(organization=org, name=name, defaults={"kind": kind})
        brigade = Department.objects.get(organization=org, name="执法大队")
        people = [(f"{code}_scorer", roles.SCORER, brigade, short[:2], "填报")]
        people.append((f"{code}_leader", roles.LEADER, None, short[:2], "领导"))
        people += [
            (f"{code}_officer_{i}", roles.SCORER, brigade, SURNAMES[(n + i) % len(SURNAMES)], GIVEN[i % len(GIVEN)])
            for i in range(1, OFFICERS_PER_DISTRICT + 1)
        ]
        for username, role, department, last, first in people:
            if User.objects.filter(username=username).exists():
                continue
            user = User.objects.create(
                username=username,
                password=password,
                organization=org,
                department=department,
                last_name=last,
                first_name=first,
            )
            user.groups.add(groups[role])
            made_users += 1
            if role == roles.LEADER:
                ensure_demo_totp_device(user)
    # The standard file's range starts in 2022; the benchmark's five years start in 2021, and each year needs
    # an assessment under it (only in the benchmark databases).
    Standard.objects.filter(year_from__gt=YEARS[0]).update(year_from=YEARS[0])
    call_command("create_demo_pki", stdout=io.StringIO())
    return {
        "organizations": Organization.objects.count(),
        "users_added": made_users,
        "seconds": round(time.perf_counter() - started, 2),
    }


# --- COPY ---------------------------------------------------------------------------------------------


def _field(value: object) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]], *, chunk: int = 50_000) -> int:
    """COPY rows into ``table`` (text format) in chunks; returns how many."""
    from django.db import connection

    count = 0
    buffer: list[str] = []

    def flush() -> None:
        if not buffer:
            return
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO("\n".join(buffer) + "\n")
            )
        buffer.clear()

    for row in rows:
        buffer.append("\t".join(_field(v) for v in row))
        count += 1
        if len(buffer) >= chunk:
            flush()
    flush()
    return count


def next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def reset_sequence(table: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


# --- records ------------------------------------------------------------------------------------------


def _working_days(year: int) -> list[date]:
    day, days = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(1)
    return days


def _entered(day: date, rng: random.Random) -> str:
    """When a record of ``day`` was typed in: that afternoon to three days later, Shanghai time."""
    moment = datetime(day.year, day.month, day.day, 16, 0) + timedelta(minutes=rng.randrange(0, 72 * 60))
    return moment.strftime("%Y-%m-%d %H:%M:%S") + SHANGHAI_OFFSET


def _credit_codes(region: str, count: int, taken: set[str]) -> Iterator[str]:
    from inspections.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

    body_alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    n = 0
    made = 0
    while made < count:
        n += 1
        value, digits = n * 7919 + 104729, []
        for _ in range(8):
            value, digit = divmod(value, len(body_alphabet))
            digits.append(body_alphabet[digit])
        body = "".join(digits)
        weighted = sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        org_check = {10: "X", 11: "0"}.get(11 - weighted % 11, str(11 - weighted % 11))
        first17 = "91" + region + body + org_check
        assert all(c in CREDIT_CODE_ALPHABET for c in first17)
        code = first17 + credit_code_check_character(first17)
        if code not in taken:
            taken.add(code)
            made += 1
            yield code


def _share(total: float, parts: int, index: int) -> int:
    """The index-th of ``parts`` near-equal whole shares of ``total`` (at least 1)."""
    whole = round(total)
    return max(1, whole * (index + 1) // parts - whole * index // parts)


@dataclass
class District:
    pk: int
    code: str
    short_name: str
    brigade: int
    officers: list[int]
    sources: list[int]


class Ids:
    """The next primary key of each table: rows are written with COPY, so their keys are chosen here."""

    def __init__(self, tables: Iterable[str]):
        self._next = {table: next_id(table) for table in tables}

    def __call__(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value


def records(*, scale: float, seed: int) -> dict[str, Any]:
    """The scaled records. Rows of all districts are written in date order, as a real database accumulates
    them day by day (ids grow with time, and one district's rows are spread over the whole table)."""
    from django.db import connection, transaction

    from accounts.models import Department, Organization, User
    from inspections.demo import INDUSTRIES, STREETS, WORDS
    from inspections.models import Dispatch, Equipment, Inspection, PenaltyCase, PollutionSource, Training

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    regions = {code: region for code, _, region in DISTRICTS}
    organizations = list(Organization.objects.filter(code__in=regions).order_by("code"))
    assert len(organizations) == len(DISTRICTS), "run the base step first"
    through = Dispatch.officer_users.through
    models = (PollutionSource, Dispatch, through, Inspection, PenaltyCase, Equipment, Training)
    ids = Ids(m._meta.db_table for m in models)
    started_all = time.perf_counter()

    def timed(name: str, rows: int, started: float) -> None:
        timings[name] = round(timings.get(name, 0) + time.perf_counter() - started, 2)
        counts[name] = counts.get(name, 0) + rows

    # pollution sources: registered before the first year, district by district
    started = time.perf_counter()
    districts: list[District] = []
    industries = [(industry, suffix, category) for industry, suffix, _, category in INDUSTRIES]
    rows = []
    for index, org in enumerate(organizations):
        taken = set(PollutionSource.objects.filter(organization=org).values_list("credit_code", flat=True))
        wanted = max(4, _share(SOURCES_PER_DISTRICT * len(organizations) * scale, len(organizations), index))
        sources = []
        for code in _credit_codes(regions[org.code], wanted, taken):
            industry, suffix, category = rng.choice(industries)
            pk = ids(PollutionSource._meta.db_table)
            sources.append(pk)
            rows.append(
                (
                    pk,
                    org.pk,
                    f"上海{rng.choice(WORDS)}{rng.choice(WORDS)}{suffix}",
                    code,
                    f"上海市{org.short_name}{rng.choice(STREETS)}{rng.randint(1, 1800)}号",
                    industry,
                    category,
                    1,
                    _entered(date(YEARS[0], 1, 4), rng),
                )
            )
        officers = User.objects.filter(organization=org, username__contains="_officer_").order_by("username")
        districts.append(
            District(
                pk=org.pk,
                code=org.code,
                short_name=org.short_name,
                brigade=Department.objects.get(organization=org, name="执法大队").pk,
                officers=list(officers.values_list("pk", flat=True)),
                sources=sources,
            )
        )
    copy_rows(
        PollutionSource._meta.db_table,
        ("id", "organization_id", "name", "credit_code", "address", "industry", "category", "version", "created_at"),
        rows,
    )
    timed("pollution_sources", len(rows), started)

    parts = len(districts) * len(YEARS)
    for y_index, year in enumerate(YEARS):
        with transaction.atomic():
            shares = [d_index * len(YEARS) + y_index for d_index in range(len(districts))]
            started = time.perf_counter()
            n = _year_of_dispatches(year, districts, shares, parts, scale, rng, ids)
            timed("dispatches_with_officers_and_inspections", n, started)
            started = time.perf_counter()
            n = _year_of_cases(year, districts, shares, parts, scale, rng, ids)
            timed("penalty_cases", n, started)
            started = time.perf_counter()
            n = _year_of_equipment_and_training(year, districts, shares, parts, scale, rng, ids)
            timed("equipment_and_trainings", n, started)

    started = time.perf_counter()
    for model in models:
        reset_sequence(model._meta.db_table)
    counts["self_assessments"], counts["scores"] = assessments(rng)
    timed("self_assessments", 0, started)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum_analyze"] = round(time.perf_counter() - started, 2)
    totals = {m._meta.model_name: m.objects.count() for m in models}
    return {
        "scale": scale,
        "seed": seed,
        "years": list(YEARS),
        "organizations": Organization.objects.count(),
        "generated": counts,
        "totals_in_database": totals,
        "seconds_by_step": timings,
        "seconds": round(time.perf_counter() - started_all, 2),
    }


def _year_of_dispatches(
    year: int, districts: list[District], shares: list[int], parts: int, scale: float, rng: random.Random, ids: Ids
) -> int:
    """Each district's dispatches of the year (numbered in date order), the officers who went (one of them a user
    of the system) and the sources they checked; all districts' rows written together in date order."""
    from inspections.demo import FINDINGS, TASK_MIX
    from inspections.models import Dispatch, Inspection

    through = Dispatch.officer_users.through
    days = _working_days(year)
    violations = sorted(FINDINGS)
    outings = []  # (day, district, checks)
    for district, share in zip(districts, shares, strict=True):
        remaining = _share(INSPECTIONS * scale, parts, share)
        while remaining > 0:
            checks = rng.choices([c for c, _ in CHECKS_PER_DISPATCH], [w for _, w in CHECKS_PER_DISPATCH])[0]
            checks = min(checks, remaining)
            outings.append((rng.choice(days), district, checks))
            remaining -= checks
    outings.sort(key=lambda o: o[0])
    numbers: dict[str, int] = {}
    dispatch_rows, officer_rows, inspection_rows = [], [], []
    for day, district, checks in outings:
        pk = ids(Dispatch._meta.db_table)
        numbers[district.code] = numbers.get(district.code, 0) + 1
        count = 3 if rng.random() < 0.3 else 2
        task = rng.choice(TASK_MIX)
        note = "夜间突击检查" if task == "complaint" and rng.random() < 0.3 else ""
        entered = _entered(day, rng)
        dispatch_rows.append(
            (
                pk,
                district.pk,
                f"{year}-CD{numbers[district.code]:05d}",
                day,
                count,
                "、".join(rng.sample(GIVEN, count - 1)),
                task,
                note,
                district.brigade,
                1,
                entered,
            )
        )
        officer_rows.append((ids(through._meta.db_table), pk, rng.choice(district.officers)))
        for source in rng.sample(district.sources, checks):
            found = rng.random() < 0.05
            inspection_rows.append(
                (
                    ids(Inspection._meta.db_table),
                    district.pk,
                    pk,
                    source,
                    day,
                    "violation" if found else "clear",
                    FINDINGS[rng.choice(violations)] if found else "",
                    1,
                    entered,
                )
            )
    copy_rows(
        Dispatch._meta.db_table,
        (
            "id",
            "organization_id",
            "number",
            "dispatched_on",
            "officer_count",
            "officer_names",
            "task_type",
            "note",
            "department_id",
            "version",
            "created_at",
        ),
        dispatch_rows,
    )
    copy_rows(through._meta.db_table, ("id", "dispatch_id", "user_id"), officer_rows)
    copy_rows(
        Inspection._meta.db_table,
        (
            "id",
            "organization_id",
            "dispatch_id",
            "source_id",
            "inspected_on",
            "result",
            "findings",
            "version",
            "created_at",
        ),
        inspection_rows,
    )
    return len(dispatch_rows) + len(officer_rows) + len(inspection_rows)


def _year_of_cases(
    year: int, districts: list[District], shares: list[int], parts: int, scale: float, rng: random.Random, ids: Ids
) -> int:
    from inspections.demo import FINDINGS
    from inspections.models import PenaltyCase

    days = _working_days(year)
    violations = sorted(FINDINGS)
    cases = []  # (filed, district, number in the year)
    for district, share in zip(districts, shares, strict=True):
        filed = sorted(rng.choice(days) for _ in range(_share(CASES * scale, parts, share)))
        cases += [(day, district, n) for n, day in enumerate(filed, start=1)]
    cases.sort(key=lambda c: c[0])
    rows = []
    for filed, district, number in cases:
        outcome = rng.choices(["fined", "exempted", "not_penalised", ""], [55, 25, 5, 15])[0]
        decided = filed + timedelta(rng.randint(15, 60)) if outcome else None
        closed = decided + timedelta(rng.randint(10, 40)) if decided and rng.random() < 0.7 else None
        fine = Decimal(rng.choice([500, 1000, 2000, 10000, 43650, 100000, 200000])) if outcome == "fined" else 0
        rows.append(
            (
                ids(PenaltyCase._meta.db_table),
                district.pk,
                f"沪{district.short_name}环罚〔{year}〕{number}号",
                rng.choice(violations),
                filed,
                decided,
                closed,
                outcome,
                fine,
                outcome == "fined" and rng.random() < 0.03,
                district.brigade,
                rng.choice(district.sources),
                1,
                _entered(filed, rng),
            )
        )
    listed = (
        "id",
        "organization_id",
        "case_number",
        "violation_type",
        "filed_on",
        "decided_on",
        "closed_on",
        "outcome",
        "fine_yuan",
        "transferred_to_police",
        "department_id",
        "source_id",
        "version",
        "created_at",
    )
    # the procedure and 执法公示 columns this generator does not fill: their model defaults ("" for text; COPY knows none)
    extra = [f for f in PenaltyCase._meta.concrete_fields if f.column not in listed and not f.null]
    copy_rows(
        PenaltyCase._meta.db_table,
        (*listed, *(f.column for f in extra)),
        [(*row, *(f.get_default() for f in extra)) for row in rows],
    )
    return len(rows)


def _year_of_equipment_and_training(
    year: int, districts: list[District], shares: list[int], parts: int, scale: float, rng: random.Random, ids: Ids
) -> int:
    from inspections.demo import TRAININGS
    from inspections.models import Equipment, Training

    days = _working_days(year)
    categories = [c for c, _ in Equipment.Category.choices]
    statuses = [s for s, _ in Equipment.Status.choices]
    training_categories = [c for c, _ in Training.Category.choices]
    topics = sorted({t[1] for t in TRAININGS})
    equipment, trainings = [], []
    for district, share in zip(districts, shares, strict=True):
        for n in range(1, _share(EQUIPMENT_PER_DISTRICT_YEAR * parts * scale, parts, share) + 1):
            equipment.append((rng.choice(days), district, n))
        for n in range(1, _share(TRAININGS_PER_DISTRICT_YEAR * parts * scale, parts, share) + 1):
            trainings.append((rng.choice(days), district, n))
    rows = []
    for day, district, n in sorted(equipment, key=lambda e: e[0]):
        category = rng.choice(categories)
        rows.append(
            (
                ids(Equipment._meta.db_table),
                district.pk,
                f"ZB-{year}-{n:05d}",
                Equipment.Category(category).label,
                category,
                day,
                rng.choices(statuses, [85, 5, 5, 5])[0],
                1,
                _entered(day, rng),
            )
        )
    copy_rows(
        Equipment._meta.db_table,
        (
            "id",
            "organization_id",
            "asset_number",
            "name",
            "category",
            "purchased_on",
            "status",
            "version",
            "created_at",
        ),
        rows,
    )
    count = len(rows)
    rows = []
    for day, district, n in sorted(trainings, key=lambda t: t[0]):
        rows.append(
            (
                ids(Training._meta.db_table),
                district.pk,
                day,
                f"{rng.choice(topics)}（第{n}期）",
                rng.choice(training_categories),
                "局执法大队",
                rng.randint(20, 60),
                Decimal(rng.choice([2, 3, 4])),
                1,
                _entered(day, rng),
            )
        )
    copy_rows(
        Training._meta.db_table,
        (
            "id",
            "organization_id",
            "held_on",
            "topic",
            "category",
            "organiser",
            "attendees",
            "hours",
            "version",
            "created_at",
        ),
        rows,
    )
    return count + len(rows)


def assessments(rng: random.Random) -> tuple[int, int]:
    """A self-assessment per district and year with every indicator scored; those of ``CURRENT_YEAR`` are drafts
    with a few indicators still open, earlier ones were submitted and approved. Demo ones are left as they are."""
    from accounts.models import Organization, User
    from assessment.models import Indicator, Score, SelfAssessment, Standard, WorkflowEvent

    standard = Standard.objects.get(status=Standard.Status.PUBLISHED)
    indicators = list(Indicator.objects.filter(system__standard=standard).order_by("system__order", "order"))
    made = scores = 0
    for org in Organization.objects.filter(code__in=[c for c, _, _ in DISTRICTS]).order_by("code"):
        scorer = User.objects.filter(organization=org, username__endswith="_scorer").order_by("pk").first()
        leader = User.objects.filter(organization=org, username__endswith="_leader").order_by("pk").first()
        for year in YEARS:
            if SelfAssessment.objects.filter(organization=org, year=year, standard=standard).exists():
                continue
            approved = year < CURRENT_YEAR
            submitted_at = datetime(year + 1, 1, 15, 2, 0, tzinfo=UTC)
            assessment = SelfAssessment.objects.create(
                organization=org,
                year=year,
                standard=standard,
                status=SelfAssessment.Status.APPROVED if approved else SelfAssessment.Status.DRAFT,
                submitted_at=submitted_at if approved else None,
                approved_at=submitted_at + timedelta(days=5) if approved else None,
            )
            made += 1
            rows = []
            for indicator in indicators:
                if not approved and rng.random() < 0.3:
                    continue
                steps = int(indicator.max_score * 2)
                value = Decimal(rng.randint(steps // 2, steps)) / 2
                rows.append(
                    Score(
                        assessment=assessment,
                        indicator=indicator,
                        score=value,
                        justification=f"{org.short_name}{year}年度{indicator.name}：按标准自查，得{value}分。",
                        scored_by=scorer,
                        scored_at=submitted_at - timedelta(days=10),
                    )
                )
            Score.objects.bulk_create(rows)
            scores += len(rows)
            if approved:
                events = [
                    WorkflowEvent(
                        assessment=assessment, action="submit", from_status="draft", to_status="submitted", actor=scorer
                    ),
                    WorkflowEvent(
                        assessment=assessment,
                        action="approve",
                        from_status="submitted",
                        to_status="approved",
                        actor=leader,
                    ),
                ]
                WorkflowEvent.objects.bulk_create(events)
    return made, scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["base", "records"])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20231022)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    if args.step == "base":
        write_out(args.out, base())
    else:
        write_out(args.out, records(scale=args.scale, seed=args.seed))


if __name__ == "__main__":
    main()
