"""Measures computed from the records, against hand-built records, with their boundaries; the command's JSON."""

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inspections import measures
from inspections.models import Equipment, EquipmentRequirement, Officer, TrainingAttendance
from tests.conftest import STANDARD_FILE

YEAR = 2023
FILED = date(2023, 1, 1)


def value(org, name, **params) -> measures.MeasureValue:
    return measures.measure_value(organization=org, year=YEAR, name=name, params=params)


def test_late_decisions_count_the_91st_day_not_the_90th(changning, make, make_xuhui):
    make.case(FILED, FILED + timedelta(days=90), "fined", "100", case_number="第90天")
    make.case(FILED, FILED + timedelta(days=91), "fined", "100", case_number="第91天")
    make.case(FILED, FILED + timedelta(days=110), "fined", "100", case_number="延长20天",
              extension_days=20, extension_reason="经批准")  # fmt: skip
    make.case(date(2022, 6, 1), date(2022, 12, 1), "fined", "100", case_number="上一年度")
    make_xuhui.case(FILED, FILED + timedelta(days=200), "fined", "100", case_number="徐汇")
    result = value(changning, "late_decisions")
    assert (result.value, result.records) == (1, ("第91天",))


def test_dispatches_need_two_officers_certified_on_the_day(changning, make):
    day = date(2023, 6, 30)
    a = make.officer("甲", valid_to=day)  # valid on its last day
    b = make.officer("乙", valid_from=date(2020, 1, 1), valid_to=day - timedelta(days=1))  # expired the day before
    c = make.officer("丙")
    make.dispatch(day, number="两人有效").officers.add(a, c)
    make.dispatch(day, number="一人过期").officers.add(a, b)
    make.dispatch(day, 2, number="无名录人员", officer_names="张三、李四")
    result = value(changning, "dispatches_without_two_certified")
    assert result.records == ("一人过期", "无名录人员")


def test_training_hours_exactly_40_are_enough(changning, make):
    under, exact = make.officer("差半小时"), make.officer("正好40")
    make.officer("已退休", status=Officer.Status.RETIRED)
    for n, (hours_under, hours_exact) in enumerate([("20", "20"), ("19.5", "20")]):
        training = make.training(date(2023, 3, 1 + n), hours="20")
        TrainingAttendance.objects.create(organization=changning, training=training, officer=under, hours=hours_under)
        TrainingAttendance.objects.create(organization=changning, training=training, officer=exact, hours=hours_exact)
    old = make.training(date(2022, 12, 31), hours="8")  # another year's hours do not count
    TrainingAttendance.objects.create(organization=changning, training=old, officer=under, hours="8")
    result = value(changning, "officers_under_training_hours", threshold=40)
    assert result.records == (f"差半小时（{under.certificate_number}）",)
    assert value(changning, "officers_under_training_hours", threshold="39.5").value == 0


def test_officers_without_a_certificate_valid_at_the_years_end(changning, make):
    make.officer("有效", valid_to=date(2023, 12, 31))
    make.officer("年内到期", valid_to=date(2023, 12, 30), certificate_number="X1")
    make.officer("无证", valid_from=None, valid_to=None)
    make.officer("调离", valid_from=None, valid_to=None, status=Officer.Status.TRANSFERRED)
    assert set(value(changning, "officers_without_valid_certificate").records) == {"无证", "年内到期（X1）"}


def test_equipment_categories_short_of_the_standard(changning, make):
    for _ in range(10):
        make.officer()
    EquipmentRequirement.objects.create(category="drone", minimum=1)
    EquipmentRequirement.objects.create(category="monitor", minimum=1, per_officers=5)  # 10 officers: 2
    make.equipment(date(2023, 1, 1), category="drone")
    make.equipment(date(2023, 1, 1), category="monitor")
    make.equipment(date(2023, 1, 1), category="monitor", status=Equipment.Status.SCRAPPED)
    make.equipment(date(2024, 1, 1), category="monitor")  # bought after the year
    assert value(changning, "equipment_categories_short").records == ("便携式监测仪",)
    make.equipment(date(2023, 12, 31), category="monitor")
    assert value(changning, "equipment_categories_short").value == 0


def test_the_measures_command_prints_json_by_indicator_and_rule(changning, make):
    make.case(FILED, FILED + timedelta(days=91), "fined", "100", case_number="迟办")
    out = StringIO()
    call_command("measures", "--org", "changning", "--year", "2023", "--standard", str(STANDARD_FILE), stdout=out)
    data = json.loads(out.getvalue())
    assert data["indicators"]["2.2"]["1"]["measure"] == "late_decisions"
    assert data["indicators"]["2.2"]["1"]["value"] == 1 and data["indicators"]["2.2"]["1"]["records"] == ["迟办"]
    assert data["indicators"]["4.2"]["1"]["params"] == {"threshold": 40}
    assert "dispatches_without_two_certified" in data["other_measures"]
    with pytest.raises(CommandError, match="没有代码为“nowhere”的机构。"):
        call_command("measures", "--org", "nowhere", "--year", "2023")


def test_the_query_count_is_flat_in_the_number_of_records(changning, make, django_assert_max_num_queries):
    for n in range(30):
        officer = make.officer()
        make.dispatch(date(2023, 3, 1) + timedelta(days=n)).officers.add(officer)
        make.case(FILED, FILED + timedelta(days=n + 80), "fined", "100")
        make.equipment(date(2023, 1, 1), category="drone")
        TrainingAttendance.objects.create(
            organization=changning,
            training=make.training(date(2023, 5, 1), hours="4"),
            officer=officer,
            hours=Decimal(4),
        )
    EquipmentRequirement.objects.create(category="drone", minimum=1)
    with django_assert_max_num_queries(10):
        for name in measures.MEASURES:
            value(changning, name)
