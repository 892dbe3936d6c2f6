"""Training attendance (who attended, the hours each earned) on the training form, and 执法大练兵 results."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from inspections.models import DrillResult, Training, TrainingAttendance
from inspections.roster.attendance import AttendanceError, attendance_text, parse_attendance


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def test_parse_attendance_takes_names_with_or_without_hours():
    four = Decimal("4")
    assert parse_attendance("王强、李明 2", default_hours=four) == [("王强", four), ("李明", Decimal("2"))]
    assert parse_attendance("王强：1.5；李明", default_hours=four) == [("王强", Decimal("1.5")), ("李明", four)]
    assert parse_attendance("", default_hours=four) == []
    entries = [("王强", four), ("李明", Decimal("2.5"))]
    assert parse_attendance(attendance_text(entries, default_hours=four), default_hours=four) == entries
    with pytest.raises(AttendanceError, match="“王强”的学时5超过本次培训的学时4。"):
        parse_attendance("王强 5", default_hours=four)
    with pytest.raises(AttendanceError, match="“王强”重复列出。"):
        parse_attendance("王强、王强", default_hours=four)


def training_post(**values) -> dict:
    return {
        "held_on": "2023-06-15",
        "topic": "无人机培训",
        "category": "equipment",
        "attendees": "30",
        "hours": "4",
        **values,
    }


def test_the_training_form_records_who_attended_and_their_hours(as_alice, make):
    wang, li = make.officer("王强"), make.officer("李明")
    response = as_alice.post(reverse("inspections:training-create"), training_post(attendance="王强、李明 2"))
    assert response.status_code == 302
    rows = TrainingAttendance.objects.order_by("officer__name")
    assert {(a.officer, a.hours) for a in rows} == {(wang, Decimal("4.0")), (li, Decimal("2.0"))}
    training = Training.objects.get()
    edit = as_alice.get(reverse("inspections:training-edit", args=[training.pk]))
    assert edit.context["form"].initial["attendance"] in ("王强、李明 2", "李明 2、王强")
    post = training_post(attendance="李明", version=training.version)
    assert as_alice.post(reverse("inspections:training-edit", args=[training.pk]), post).status_code == 302
    assert [(a.officer, a.hours) for a in TrainingAttendance.objects.all()] == [(li, Decimal("4.0"))]


def test_an_attendee_not_in_the_roster_is_named_and_nothing_is_saved(as_alice, make, make_xuhui):
    make.officer("王强")
    make_xuhui.officer("徐汇某")
    response = as_alice.post(reverse("inspections:training-create"), training_post(attendance="王强、张三、徐汇某"))
    assert response.status_code == 400
    assert response.context["form"].errors["attendance"] == [
        "“张三、徐汇某”不在本单位执法人员名录中（或名录中有同名人员），请先在“执法人员”中登记。"
    ]
    assert not Training.objects.exists() and not TrainingAttendance.objects.exists()


def test_more_attendees_than_the_head_count_is_refused(as_alice, make):
    make.officer("王强"), make.officer("李明")
    response = as_alice.post(
        reverse("inspections:training-create"), training_post(attendees="1", attendance="王强、李明")
    )
    assert response.context["form"].errors["attendees"] == ["列出了2名参训执法人员，多于参训人数1。"]


def test_a_drill_result_names_an_officer_or_a_team_and_a_placing_or_award(as_alice, make):
    wang = make.officer("王强")
    url = reverse("inspections:drill-create")
    data = {"held_on": "2023-09-20", "event": "全市执法大练兵竞技比武", "level": "municipal"}
    refused = as_alice.post(url, data)
    assert refused.status_code == 400
    assert refused.context["form"].errors["officer"] == ["请填写获奖的执法人员或团队。"]
    assert refused.context["form"].errors["placing"] == ["请填写名次或奖项。"]
    assert as_alice.post(url, {**data, "officer": wang.pk, "placing": "2"}).status_code == 302
    result = DrillResult.objects.get()
    assert (result.officer, result.placing, result.get_level_display()) == (wang, 2, "市级")
    page = as_alice.get(reverse("inspections:drill-list")).content.decode()
    assert "全市执法大练兵竞技比武" in page and "第2名" in page


def test_it_checks_ownership(client, bob, make):
    result = DrillResult.objects.create(
        organization=make.org,
        held_on=date(2023, 9, 20),
        event="练兵",
        level="district",
        team="一中队",
        award="先进集体",
    )
    client.force_login(bob)
    assert client.get(reverse("inspections:drill-edit", args=[result.pk])).status_code == 404
    assert client.post(reverse("inspections:drill-delete", args=[result.pk])).status_code == 404
    assert client.get(reverse("inspections:drill-list"), {"org": "changning"}).status_code == 404
    assert DrillResult.objects.filter(pk=result.pk).exists()
