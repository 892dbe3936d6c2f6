"""The ledger's 执法人员 sheet, the 行政处罚 sheet's optional procedure columns, and dispatch officers matched to
the roster on import: round trips, old-format files, and bad rows reported by row and column with nothing saved."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Organization
from inspections.exports import ledger_export
from inspections.ledger.reader import read_ledger
from inspections.ledger.rows import LedgerError
from inspections.models import Dispatch, ExemptionListItem, Officer, PenaltyCase
from inspections.services import import_ledger
from inspections.services.ledger import summary_lines
from tests.inspections.records_helpers import VALID_CODES, database_snapshot, good_ledger, headers, workbook

MAX = 50 * 1024 * 1024
ROSTER = headers("执法人员")


def load(data: bytes, organization: Organization):
    return import_ledger(organization=organization, ledger=read_ledger(data, max_bytes=MAX))


def problems(data: bytes, organization: Organization) -> list[tuple]:
    with pytest.raises(LedgerError) as info:
        load(data, organization)
    return [(p.sheet, p.row, p.column, p.reason) for p in info.value.problems]


@pytest.fixture
def empty_org(city):
    return Organization.objects.create(code="empty", name="空白测试机构", short_name="空白", parent=city)


def with_roster(rows: list[list], **sheets) -> dict:
    ledger = good_ledger()
    ledger["执法人员"] = [ROSTER, *rows]
    ledger.update(sheets)
    return ledger


OFFICERS = [
    ["王建军", "执法大队", "31010500001", date(2022, 1, 1), date(2026, 12, 31), "在岗"],
    ["李明", "", "31010500002", date(2022, 1, 1), date(2024, 6, 30), "轮岗"],
]


def test_the_roster_sheet_imports_and_dispatch_names_link_to_it(changning, brigade):
    sheets = with_roster(OFFICERS)
    # the good ledger's first dispatch names 王建军; add an unknown name to another
    sheets["执法出动"][2][headers("执法出动").index("执法人员")] = "李明、张无名"
    summary = load(workbook(sheets), changning)
    assert summary.sheets["执法人员"].created == 2
    wang = Officer.objects.get(certificate_number="31010500001")
    assert (wang.name, wang.department, wang.status) == ("王建军", brigade, "on_duty")
    linked = {d.number: sorted(o.name for o in d.officers.all()) for d in Dispatch.objects.all()}
    assert ["李明"] in linked.values() and any("王建军" in names for names in linked.values())
    assert Dispatch.objects.get(officer_names="张无名")
    # the good ledger's other names (李明华) are not in this roster either: listed, kept as names
    assert summary.unmatched_officers == {"names": ["李明华", "张无名"], "count": 2}
    assert any("张无名" in line and "未能与执法人员名录对应" in line for line in summary_lines(summary.as_dict()))
    again = load(workbook(sheets), changning)
    assert again.changed == 0


def test_a_name_two_officers_share_is_not_linked(changning, brigade):
    sheets = with_roster([OFFICERS[0], ["王建军", "", "31010500009", date(2022, 1, 1), date(2026, 12, 31), "在岗"]])
    summary = load(workbook(sheets), changning)
    assert not Dispatch.officers.through.objects.exists()
    assert "王建军" in summary.unmatched_officers["names"]


def test_roster_and_procedure_round_trip(changning, empty_org, make):
    item = ExemptionListItem.objects.create(code="A-3", title="初次轻微违法")
    wang = make.officer("王强", certificate_number="310105X1")
    dispatch = make.dispatch(date(2023, 5, 6), 2, number="CD-1", officer_names="外聘专家")
    dispatch.officers.add(wang)
    make.case(
        date(2023, 1, 1), date(2023, 4, 20), "exempted", "0", case_number="罚-1",
        exemption_ground="listed", exemption_item=item, extension_days=30, extension_reason="案情复杂",
        delivered_on=date(2023, 4, 22), is_major=True, legal_reviewer="周敏", legal_reviewed_on=date(2023, 4, 1),
    )  # fmt: skip
    make.case(
        date(2023, 2, 1), date(2023, 3, 1), "fined", "1000", case_number="罚-2", transferred_to_police=True,
        transferred_on=date(2023, 3, 2), transferred_to="长宁公安分局", paid_yuan=Decimal("1030"),
        surcharge_yuan=Decimal("30"), paid_on=date(2023, 4, 5),
    )  # fmt: skip
    load(ledger_export(organization=changning, start=None, end=None), empty_org)
    fields = ["case_number", "extension_days", "extension_reason", "delivered_on", "exemption_ground",
              "exemption_item__code", "is_major", "legal_reviewer", "legal_reviewed_on", "transferred_on",
              "transferred_to", "paid_yuan", "surcharge_yuan", "paid_on"]  # fmt: skip

    def cases(org):
        return list(PenaltyCase.objects.filter(organization=org).order_by("case_number").values_list(*fields))

    assert cases(empty_org) == cases(changning)
    copy = Dispatch.objects.get(organization=empty_org)
    assert copy.officer_list() == ["王强", "外聘专家"]
    assert Officer.objects.get(organization=empty_org).certificate_number == "310105X1"


def test_an_old_format_file_imports_and_leaves_the_procedure_alone(changning):
    load(workbook(good_ledger()), changning)  # without the 执法人员 sheet and the new columns
    case = PenaltyCase.objects.filter(organization=changning, outcome="fined").first()
    PenaltyCase.objects.filter(pk=case.pk).update(
        delivered_on=case.decided_on, extension_days=5, extension_reason="批准"
    )
    before = database_snapshot()
    summary = load(workbook(good_ledger()), changning)
    assert summary.changed == 0 and database_snapshot() == before


def case_rows(**values) -> list[list]:
    """The 行政处罚 sheet with every column, one fined case and one exempted, changed by ``values``."""
    full = headers("行政处罚", optional=True)
    base = {
        "案件编号": "长环罚〔2023〕9号",
        "单位名称": "上海甲公司",
        "统一社会信用代码": VALID_CODES[0],
        "违法行为类型": "废水超标",
        "立案日期": date(2023, 1, 1),
        "决定日期": date(2023, 3, 1),
        "处理结果": "免于处罚",
        "免罚依据": "首违不罚",
    }
    base.update(values)
    return [full, [base.get(h) for h in full]]


@pytest.mark.parametrize(
    "values, column, reason",
    [
        ({"免罚依据": None}, "免罚依据", "免于处罚或不予处罚的案件须填写免罚依据。"),
        ({"送达日期": date(2023, 2, 28)}, "送达日期", "送达日期不能早于决定日期。"),
        ({"延长决定期限（天）": 10}, "延期理由", "延长决定期限须填写延期理由（经负责人批准的理由）。"),
        ({"免罚依据": "免罚清单事项", "免罚清单序号": "X-9"}, "免罚清单序号",
         "免罚清单中没有序号为“X-9”的事项（免罚清单由管理员维护）"),
    ],
)  # fmt: skip
def test_bad_procedure_cells_are_named_by_row_and_column_and_nothing_is_saved(changning, values, column, reason):
    before = database_snapshot()
    found = problems(workbook({"行政处罚": case_rows(**values)}), changning)
    assert ("行政处罚", 2, column, reason) in found
    assert database_snapshot() == before


@pytest.mark.parametrize(
    "rows, row, column, reason",
    [
        ([OFFICERS[0], ["李明", "", "31010500001", date(2022, 1, 1), date(2026, 1, 1), "在岗"]], 3, "执法证号",
         "执法证号“31010500001”与第2行重复，同一文件中只能出现一次"),
        ([["李明", "", "31010500003", date(2024, 1, 1), date(2023, 12, 31), "在岗"]], 2, "有效期止",
         "有效期止2023-12-31早于有效期起2024-01-01"),
        ([["李明", "法制科X", "31010500003", date(2022, 1, 1), date(2026, 1, 1), "在岗"]], 2, "部门",
         "本单位没有名为“法制科X”的部门（部门由管理员维护）"),
    ],
)  # fmt: skip
def test_bad_roster_rows_are_named_and_nothing_is_saved(changning, brigade, rows, row, column, reason):
    before = database_snapshot()
    assert ("执法人员", row, column, reason) in problems(workbook(with_roster(rows)), changning)
    assert database_snapshot() == before
