"""The demo data reproduces the reference report's figures for 2023-01-01..2023-08-31."""

import io
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import Organization
from inspections.demo import seed_records
from inspections.models import Dispatch, Equipment, PenaltyCase, Training
from inspections.selectors import period_statistics
from inspections.wording import enforcement_paragraph
from tests.inspections.records_helpers import database_snapshot, jan_aug

REPORT_TYPES = {
    "建设项目验收弄虚作假",
    "废水超标",
    "未正常使用油烟净化装置",
    "未申报并悬挂非道环保牌照",
    "未按照要求粘贴危废识别标识",
}


@pytest.fixture
def seeded(changning, brigade):
    started = time.monotonic()
    seed_records(changning)
    return time.monotonic() - started


def test_jan_to_aug_2023_gives_the_reports_figures(seeded, changning):
    s = jan_aug(changning)
    assert s.dispatches == 1068
    assert s.person_times == 2468
    assert s.source_checks == 1062
    assert s.fined_cases == 13
    assert s.fines_yuan == Decimal("909150.00")
    assert s.fines_wan_yuan_text == "90.915"
    assert s.exempted_cases == 11
    assert {name for name, _ in s.violation_types} >= REPORT_TYPES
    # The report names five types and then says 等: the five most heavily fined, in the report's order.
    assert [name for name, _ in s.violation_types_by_fines[:5]] == [
        "建设项目验收弄虚作假",
        "废水超标",
        "未正常使用油烟净化装置",
        "未申报并悬挂非道环保牌照",
        "未按照要求粘贴危废识别标识",
    ]
    assert enforcement_paragraph(s) == (
        "2023年1-8月份，共出动执法人员1068批次、2468人次，检查1062户次污染源，发现环境违法行为作出行政处罚案件13件，"
        "共计处罚金额90.915万元；轻微违法免于处罚11件。主要违法行为包含建设项目验收弄虚作假、废水超标、"
        "未正常使用油烟净化装置、未申报并悬挂非道环保牌照、未按照要求粘贴危废识别标识等。"
    )


def test_records_outside_the_period_exist_so_a_wrong_filter_shows(seeded, changning):
    whole_2023 = period_statistics(organization=changning, start=date(2023, 1, 1), end=date(2023, 12, 31))
    year_2022 = period_statistics(organization=changning, start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert whole_2023.dispatches > 1068 and whole_2023.fined_cases > 13
    assert year_2022.dispatches > 0 and year_2022.fined_cases > 0
    # Records sit on the days next to the period's ends.
    assert Dispatch.objects.filter(organization=changning, dispatched_on=date(2022, 12, 31)).exists()
    assert Dispatch.objects.filter(organization=changning, dispatched_on=date(2023, 9, 1)).exists()
    assert Dispatch.objects.filter(organization=changning, dispatched_on=date(2023, 8, 31)).exists()
    # Filed in August, decided in September: counts in September, not in Jan–Aug.
    assert PenaltyCase.objects.filter(filed_on__lte=date(2023, 8, 31), decided_on__gt=date(2023, 8, 31)).exists()


def test_equipment_and_the_drone_and_infrared_training(seeded, changning):
    categories = set(Equipment.objects.filter(organization=changning).values_list("category", flat=True))
    assert {"drone", "thermal", "body_camera", "terminal"} <= categories
    topics = list(Training.objects.filter(organization=changning, held_on__year=2023).values_list("topic", flat=True))
    assert any("无人机" in t for t in topics)
    assert any("红外热成像仪" in t for t in topics)


def test_demo_dispatches_name_their_officers_and_department(seeded, changning):
    dispatch = Dispatch.objects.filter(organization=changning).first()
    assert dispatch.department.name == "执法大队"
    assert len(dispatch.officer_list()) == dispatch.officer_count


def test_seeding_twice_adds_nothing_and_is_fast(seeded, changning):
    assert seeded < 10  # seconds; a few on SQLite
    before = database_snapshot()
    seed_records(changning)
    assert database_snapshot() == before


def test_seed_demo_command_loads_the_records(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert jan_aug(Organization.objects.get(code="changning")).dispatches == 1068


def test_the_demo_records_support_the_2023_counts(seeded, changning):
    """2.2 deducts for 3 late cases and 4.3 for one equipment category short: the records show the same. The
    documented differences (docs/standard.md): 4.2's training hours (attendance is not in the demo) and 3.2's
    case-file review (not computed)."""
    from inspections.measures import measure_value

    def value(name):
        return measure_value(organization=changning, year=2023, name=name)

    assert value("late_decisions").value == 3
    assert value("equipment_categories_short").records == ("便携式监测仪",)
    assert value("dispatches_without_two_certified").value == 0
    assert value("officers_without_valid_certificate").records == ("赵新",)
