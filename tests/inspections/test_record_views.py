"""The record pages: lists with filters, detail pages, and create/edit/delete through the forms."""

from datetime import date

import pytest
from django.urls import reverse

from inspections.models import Dispatch, Equipment, Inspection, PenaltyCase, PollutionSource, Training
from tests.inspections.records_helpers import VALID_CODES


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def test_the_nav_links_to_the_records(as_alice):
    page = as_alice.get(reverse("inspections:statistics")).content.decode()
    assert f'href="{reverse("inspections:statistics")}">执法记录</a>' in page


def test_dispatch_list_filters_by_period_type_and_department(as_alice, make, brigade):
    make.dispatch(date(2023, 1, 1), number="A-IN", task_type=Dispatch.TaskType.COMPLAINT, department=brigade)
    make.dispatch(date(2023, 8, 31), number="B-IN")
    make.dispatch(date(2023, 9, 1), number="C-OUT", task_type=Dispatch.TaskType.COMPLAINT)
    url = reverse("inspections:dispatch-list")
    page = as_alice.get(url, {"start": "2023-01-01", "end": "2023-08-31"}).content.decode()
    assert "A-IN" in page and "B-IN" in page and "C-OUT" not in page
    page = as_alice.get(url, {"task_type": "complaint"}).content.decode()
    assert "A-IN" in page and "C-OUT" in page and "B-IN" not in page
    page = as_alice.get(url, {"department": brigade.pk}).content.decode()
    assert "A-IN" in page and "B-IN" not in page


def test_list_search_finds_officers_who_are_users(as_alice, make, alice):
    alice.last_name, alice.first_name = "张", "三"
    alice.save()
    make.dispatch(date(2023, 1, 1), number="WITH-ZHANG").officer_users.add(alice)
    make.dispatch(date(2023, 1, 2), number="WITHOUT")
    page = as_alice.get(reverse("inspections:dispatch-list"), {"q": "张三"}).content.decode()
    assert "WITH-ZHANG" in page and "WITHOUT" not in page


def test_a_bad_filter_says_so(as_alice):
    page = as_alice.get(reverse("inspections:dispatch-list"), {"start": "2023-09-01", "end": "2023-01-01"})
    assert "起始日期不能晚于截止日期。" in page.content.decode()


def test_case_list_filters_by_outcome_source_and_uses_the_case_period_rule(as_alice, make):
    source = make.source("上海某餐饮管理有限公司")
    make.case(date(2023, 8, 25), date(2023, 9, 12), "fined", "100", case_number="DECIDED-SEPT", source=source)
    make.case(date(2023, 8, 25), None, case_number="PENDING-AUG")
    url = reverse("inspections:case-list")
    page = as_alice.get(url, {"start": "2023-08-01", "end": "2023-08-31"}).content.decode()
    assert "PENDING-AUG" in page and "DECIDED-SEPT" not in page
    page = as_alice.get(url, {"outcome": "pending"}).content.decode()
    assert "PENDING-AUG" in page and "DECIDED-SEPT" not in page
    page = as_alice.get(url, {"source": "某餐饮"}).content.decode()
    assert "DECIDED-SEPT" in page and "PENDING-AUG" not in page


def test_lists_paginate(as_alice, make):
    for n in range(55):
        make.dispatch(date(2023, 1, 1), number=f"出动-{n:03d}")
    first = as_alice.get(reverse("inspections:dispatch-list")).content.decode()
    second = as_alice.get(reverse("inspections:dispatch-list"), {"page": 2}).content.decode()
    assert "第1页，共2页" in first and "共55条" in first
    # A marker with CJK text: the random CSRF token in the page can never contain it.
    assert first.count("出动-0") == 50 and second.count("出动-0") == 5


def test_a_sources_page_shows_its_inspections_and_cases(as_alice, make):
    source = make.source("上海某洗涤服务有限公司")
    make.inspection(date(2023, 3, 1), source=source, findings="废水超标排放")
    make.case(date(2023, 3, 2), date(2023, 4, 1), "fined", "50000", source=source, case_number="长环罚〔2023〕9号")
    page = as_alice.get(reverse("inspections:source-detail", args=[source.pk])).content.decode()
    assert "检查记录（1户次）" in page and "废水超标排放" in page
    assert "行政处罚案件（1件）" in page and "长环罚〔2023〕9号" in page and "50000.00" in page


