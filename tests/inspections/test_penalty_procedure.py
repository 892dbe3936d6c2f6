"""The penalty procedure: statutory periods (90 + up to 30 days to decide, 7 to deliver), the procedure's rules
on the form and in the database, the case page, and measures (按日连续处罚, 查封扣押)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from inspections.models import CaseMeasure, ExemptionListItem, PenaltyCase
from inspections.procedure import periods
from inspections.procedure.rules import procedure_problems

FILED = date(2023, 1, 1)


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


@pytest.mark.parametrize(
    "decided, extension, late",
    [
        (FILED + timedelta(days=90), 0, False),  # the 90th day after filing: in time
        (FILED + timedelta(days=91), 0, True),  # the 91st: one day late
        (FILED + timedelta(days=120), 30, False),  # extended by the 30 days allowed
        (FILED + timedelta(days=121), 30, True),
        (FILED + timedelta(days=121), 45, True),  # more than 30 days of extension do not count
    ],
)
def test_the_decision_period_is_90_days_plus_an_extension_of_at_most_30(decided, extension, late):
    assert periods.decided_late(filed_on=FILED, decided_on=decided, extension_days=extension) is late


def test_overdue_days_count_from_the_deadline_to_the_step_or_to_today():
    decision, delivery = periods.case_periods(
        filed_on=FILED, decided_on=FILED + timedelta(days=93), delivered_on=FILED + timedelta(days=93 + 7)
    )
    assert decision.deadline == date(2023, 4, 1) and decision.overdue_days(date(2030, 1, 1)) == 3
    assert delivery.overdue_days(date(2030, 1, 1)) == 0  # the 7th day after the decision is in time
    (pending,) = periods.case_periods(filed_on=FILED, decided_on=None, delivered_on=None)
    assert pending.overdue_days(date(2023, 4, 1)) == 0 and pending.overdue_days(date(2023, 4, 6)) == 5
    _, undelivered = periods.case_periods(filed_on=FILED, decided_on=date(2023, 2, 1), delivered_on=None)
    assert undelivered.overdue_days(date(2023, 2, 9)) == 1


def base(**values) -> dict:
    return {
        "filed_on": FILED,
        "decided_on": date(2023, 3, 1),
        "outcome": "fined",
        "fine_yuan": Decimal("1000"),
        **values,
    }


@pytest.mark.parametrize(
    "values, field, message",
    [
        (base(delivered_on=date(2023, 2, 28)), "delivered_on", "送达日期不能早于决定日期。"),
        (base(extension_days=10), "extension_reason", "延长决定期限须填写延期理由（经负责人批准的理由）。"),
        (base(extension_days=31, extension_reason="案情复杂"), "extension_days", "决定期限最多延长30天。"),
        (base(outcome="exempted", fine_yuan=0), "exemption_ground", "免于处罚或不予处罚的案件须填写免罚依据。"),
        (base(outcome="exempted", fine_yuan=0, exemption_ground="listed"), "exemption_item",
         "依据为“免罚清单事项”时须选择清单中的事项。"),
        (base(exemption_ground="first_minor"), "exemption_ground",
         "只有处理结果为“免于处罚”或“不予处罚”的案件才填写免罚依据。"),
        (base(is_major=True), "legal_reviewer", "重大案件作出决定前须经法制审核，请填写法制审核人。"),
        (base(transferred_to_police=True), "transferred_on", "移送公安的案件须填写移送日期。"),
        (base(hearing_requested=True), "hearing_on", "当事人要求听证的，作出决定前须举行听证，请填写听证日期。"),
        (base(surcharge_yuan=Decimal("1000.01")), "surcharge_yuan",
         "加处罚款的数额不得超出罚款的数额（行政处罚法第七十二条）。"),
        (base(notified_on=date(2023, 3, 2)), "decided_on", "决定日期不能早于告知日期。"),
    ],
)  # fmt: skip
def test_the_rules_name_the_field(values, field, message):
    assert (field, message) in procedure_problems(values)


def test_an_old_ledger_without_the_detail_columns_needs_no_detail():
    values = base(outcome="exempted", fine_yuan=0, transferred_to_police=True)
    assert procedure_problems(values, require_detail=frozenset()) == []
    assert procedure_problems(base()) == []


def test_the_database_refuses_a_delivery_before_the_decision(make):
    case = make.case(FILED, date(2023, 3, 1), "fined", "1000")
    with pytest.raises(IntegrityError), transaction.atomic():
        PenaltyCase.objects.filter(pk=case.pk).update(delivered_on=date(2023, 2, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PenaltyCase.objects.filter(pk=case.pk).update(extension_days=5)  # no reason


def form_data(make, **values) -> dict:
    source = make.source()
    data = {
        "case_number": "长环罚〔2023〕1号",
        "source_code": source.credit_code,
        "violation_type": "废水超标",
        "filed_on": "2023-01-01",
        "decided_on": "2023-03-01",
        "outcome": "fined",
        "fine_yuan": "1000",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_a_case_with_its_procedure_is_saved_through_the_form(as_alice, make):
    item = ExemptionListItem.objects.create(code="1", title="初次轻微违法")
    data = form_data(
        make,
        outcome="exempted",
        fine_yuan="",
        exemption_ground="listed",
        exemption_item=str(item.pk),
        is_major="on",
        legal_reviewer="法制科 周敏",
        legal_reviewed_on="2023-02-20",
        notified_on="2023-02-22",
        extension_days="20",
        extension_reason="案情复杂，经局长批准",
        delivered_on="2023-03-08",
        transferred_to_police="on",
        transferred_on="2023-03-10",
        transferred_to="上海市公安局长宁分局",
    )
    response = as_alice.post(reverse("inspections:case-create"), data)
    assert response.status_code == 302, response.context["form"].errors
    case = PenaltyCase.objects.get()
    assert (case.exemption_item, case.extension_days, case.transferred_to) == (item, 20, "上海市公安局长宁分局")


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"delivered_on": "2023-02-28"}, "delivered_on", "送达日期不能早于决定日期。"),
        ({"extension_days": "10"}, "extension_reason", "延长决定期限须填写延期理由（经负责人批准的理由）。"),
        ({"outcome": "exempted", "fine_yuan": ""}, "exemption_ground", "免于处罚或不予处罚的案件须填写免罚依据。"),
    ],
)
def test_the_form_refuses_bad_procedure_naming_the_field(as_alice, make, values, field, message):
    response = as_alice.post(reverse("inspections:case-create"), form_data(make, **values))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not PenaltyCase.objects.exists()


def test_the_case_page_shows_the_periods_and_how_late(as_alice, make):
    case = make.case(FILED, FILED + timedelta(days=91), "fined", "1000", delivered_on=FILED + timedelta(days=98))
    page = as_alice.get(reverse("inspections:case-detail", args=[case.pk])).content.decode()
    assert "2023-04-01" in page and "逾期1天" in page and "按期" in page


def test_a_measure_is_added_to_a_case_by_its_number(as_alice, make, make_xuhui):
    case = make.case(FILED, None, case_number="长环罚〔2023〕7号")
    make_xuhui.case(FILED, None, case_number="徐环罚1号")
    url = reverse("inspections:measure-create")
    assert as_alice.get(url, {"case": case.pk}).context["form"].initial["case_number"] == "长环罚〔2023〕7号"
    data = {"case_number": "长环罚〔2023〕7号", "kind": "seizure", "started_on": "2023-01-05", "ended_on": "2023-02-03"}
    assert as_alice.post(url, data).status_code == 302
    assert CaseMeasure.objects.get().case == case
    refused = as_alice.post(url, {**data, "case_number": "徐环罚1号"})
    assert refused.status_code == 400 and "本单位没有案件编号为“徐环罚1号”的行政处罚案件。" in refused.content.decode()
    backwards = as_alice.post(url, {**data, "ended_on": "2023-01-04"})
    assert backwards.context["form"].errors["ended_on"] == ["结束日期不能早于开始日期。"]
    page = as_alice.get(reverse("inspections:case-detail", args=[case.pk])).content.decode()
    assert "查封、扣押：2023-01-05至2023-02-03" in page


def test_it_checks_ownership(client, bob, make):
    case = make.case(FILED, None)
    measure = CaseMeasure.objects.create(organization=case.organization, case=case, kind="seizure", started_on=FILED)
    client.force_login(bob)
    assert client.get(reverse("inspections:measure-edit", args=[measure.pk])).status_code == 404
    assert client.post(reverse("inspections:measure-delete", args=[measure.pk])).status_code == 404
    assert client.get(reverse("inspections:measure-list"), {"org": "changning"}).status_code == 404
    assert CaseMeasure.objects.filter(pk=measure.pk).exists()
