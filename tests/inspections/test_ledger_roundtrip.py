"""Export → import gives the same records and statistics; importing again changes nothing."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import Department, Organization
from inspections.demo import seed_records
from inspections.exports import ledger_export
from inspections.ledger.reader import read_ledger
from inspections.ledger.writer import ledger_workbook
from inspections.models import Dispatch, Inspection, PenaltyCase, PollutionSource
from inspections.services import import_ledger
from inspections.services.ledger import summary_lines
from tests.inspections.records_helpers import database_snapshot, good_ledger, headers, jan_aug, workbook

MAX = 50 * 1024 * 1024


def load(data: bytes, organization: Organization):
    return import_ledger(organization=organization, ledger=read_ledger(data, max_bytes=MAX))


@pytest.fixture
def empty_org(city):
    org = Organization.objects.create(code="empty", name="空白测试机构", short_name="空白", parent=city)
    # the 执法人员 sheet names officers' departments, which must exist in the organisation importing it
    Department.objects.create(organization=org, name="执法大队", kind=Department.Kind.ENFORCEMENT)
    return org


def test_export_then_import_into_an_empty_organisation_gives_identical_statistics(changning, brigade, empty_org):
    seed_records(changning)
    data = ledger_export(organization=changning, start=date(2023, 1, 1), end=date(2023, 8, 31))
    summary = load(data, empty_org)
    assert summary.sheets["执法出动"].created == 1068
    assert jan_aug(empty_org) == jan_aug(changning)
    assert jan_aug(empty_org).dispatches == 1068
    assert jan_aug(empty_org).fines_wan_yuan_text == "90.915"


def test_the_whole_ledger_round_trips_record_by_record(make, changning, empty_org, alice):
    source = make.source("上海某某餐饮管理有限公司")
    dispatch = make.dispatch(date(2023, 5, 6), 3, number="CD-1", officer_names="外聘专家", note='=HYPERLINK("x")')
    dispatch.officer_users.add(alice)
    make.inspection(date(2023, 5, 6), dispatch=dispatch, source=source, result="violation", findings="+油烟超标")
    make.case(date(2023, 5, 10), date(2023, 6, 1), "fined", "12345.67", source=source, violation_type="-废水超标")
    make.case(date(2023, 5, 11), None, source=source, violation_type="@噪声")
    make.equipment(date(2023, 1, 2), name="无人机（大疆）")
    make.training(date(2023, 3, 4), attendees=12, hours="1.5", organiser="局执法大队")
    data = ledger_export(organization=changning, start=None, end=None)
    load(data, empty_org)

    def rows(org):
        return {
            "dispatches": list(
                Dispatch.objects.filter(organization=org).values_list(
                    "number", "dispatched_on", "officer_count", "task_type", "note"
                )
            ),
            "officers": [d.officers_text for d in Dispatch.objects.filter(organization=org)],
            "inspections": list(
                Inspection.objects.filter(organization=org).values_list(
                    "dispatch__number", "inspected_on", "source__credit_code", "source__name", "result", "findings"
                )
            ),
            "cases": list(
                PenaltyCase.objects.filter(organization=org)
                .order_by("case_number")
                .values_list("case_number", "violation_type", "filed_on", "decided_on", "outcome", "fine_yuan")
            ),
        }

    assert rows(empty_org) == rows(changning)
    # alice is a user of 长宁区, not of the other organisation: there she is a name.
    assert Dispatch.objects.get(organization=empty_org).officers_text == "alice、外聘专家"


def test_importing_the_same_file_twice_changes_nothing(changning):
    data = workbook(good_ledger())
    first = load(data, changning)
    assert first.sheets["执法出动"].created == 3
    assert first.sources_created == 2
    before = database_snapshot()
    second = load(data, changning)
    assert database_snapshot() == before
    assert second.changed == 0
    assert {title: o.unchanged for title, o in second.sheets.items()} == {
        "执法出动": 3,
        "污染源检查": 3,
        "行政处罚": 3,
        "执法装备": 2,
        "培训记录": 2,
    }
    assert summary_lines(second.as_dict())[0] == "执法出动：新增0条，更新0条，未变化3条"


def test_a_changed_row_updates_its_record_by_key(changning):
    load(workbook(good_ledger()), changning)
    sheets = good_ledger()
    sheets["执法出动"][1][2] = 4  # CD2023-001 now had four officers
    sheets["行政处罚"][1][7] = 900000
    summary = load(workbook(sheets), changning)
    assert summary.sheets["执法出动"].updated == 1 and summary.sheets["执法出动"].unchanged == 2
    assert Dispatch.objects.get(number="CD2023-001").officer_count == 4
    assert PenaltyCase.objects.get(case_number="长环罚〔2023〕1号").fine_yuan == Decimal("900000.00")
    assert Dispatch.objects.count() == 3


def test_officers_who_are_users_are_linked_and_the_rest_kept_as_names(changning, alice):
    alice.last_name, alice.first_name = "张", "三"
    alice.save()
    sheets = good_ledger()
    sheets["执法出动"][1][3] = "张三，王建军"
    load(workbook(sheets), changning)
    dispatch = Dispatch.objects.get(number="CD2023-001")
    assert list(dispatch.officer_users.all()) == [alice]
    assert dispatch.officer_names == "王建军"
    assert dispatch.officers_text == "张三、王建军"


def test_sources_are_matched_by_credit_code_not_name(changning, make):
    existing = make.source("本单位登记的名称", credit_code="9144030071526726XG")
    load(workbook(good_ledger()), changning)
    existing.refresh_from_db()
    assert existing.name == "本单位登记的名称"
    assert PollutionSource.objects.filter(organization=changning).count() == 2
    assert Inspection.objects.filter(source=existing).count() == 2


def test_an_inspection_may_point_at_a_dispatch_already_stored(changning, make):
    make.dispatch(date(2023, 4, 1), number="CD-OLD")
    sheets = {
        "污染源检查": [
            headers("污染源检查"),
            ["CD-OLD", date(2023, 4, 1), "甲", "9144030071526726XG", "未发现问题", ""],
        ]
    }
    load(workbook(sheets), changning)
    assert Inspection.objects.get().dispatch.number == "CD-OLD"


def test_exported_text_that_looks_like_a_formula_stays_text(make, changning):
    make.dispatch(date(2023, 5, 6), number="=1+1", note="@SUM(A1)", officer_names="-张三")
    make.training(date(2023, 5, 6), topic="+培训", organiser="=cmd|' /C calc'!A0")
    data = ledger_export(organization=changning, start=None, end=None)
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in risky} == {"=1+1", "@SUM(A1)", "-张三", "+培训", "=cmd|' /C calc'!A0"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    assert not any(c.data_type == "f" for c in cells)


def test_the_empty_template_has_every_sheet_and_header():
    wb = load_workbook(io.BytesIO(ledger_workbook({})))
    assert wb.sheetnames == ["执法出动", "污染源检查", "行政处罚", "执法装备", "培训记录", "执法人员"]
    for title in wb.sheetnames:
        assert [c.value for c in wb[title][1]] == headers(title, optional=True)
        assert wb[title].max_row == 1
    # drop-down lists for the choice columns
    assert '"日常监管,专项执法,信访投诉,双随机抽查,其他"' in [
        v.formula1 for v in wb["执法出动"].data_validations.dataValidation
    ]


def test_the_export_selects_by_each_records_own_date(make, changning):
    make.dispatch(date(2023, 8, 31), number="IN")
    make.dispatch(date(2023, 9, 1), number="OUT")
    outside = make.dispatch(date(2022, 12, 30), number="BEHIND-INSPECTION")
    make.inspection(date(2023, 1, 1), dispatch=outside)  # checked in the period, in an outing that started before
    make.case(date(2023, 8, 1), date(2023, 9, 2), "fined", "10", case_number="DECIDED-AFTER")
    make.case(date(2023, 8, 1), None, case_number="PENDING-IN")
    wb = load_workbook(io.BytesIO(ledger_export(organization=changning, start=date(2023, 1, 1), end=date(2023, 8, 31))))
    numbers = [r[0] for r in wb["执法出动"].iter_rows(min_row=2, values_only=True)]
    assert sorted(numbers) == ["BEHIND-INSPECTION", "IN"]
    assert [r[0] for r in wb["行政处罚"].iter_rows(min_row=2, values_only=True)] == ["PENDING-IN"]
    assert "统计汇总" in wb.sheetnames
    summary = {r[0]: r[1] for r in wb["统计汇总"].iter_rows(values_only=True) if r and r[0]}
    # the statistics sheet counts dispatches by date only: the one behind the inspection is outside
    assert summary["出动执法人员（批次）"] == 1
    assert summary["检查污染源（户次）"] == 1
