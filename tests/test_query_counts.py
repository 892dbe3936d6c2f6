"""Every page the benchmark times (bench/pages.py) runs as many SQL queries with three times the rows behind it.

A page whose query count grows with its rows (a query per row: a missing select_related, prefetch_related or
aggregate) passes every functional test on the demo data and is slow at municipal scale. Each page is requested
once the world has N rows of everything it shows, and again after 2N more: the two counts must be equal.
"Rows" are whatever the page lists or sums: records (each list on its first and on its last page), assessments
of more districts, scores with more evidence and rule counts, more workflow events.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from accounts.models import Department, Organization, User
from assessment import services
from assessment.models import (
    Evidence,
    Indicator,
    Report,
    RuleCount,
    Score,
    SelfAssessment,
    Standard,
    WorkflowEvent,
)
from assessment.reports.demo import REPORT_2023
from assessment.standard_files import read_standard_file
from inspections.models import Dispatch, Equipment, Inspection, PenaltyCase, PollutionSource, Training
from inspections.validators import credit_code_check_character
from tests.conftest import STANDARD_FILE, make_user

N = 15  # rows of everything, then 3N: fewer than a list page of 50, so that a first page shows N and then 3N rows
DEEP_N = 60  # for the last pages: more than a page, so that the last page is page 2, and then page 4
PAGE_SIZE = 50
FIRST_DAY = date(2023, 1, 2)
SOURCE_LINK = r'href="/records/sources/\d+/"'  # one per row of the inspection list


def credit_code(n: int) -> str:
    first17 = f"91310105{n:08d}0"
    return first17 + credit_code_check_character(first17)


class World:
    """长宁区 with its assessments and records, and other districts, grown in steps of ``count`` rows."""

    def __init__(self, standard: Standard, changning: Organization, alice: User, lea: User):
        self.standard, self.org, self.alice, self.lea = standard, changning, alice, lea
        self.brigade = alice.department
        self.officers = [alice, make_user("officer", changning, roles.SCORER, self.brigade)]
        self.approved = self._assessment(changning, 2023, SelfAssessment.Status.APPROVED)
        self.current = self._assessment(changning, 2024, SelfAssessment.Status.DRAFT)
        Report.objects.create(organization=changning, year=2023, assessment=self.approved, **REPORT_2023)
        self.indicators = list(Indicator.objects.filter(system__standard=standard).prefetch_related("rule_items"))
        self.rows = 0
        self.districts = 0

    def _assessment(self, org: Organization, year: int, status: str) -> SelfAssessment:
        return SelfAssessment.objects.create(organization=org, year=year, standard=self.standard, status=status)

    def grow(self, count: int) -> None:
        self._records(count)
        self._scores(count)
        self._districts(max(1, count // 20))
        self.rows += count

    def _records(self, count: int) -> None:
        org, start = self.org, self.rows
        sources = PollutionSource.objects.bulk_create(
            PollutionSource(organization=org, name=f"单位{start + n}", credit_code=credit_code(start + n))
            for n in range(count)
        )
        days = [FIRST_DAY + timedelta(days=(start + n) * 5 % 700) for n in range(count)]
        Dispatch.objects.bulk_create(
            Dispatch(
                organization=org,
                number=f"CD{start + n:05d}",
                dispatched_on=day,
                officer_count=3,
                officer_names="王建军",
                department=self.brigade,
            )
            for n, day in enumerate(days)
        )
        dispatches = list(Dispatch.objects.filter(organization=org).order_by("number")[start:])
        sources = list(PollutionSource.objects.filter(organization=org).order_by("credit_code")[start:])
        through = Dispatch.officer_users.through
        through.objects.bulk_create(through(dispatch=d, user=u) for d in dispatches for u in self.officers)
        Inspection.objects.bulk_create(
            Inspection(
                organization=org,
                dispatch=d,
                source=s,
                inspected_on=d.dispatched_on,
                result="violation" if n % 3 == 0 else "clear",
                findings="废水超标" if n % 3 == 0 else "",
            )
            for n, (d, s) in enumerate(zip(dispatches, sources, strict=True))
        )
        PenaltyCase.objects.bulk_create(
            PenaltyCase(
                organization=org,
                case_number=f"罚{start + n}",
                source=s,
                violation_type=f"类型{n % 7}",
                department=self.brigade,
                filed_on=d.dispatched_on,
                decided_on=d.dispatched_on + timedelta(days=20),
                outcome="fined",
                fine_yuan=Decimal(1000 + n),
            )
            for n, (d, s) in enumerate(zip(dispatches, sources, strict=True))
        )
        Equipment.objects.bulk_create(
            Equipment(
                organization=org,
                asset_number=f"ZB-{start + n:05d}",
                name="无人机",
                category=Equipment.Category.DRONE,
                purchased_on=day,
            )
            for n, day in enumerate(days)
        )
        Training.objects.bulk_create(
            Training(organization=org, held_on=day, topic=f"培训{start + n}", attendees=30, hours=Decimal("2"))
            for n, day in enumerate(days)
        )

    def _scores(self, count: int) -> None:
        """Every indicator of both assessments scored, with ``count // 20`` more evidence files on each score and
        rule counts, and more workflow events."""
        for assessment in (self.approved, self.current):
            for indicator in self.indicators:
                score, _ = Score.objects.get_or_create(
                    assessment=assessment,
                    indicator=indicator,
                    defaults={"score": Decimal("1"), "justification": "已落实。", "scored_by": self.alice},
                )
                for rule in indicator.rule_items.all():
                    RuleCount.objects.get_or_create(score=score, rule_item=rule, defaults={"occurrences": 1})
                Evidence.objects.bulk_create(
                    Evidence(
                        score=score,
                        file=f"evidence/{score.pk}-{self.rows + n}.pdf",
                        original_name=f"佐证{self.rows + n}.pdf",
                        size=1000,
                        uploaded_by=self.alice,
                    )
                    for n in range(max(1, count // 20))
                )
        WorkflowEvent.objects.bulk_create(
            WorkflowEvent(
                assessment=self.approved,
                action=WorkflowEvent.Action.RETURN,
                from_status="submitted",
                to_status="draft",
                actor=self.lea,
                reason=f"退回{self.rows + n}",
            )
            for n in range(max(1, count // 20))
        )

    def _districts(self, count: int) -> None:
        """More districts, each with an approved assessment last year and a submitted one this year."""
        city = self.org.parent
        for n in range(self.districts, self.districts + count):
            org = Organization.objects.create(
                code=f"d{n}", name=f"测试区{n}生态环境局", short_name=f"测试{n}区", parent=city
            )
            Department.objects.create(organization=org, name="执法大队", kind=Department.Kind.ENFORCEMENT)
            for year, status in ((2023, SelfAssessment.Status.APPROVED), (2024, SelfAssessment.Status.SUBMITTED)):
                assessment = self._assessment(org, year, status)
                Score.objects.bulk_create(
                    Score(assessment=assessment, indicator=i, score=Decimal("1")) for i in self.indicators
                )
        self.districts += count


@pytest.fixture
def world(db, changning, alice, lea) -> World:
    standard, _ = services.load_standard(spec=read_standard_file(STANDARD_FILE))
    return World(standard, changning, alice, lea)


def _last(model: type, world: World) -> int:
    return max(1, math.ceil(model.objects.filter(organization=world.org).count() / PAGE_SIZE))


LISTS = [
    ("dispatch", "dispatches", Dispatch),
    ("inspection", "inspections", Inspection),
    ("case", "cases", PenaltyCase),
    ("source", "sources", PollutionSource),
    ("equipment", "equipment", Equipment),
    ("training", "trainings", Training),
]
# name as in bench/pages.py, who asks, and the URL (computed once the world has its rows)
PAGES = [
    ("scoring", "alice", lambda w: f"/assessments/{w.current.pk}/scores/"),
    ("assessment_detail", "lea", lambda w: f"/assessments/{w.approved.pk}/"),
    ("assessment_list", "lea", lambda w: "/assessments/"),
    ("assessment_list_city", "rita", lambda w: "/assessments/"),
    *[(f"{name}_list", "alice", lambda w, prefix=prefix: f"/records/{prefix}/") for name, prefix, _ in LISTS],
    *[
        (
            f"{name}_list_last",
            "alice",
            lambda w, prefix=prefix, model=model: f"/records/{prefix}/?page={_last(model, w)}",
        )
        for name, prefix, model in LISTS
    ],
    ("statistics_year", "alice", lambda w: "/records/?org=changning&start=2023-01-01&end=2023-12-31"),
    ("dashboard_scorer", "alice", lambda w: "/"),
    ("dashboard_leader", "lea", lambda w: "/"),
    ("dashboard_city", "rita", lambda w: "/"),
    ("score_export", "alice", lambda w: f"/assessments/{w.approved.pk}/export.xlsx"),
]


def queries(client, url: str) -> int:
    client.get(url)  # the session's once-a-minute save (accounts.middleware) happens here, not below
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured)


@pytest.mark.parametrize(("name", "username", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_query_count_does_not_grow_with_the_rows(client, world, rita, name, username, url):
    client.force_login({"alice": world.alice, "lea": world.lea, "rita": rita}[username])
    n = DEEP_N if name.endswith("_last") else N
    world.grow(n)
    few = queries(client, url(world))
    world.grow(2 * n)
    many = queries(client, url(world))
    assert many == few, f"{name}: {few} queries with {n} rows, {many} with {3 * n}"


def test_the_pages_show_more_rows_the_second_time(client, world):
    """The comparison above means something: a first page shows N rows and then 3N, and a "last page" is page 2
    (10 rows) and then page 4 (30 rows)."""
    client.force_login(world.alice)
    world.grow(N)
    assert len(re.findall(SOURCE_LINK, client.get("/records/inspections/").content.decode())) == N
    world.grow(2 * N)
    assert len(re.findall(SOURCE_LINK, client.get("/records/inspections/").content.decode())) == 3 * N
    world.grow(DEEP_N - 3 * N)
    assert all(_last(model, world) == 2 for _, _, model in LISTS)
    world.grow(2 * DEEP_N)
    assert all(_last(model, world) == 4 for _, _, model in LISTS)
