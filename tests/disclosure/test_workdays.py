"""Working days: the pure arithmetic, the calendar the data migration loads, and the command."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from disclosure import calendar
from disclosure.models import CalendarDay
from disclosure.workdays import add_working_days, is_working_day, working_days_between

# 2024 春节: 2月10日至17日放假调休，2月4日（星期日）、2月18日（星期日）上班 (国办发明电〔2023〕7号)
HOLIDAYS_2024 = {date(2024, 2, d) for d in range(10, 18)}
MAKEUP_2024 = {date(2024, 2, 4), date(2024, 2, 18)}


def add(start: date, n: int) -> date:
    return add_working_days(start, n, holidays=HOLIDAYS_2024, makeup_workdays=MAKEUP_2024)


def test_the_first_day_is_not_counted():
    assert add(date(2024, 1, 8), 0) == date(2024, 1, 8)  # Monday
    assert add(date(2024, 1, 8), 1) == date(2024, 1, 9)
    assert add(date(2024, 1, 12), 1) == date(2024, 1, 15)  # Friday → Monday


def test_across_the_spring_festival_with_its_makeup_days():
    # Thursday 2-8: Fri 2-9 (1), the break 2-10…2-17, Sunday 2-18 is a working day (2), then 2-19…2-23 (3–7)
    assert add(date(2024, 2, 8), 7) == date(2024, 2, 23)
    # a makeup Sunday counts: from Saturday 2-3, Sunday 2-4 is the first working day
    assert add(date(2024, 2, 3), 1) == date(2024, 2, 4)
    assert is_working_day(date(2024, 2, 18), holidays=HOLIDAYS_2024, makeup_workdays=MAKEUP_2024)
    assert not is_working_day(date(2024, 2, 12), holidays=HOLIDAYS_2024, makeup_workdays=MAKEUP_2024)
    assert (
        working_days_between(date(2024, 2, 8), date(2024, 2, 23), holidays=HOLIDAYS_2024, makeup_workdays=MAKEUP_2024)
        == 7
    )


def test_out_of_range_counts_are_refused():
    with pytest.raises(ValueError):
        add(date(2024, 1, 1), -1)
    with pytest.raises(ValueError):
        add(date(2024, 1, 1), 100_000)


@pytest.mark.django_db
def test_the_migration_loads_every_years_arrangement_with_its_source():
    days = CalendarDay.objects
    workdays = {d.day for d in days.filter(kind=CalendarDay.Kind.WORKDAY)}
    # every 调休 working day the four notices name, and nothing else
    assert workdays == {
        *[date(2023, 1, 28), date(2023, 1, 29), date(2023, 4, 23), date(2023, 5, 6), date(2023, 6, 25)],
        *[date(2023, 10, 7), date(2023, 10, 8)],
        *[date(2024, 2, 4), date(2024, 2, 18), date(2024, 4, 7), date(2024, 4, 28), date(2024, 5, 11)],
        *[date(2024, 9, 14), date(2024, 9, 29), date(2024, 10, 12)],
        *[date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)],
        *[date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20)],
        date(2026, 10, 10),
    }
    assert days.get(day=date(2025, 10, 8)).kind == CalendarDay.Kind.HOLIDAY  # 国庆节、中秋节 8 days
    assert days.get(day=date(2022, 12, 31)).source.startswith("国办发明电〔2022〕16号")
    assert days.get(day=date(2026, 2, 23)).source.startswith("国办发明电〔2025〕7号")
    assert set(days.values_list("source", flat=True).distinct()) == {
        "国办发明电〔2022〕16号《国务院办公厅关于2023年部分节假日安排的通知》",
        "国办发明电〔2023〕7号《国务院办公厅关于2024年部分节假日安排的通知》",
        "国办发明电〔2024〕12号《国务院办公厅关于2025年部分节假日安排的通知》",
        "国办发明电〔2025〕7号《国务院办公厅关于2026年部分节假日安排的通知》",
    }
    cal = calendar.load(date(2025, 9, 1), date(2025, 10, 31))
    # Tuesday 9-30 + 7: 10-1…10-8 off, Saturday 10-11 works: 10-9, 10-10, 10-11, 10-13, 10-14, 10-15, 10-16
    assert cal.add(date(2025, 9, 30), 7) == date(2025, 10, 16)


@pytest.mark.django_db
def test_the_command_prints_the_date(capsys):
    call_command("working_days", "--from", "2024-02-08", "--add", "7")
    assert capsys.readouterr().out.strip() == "2024-02-23"
    call_command("working_days", "--from", "2026-09-30", "--add", "1")
    assert capsys.readouterr().out.strip() == "2026-10-08"  # 10-1…10-7 off


@pytest.mark.django_db
def test_the_command_warns_of_a_year_without_an_arrangement(capsys):
    call_command("working_days", "--from", "2030-01-07", "--add", "1")
    out = capsys.readouterr()
    assert out.out.strip() == "2030-01-08"
    assert "2030年" in out.err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [(["--from", "2024-13-01", "--add", "1"], "YYYY-MM-DD"), (["--from", "2024-01-01", "--add", "-3"], "0到")],
)
def test_the_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("working_days", *args)
