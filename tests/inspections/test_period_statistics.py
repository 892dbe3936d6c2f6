"""Each statistic on hand-made records, with records on the days just inside and outside the period."""

from datetime import date
from decimal import Decimal

import pytest

from inspections.models import Equipment, Inspection, PenaltyCase
from inspections.selectors import monthly_statistics, period_statistics, wan_yuan_text
from inspections.wording import enforcement_paragraph, period_text

START, END = date(2023, 1, 1), date(2023, 8, 31)
BEFORE, AFTER = date(2022, 12, 31), date(2023, 9, 1)
O = PenaltyCase.Outcome  # noqa: E741


def stats(org, start=START, end=END):
    return period_statistics(organization=org, start=start, end=end)


@pytest.fixture
def boundary_records(make, make_xuhui):
    """Inside: the first and last day. Outside: the day before and the day after. Plus another district."""
    for day, officers in ((START, 2), (END, 3), (BEFORE, 5), (AFTER, 7)):
        make.dispatch(day, officers)
        make.inspection(day, result=Inspection.Result.VIOLATION if day == END else Inspection.Result.CLEAR)
        make.equipment(day, Equipment.Category.THERMAL if day == END else Equipment.Category.DRONE)
        make.training(day, attendees=10)
    make_xuhui.dispatch(START, 9)
    make_xuhui.inspection(START)
    make_xuhui.case(START, START, O.FINED, "5000")
    return make


def test_dispatches_and_person_times_count_both_ends_and_nothing_outside(boundary_records, changning):
    s = stats(changning)
    # 2 dispatches of its own on 01-01 and 08-31 plus the one behind each inspection on the same days
    assert s.dispatches == 4
    assert s.person_times == 2 + 3 + 2 + 2


def test_source_checks_by_inspection_date(boundary_records, changning):
    s = stats(changning)
    assert s.source_checks == 2
    assert s.violations_found == 1


def test_equipment_by_category_by_purchase_date(boundary_records, changning):
    assert stats(changning).equipment_by_category == (("无人机", 1), ("红外热成像仪", 1))


def test_training_by_its_date(boundary_records, changning):
    s = stats(changning)
    assert (s.training_sessions, s.training_attendees, s.training_hours) == (2, 20, Decimal("4"))


def test_a_case_counts_by_decision_date_or_filing_date_when_undecided(make, changning):
    make.case(date(2022, 12, 20), START, O.FINED, "200000.00")  # filed before, decided on the first day: in
    make.case(date(2023, 7, 1), END, O.FINED, "709150.00", transferred_to_police=True)  # in
    make.case(date(2023, 8, 25), AFTER, O.FINED, "1000")  # filed inside, decided the day after: out
    make.case(date(2022, 12, 1), BEFORE, O.FINED, "3000")  # out
    make.case(END, None, violation_type="噪声排放超标")  # undecided, filed on the last day: in (pending)
    make.case(AFTER, None)  # undecided, filed after: out
    make.case(date(2023, 3, 1), date(2023, 3, 20), O.EXEMPTED, violation_type="未正常使用油烟净化装置")
    make.case(date(2023, 3, 2), date(2023, 3, 21), O.EXEMPTED, violation_type="未正常使用油烟净化装置")
    make.case(date(2023, 4, 1), date(2023, 4, 20), O.NOT_PENALISED)
    s = stats(changning)
    assert s.fined_cases == 2
    assert s.fines_yuan == Decimal("909150.00")
    assert s.fines_wan_yuan_text == "90.915"
    assert s.exempted_cases == 2
    assert s.not_penalised_cases == 1
    assert s.pending_cases == 1
    assert s.transferred_cases == 1
    assert s.decided_cases == 5
    assert s.violation_types == (("废水超标", 3), ("未正常使用油烟净化装置", 2), ("噪声排放超标", 1))


def test_an_empty_period_is_all_zeros(changning):
    s = stats(changning)
    assert (s.dispatches, s.person_times, s.source_checks, s.fined_cases, s.exempted_cases) == (0, 0, 0, 0, 0)
    assert s.fines_yuan == Decimal("0.00")
    assert s.fines_wan_yuan_text == "0"
    assert s.violation_types == () and s.equipment_by_category == ()


@pytest.mark.parametrize(
    ("yuan", "text"),
    [("909150", "90.915"), ("909150.00", "90.915"), ("1000000", "100"), ("12345.67", "1.234567"), ("500", "0.05")],
)
def test_wan_yuan_text(yuan, text):
    assert wan_yuan_text(Decimal(yuan)) == text


def test_monthly_statistics_cover_every_month_and_add_up(boundary_records, changning):
    make = boundary_records
    make.case(date(2023, 2, 1), date(2023, 2, 10), O.FINED, "100")
    months = monthly_statistics(organization=changning, start=START, end=END)
    assert [m.month for m in months] == [date(2023, n, 1) for n in range(1, 9)]
    assert [m.label for m in months][:2] == ["2023年1月", "2023年2月"]
    assert months[0].dispatches == 2 and months[0].person_times == 4 and months[0].source_checks == 1
    assert months[7].dispatches == 2 and months[7].person_times == 5
    assert months[1].fined_cases == 1 and months[1].fines_yuan == Decimal("100")
    assert sum(m.dispatches for m in months) == stats(changning).dispatches
    assert all(m.dispatches == 0 for m in months[2:7])


def test_monthly_statistics_across_a_year_end(make, changning):
    make.dispatch(date(2022, 12, 15))
    make.dispatch(date(2023, 1, 15))
    months = monthly_statistics(organization=changning, start=date(2022, 11, 20), end=date(2023, 2, 3))
    assert [(m.month, m.dispatches) for m in months] == [
        (date(2022, 11, 1), 0),
        (date(2022, 12, 1), 1),
        (date(2023, 1, 1), 1),
        (date(2023, 2, 1), 0),
    ]


def test_the_report_paragraph(make, changning):
    make.dispatch(START, 2)
    make.case(START, END, O.FINED, "909150", violation_type="建设项目验收弄虚作假")
    make.case(START, END, O.EXEMPTED, violation_type="废水超标")
    assert enforcement_paragraph(stats(changning)) == (
        "2023年1-8月份，共出动执法人员1批次、2人次，检查0户次污染源，发现环境违法行为作出行政处罚案件1件，"
        "共计处罚金额90.915万元；轻微违法免于处罚1件。主要违法行为包含建设项目验收弄虚作假、废水超标。"
    )
    # 主要违法行为 names the most heavily fined type first, even when a lighter one is as frequent.


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2023, 1, 1), date(2023, 8, 31), "2023年1-8月份"),
        (date(2023, 1, 1), date(2023, 12, 31), "2023年"),
        (date(2023, 2, 1), date(2023, 2, 28), "2023年2月份"),
        (date(2023, 1, 5), date(2023, 8, 31), "2023年1月5日至2023年8月31日"),
        (date(2022, 12, 1), date(2023, 1, 31), "2022年12月1日至2023年1月31日"),
    ],
)
def test_period_text(start, end, text):
    assert period_text(start, end) == text