def test_create_a_source_with_a_valid_code(as_alice, changning):
    response = as_alice.post(
        reverse("inspections:source-create"),
        {"name": "上海新单位有限公司", "credit_code": "9144 0300 7152 6726xg", "category": "key"},
    )
    source = PollutionSource.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "inspections:source-detail", args=[source.pk]
    )
    assert (source.organization, source.credit_code, source.category) == (changning, "9144030071526726XG", "key")


def test_an_invalid_or_taken_credit_code_is_refused(as_alice, make):
    make.source(credit_code=VALID_CODES[0])
    url = reverse("inspections:source-create")
    bad = as_alice.post(url, {"name": "甲", "credit_code": "9144030071526726XH", "category": "general"})
    assert bad.status_code == 400 and "校验位错误" in bad.content.decode()
    taken = as_alice.post(url, {"name": "乙", "credit_code": VALID_CODES[0], "category": "general"})
    assert (
        taken.status_code == 400
        and "本单位已有统一社会信用代码为“9144030071526726XG”的污染源" in taken.content.decode()
    )
    assert PollutionSource.objects.count() == 1


def test_create_a_dispatch_with_users_and_names(as_alice, alice, brigade):
    response = as_alice.post(
        reverse("inspections:dispatch-create"),
        {
            "number": "CD-9",
            "dispatched_on": "2023-05-06",
            "officer_count": 3,
            "officer_users": [alice.pk],
            "officer_names": "王建军、李明华",
            "task_type": "random",
            "department": brigade.pk,
        },
    )
    assert response.status_code == 302
    dispatch = Dispatch.objects.get()
    assert dispatch.officers_text == "alice、王建军、李明华"
    too_many = as_alice.post(
        reverse("inspections:dispatch-edit", args=[dispatch.pk]),
        {
            "number": "CD-9",
            "dispatched_on": "2023-05-06",
            "officer_count": 1,
            "officer_names": "甲、乙",
            "task_type": "random",
        },
    )
    assert too_many.status_code == 400 and "列出了2名执法人员，多于出动人数1。" in too_many.content.decode()


def test_a_dispatch_number_is_unique_within_the_organisation_only(as_alice, make, make_xuhui):
    make_xuhui.dispatch(date(2023, 1, 1), number="CD-1")
    url = reverse("inspections:dispatch-create")
    data = {"number": "CD-1", "dispatched_on": "2023-01-01", "officer_count": 2, "task_type": "routine"}
    assert as_alice.post(url, data).status_code == 302
    again = as_alice.post(url, data)
    assert again.status_code == 400 and "本单位已有出动编号为“CD-1”的执法出动。" in again.content.decode()


def test_create_an_inspection_from_the_dispatch_page(as_alice, make):
    dispatch = make.dispatch(date(2023, 5, 6), number="CD-5")
    source = make.source(credit_code=VALID_CODES[1])
    form = as_alice.get(reverse("inspections:inspection-create"), {"dispatch": dispatch.pk}).content.decode()
    assert 'value="CD-5"' in form and 'value="2023-05-06"' in form
    response = as_alice.post(
        reverse("inspections:inspection-create"),
        {
            "dispatch_number": "CD-5",
            "inspected_on": "2023-05-06",
            "source_code": VALID_CODES[1].lower(),
            "result": "clear",
        },
    )
    assert response.status_code == 302
    assert Inspection.objects.get().source == source
    twice = as_alice.post(
        reverse("inspections:inspection-create"),
        {"dispatch_number": "CD-5", "inspected_on": "2023-05-06", "source_code": VALID_CODES[1], "result": "clear"},
    )
    assert twice.status_code == 400 and "一次出动对同一污染源只记一次检查" in twice.content.decode()


def test_an_inspection_needs_a_known_dispatch_and_source(as_alice, make):
    response = as_alice.post(
        reverse("inspections:inspection-create"),
        {"dispatch_number": "NOPE", "inspected_on": "2023-05-06", "source_code": VALID_CODES[2], "result": "clear"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "本单位没有出动编号为“NOPE”的执法出动" in page
    assert "本单位没有统一社会信用代码为“91330100799655058B”的污染源" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "fined", "fine_yuan": "0", "decided_on": "2023-06-01"}, "处理结果为“罚款”时罚款金额须大于0"),
        ({"outcome": "exempted", "fine_yuan": "100", "decided_on": "2023-06-01"}, "其他处理结果罚款金额须为0"),
        ({"outcome": "", "fine_yuan": "0", "decided_on": "2023-06-01"}, "已作出决定的案件须填写处理结果和决定日期"),
        ({"outcome": "fined", "fine_yuan": "100", "decided_on": "2023-04-01"}, "决定日期不能早于立案日期"),
        ({"outcome": "fined", "fine_yuan": "-5", "decided_on": "2023-06-01"}, "确保该值大于或等于0"),
    ],
)
def test_case_rules_are_checked_in_the_form(as_alice, make, data, message):
    make.source(credit_code=VALID_CODES[0])
    base = {
        "case_number": "长环罚〔2023〕1号",
        "source_code": VALID_CODES[0],
        "violation_type": "废水超标",
        "filed_on": "2023-05-01",
    }
    response = as_alice.post(reverse("inspections:case-create"), base | data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PenaltyCase.objects.exists()


def test_create_and_edit_a_case(as_alice, make):
    make.source(credit_code=VALID_CODES[0])
    base = {
        "case_number": "长环罚〔2023〕1号",
        "source_code": VALID_CODES[0],
        "violation_type": "废水超标",
        "filed_on": "2023-05-01",
    }
    assert as_alice.post(reverse("inspections:case-create"), base).status_code == 302
    case = PenaltyCase.objects.get()
    assert case.outcome == "" and case.decided_on is None
    edit = base | {
        "decided_on": "2023-06-01",
        "outcome": "fined",
        "fine_yuan": "909150.00",
        "transferred_to_police": "on",
        # a transferred case says when and to whom (行刑衔接)
        "transferred_on": "2023-06-02",
        "transferred_to": "上海市公安局长宁分局",
        "version": case.version,  # the edit page carries the version it was loaded with (docs/audit.md)
    }
    assert as_alice.post(reverse("inspections:case-edit", args=[case.pk]), edit).status_code == 302
    case.refresh_from_db()
    assert (case.outcome, str(case.fine_yuan), case.transferred_to_police) == ("fined", "909150.00", True)


def test_create_equipment_and_training(as_alice, changning):
    equipment = {
        "asset_number": "ZC-1",
        "name": "无人机",
        "category": "drone",
        "purchased_on": "2023-03-01",
        "status": "in_use",
    }
    assert as_alice.post(reverse("inspections:equipment-create"), equipment).status_code == 302
    training = {
        "held_on": "2023年6月15日",
        "topic": "无人机培训",
        "category": "equipment",
        "attendees": 35,
        "hours": "4",
    }
    assert as_alice.post(reverse("inspections:training-create"), training).status_code == 302
    assert Equipment.objects.get().organization == changning
    assert Training.objects.get().held_on == date(2023, 6, 15)
    again = as_alice.post(reverse("inspections:training-create"), training)
    assert (
        again.status_code == 400
        and "本单位已有培训日期、培训主题为“2023-06-15、无人机培训”的培训记录。" in again.content.decode()
    )


def test_delete_asks_first_and_refuses_a_source_still_in_use(as_alice, make):
    source = make.source()
    make.inspection(date(2023, 1, 1), source=source)
    url = reverse("inspections:source-delete", args=[source.pk])
    assert "确认删除" in as_alice.get(url).content.decode()
    refused = as_alice.post(url, follow=True)
    assert "还有1条污染源检查记录引用它，不能删除" in refused.content.decode()
    assert PollutionSource.objects.filter(pk=source.pk).exists()
    equipment = make.equipment(date(2023, 1, 1))
    response = as_alice.post(reverse("inspections:equipment-delete", args=[equipment.pk]))
    assert response.status_code == 302 and not Equipment.objects.exists()


def test_a_leader_reads_but_cannot_change(client, lea, make):
    dispatch = make.dispatch(date(2023, 1, 1))
    client.force_login(lea)
    assert client.get(reverse("inspections:dispatch-list")).status_code == 200
    assert client.get(reverse("inspections:dispatch-detail", args=[dispatch.pk])).status_code == 200
    assert client.get(reverse("inspections:dispatch-create")).status_code == 403
    assert client.get(reverse("inspections:dispatch-edit", args=[dispatch.pk])).status_code == 403
    assert client.post(reverse("inspections:dispatch-delete", args=[dispatch.pk])).status_code == 403
    assert client.get(reverse("inspections:import")).status_code == 403
    assert Dispatch.objects.filter(pk=dispatch.pk).exists()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("inspections:dispatch-list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_only_fields_with_errors_are_marked_invalid(as_alice):
    import re

    page = as_alice.post(reverse("inspections:case-create"), {"filed_on": "not a date"}).content.decode()
    invalid = set(re.findall(r'<input[^>]*is-invalid[^>]*name="(\w+)"|<input[^>]*name="(\w+)"[^>]*is-invalid', page))
    names = {a or b for a, b in invalid}
    assert "filed_on" in names and "decided_on" not in names and "closed_on" not in names
    fresh = as_alice.get(reverse("inspections:case-create")).content.decode()
    assert "is-invalid" not in fresh


def test_inspection_list_filters_by_source_and_department(as_alice, make, brigade):
    chemical = make.source("上海某化工有限公司")
    restaurant = make.source("上海某餐饮有限公司")
    make.inspection(date(2023, 3, 1), dispatch=make.dispatch(date(2023, 3, 1), department=brigade), source=chemical)
    make.inspection(date(2023, 3, 2), source=restaurant)
    url = reverse("inspections:inspection-list")
    page = as_alice.get(url, {"source": "某化工"}).content.decode()
    assert "上海某化工有限公司" in page and "上海某餐饮有限公司" not in page
    page = as_alice.get(url, {"source": restaurant.credit_code}).content.decode()
    assert "上海某餐饮有限公司" in page and "上海某化工有限公司" not in page
    page = as_alice.get(url, {"department": brigade.pk}).content.decode()
    assert "上海某化工有限公司" in page and "上海某餐饮有限公司" not in page


@pytest.mark.parametrize("name", ["dispatch-list", "inspection-list", "case-list", "equipment-list", "training-list"])
def test_every_dated_list_offers_the_ledger_export_of_its_filtered_period(as_alice, make, name):
    from io import BytesIO
    from urllib.parse import parse_qs, urlsplit

    from openpyxl import load_workbook

    make.dispatch(date(2023, 3, 1), number="IN-PERIOD")
    make.dispatch(date(2023, 9, 1), number="OUT-OF-PERIOD")
    page = as_alice.get(reverse(f"inspections:{name}"), {"start": "2023-01-01", "end": "2023-08-31"})
    content = page.content.decode()
    export = reverse("inspections:export")
    href = content[content.index(f'href="{export}?') + len('href="') :].split('"', 1)[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(href).query)
    assert (query["start"], query["end"], query["org"]) == (["2023-01-01"], ["2023-08-31"], ["changning"])
    response = as_alice.get(href)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    numbers = [
        row[0] for row in load_workbook(BytesIO(response.content))["执法出动"].iter_rows(min_row=2, values_only=True)
    ]
    assert numbers == ["IN-PERIOD"]


def test_the_source_list_offers_the_whole_ledger(as_alice):
    """Sources have no date of their own: their list's export is the organisation's whole ledger."""
    content = as_alice.get(reverse("inspections:source-list")).content.decode()
    assert f'href="{reverse("inspections:export")}?org=changning"' in content


def test_the_statistics_page_shows_the_chosen_period(as_alice, make):
    source = make.source()
    make.inspection(date(2023, 1, 31), dispatch=make.dispatch(date(2023, 1, 31), officers=7), source=source)
    make.case(date(2023, 2, 1), date(2023, 2, 10), "fined", "123456.78", violation_type="废气超标排放")
    make.dispatch(date(2023, 9, 1), officers=5)
    make.case(date(2023, 9, 1), date(2023, 9, 5), "fined", "50000", violation_type="噪声超标")
    url = reverse("inspections:statistics")
    page = as_alice.get(url, {"start": "2023-01-01", "end": "2023-08-31"}).content.decode()
    assert "2023年1-8月份，共出动执法人员1批次、7人次，检查1户次污染源" in page
    assert "共计处罚金额12.345678万元" in page  # 123456.78 元
    assert "废气超标排放" in page and "噪声超标" not in page
    page = as_alice.get(url, {"start": "2023-09-01", "end": "2023-12-31"}).content.decode()
    assert "共出动执法人员1批次、5人次" in page and "噪声超标" in page and "废气超标排放" not in page
