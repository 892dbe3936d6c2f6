"""Helpers for the enforcement-records tests: records made by hand, ledger workbooks built in memory.

Imported by the tests as ``tests.inspections.records_helpers``."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from accounts.models import Organization
from inspections.ledger.layout import SHEETS
from inspections.models import Dispatch, Equipment, Inspection, Officer, PenaltyCase, PollutionSource, Training
from inspections.selectors import period_statistics
from inspections.validators import credit_code_check_character

VALID_CODES = ["9144030071526726XG", "914403001922038216", "91330100799655058B", "91310000132200821H"]


def code(n: int) -> str:
    """The n-th made-up valid credit code of 长宁区."""
    first17 = f"91310105{n:08d}0"
    return first17 + credit_code_check_character(first17)


class Make:
    """Records of one organisation, with the fewest arguments a test needs."""

    def __init__(self, organization: Organization):
        self.org = organization
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def source(self, name: str | None = None, **kw) -> PollutionSource:
        n = self._next()
        return PollutionSource.objects.create(
            organization=self.org, name=name or f"测试单位{n}", credit_code=kw.pop("credit_code", code(n)), **kw
        )

    def dispatch(self, day: date, officers: int = 2, number: str | None = None, **kw) -> Dispatch:
        return Dispatch.objects.create(
            organization=self.org,
            number=number or f"CD-{self._next():05d}",
            dispatched_on=day,
            officer_count=officers,
            **kw,
        )

    def inspection(self, day: date, dispatch: Dispatch | None = None, source: PollutionSource | None = None, **kw):
        return Inspection.objects.create(
            organization=self.org,
            dispatch=dispatch or self.dispatch(day),
            source=source or self.source(),
            inspected_on=day,
            **kw,
        )

    def case(self, filed: date, decided: date | None = None, outcome: str = "", fine: str = "0", **kw) -> PenaltyCase:
        return PenaltyCase.objects.create(
            organization=self.org,
            case_number=kw.pop("case_number", f"罚-{self._next()}"),
            source=kw.pop("source", None) or self.source(),
            violation_type=kw.pop("violation_type", "废水超标"),
            filed_on=filed,
            decided_on=decided,
            outcome=outcome,
            fine_yuan=Decimal(fine),
            **kw,
        )

    def equipment(self, day: date, category: str = Equipment.Category.DRONE, **kw) -> Equipment:
        return Equipment.objects.create(
            organization=self.org,
            asset_number=kw.pop("asset_number", f"ZC-{self._next()}"),
            name=kw.pop("name", "无人机"),
            category=category,
            purchased_on=day,
            **kw,
        )

    def training(self, day: date, attendees: int = 30, **kw) -> Training:
        return Training.objects.create(
            organization=self.org,
            held_on=day,
            topic=kw.pop("topic", f"培训{self._next()}"),
            attendees=attendees,
            hours=Decimal(kw.pop("hours", "2")),
            **kw,
        )

    def officer(
        self,
        name: str | None = None,
        valid_from: date | None = date(2020, 1, 1),
        valid_to: date | None = date(2030, 12, 31),
        **kw,
    ) -> Officer:
        n = self._next()
        number = kw.pop("certificate_number", f"310105{n:06d}" if valid_from else "")
        return Officer.objects.create(
            organization=self.org,
            name=name or f"执法员{n}",
            certificate_number=number,
            certificate_valid_from=valid_from,
            certificate_valid_to=valid_to,
            **kw,
        )


def workbook(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """An .xlsx whose sheets hold exactly the given rows (row 1 = headers)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def headers(title: str, *, optional: bool = False) -> list[str]:
    """The sheet's headers; without ``optional`` as the first ledgers had them (the columns added since left out)."""
    sheet = next(s for s in SHEETS if s.title == title)
    return [c.header for c in sheet.columns if optional or not c.optional]


def good_ledger(extra: Mapping[str, Iterable[Sequence[object]]] | None = None) -> dict[str, list]:
    """A small correct ledger touching every sheet; ``extra`` rows are appended to the named sheets."""
    sheets = {
        "执法出动": [
            headers("执法出动"),
            ["CD2023-001", date(2023, 1, 1), 2, "王建军、李明华", "日常监管", "首日检查"],
            ["CD2023-002", "2023-08-31", 3, "", "信访投诉", None],
            ["CD2023-003", "2023年9月1日", 2, "王建军", "专项执法", ""],
        ],
        "污染源检查": [
            headers("污染源检查"),
            ["CD2023-001", date(2023, 1, 1), "上海甲餐饮管理有限公司", VALID_CODES[0], "未发现问题", None],
            [
                "CD2023-002",
                date(2023, 8, 31),
                "上海乙汽修有限公司",
                VALID_CODES[1],
                "发现违法行为",
                "危废未贴标识",
            ],
            ["CD2023-003", date(2023, 9, 1), "上海甲餐饮管理有限公司", VALID_CODES[0], "未发现问题", None],
        ],
        "行政处罚": [
            headers("行政处罚"),
            [
                "长环罚〔2023〕1号",
                "上海乙汽修有限公司",
                VALID_CODES[1],
                "未按照要求粘贴危废识别标识",
                date(2023, 7, 1),
                date(2023, 8, 31),
                "罚款",
                909150,
                "否",
            ],
            [
                "长环罚〔2023〕2号",
                "上海甲餐饮管理有限公司",
                VALID_CODES[0],
                "未正常使用油烟净化装置",
                "2023-08-01",
                "2023-08-20",
                "免于处罚",
                None,
                "否",
            ],
            [
                "长环罚〔2023〕3号",
                "上海甲餐饮管理有限公司",
                VALID_CODES[0],
                "废水超标",
                "2023-08-25",
                "2023-09-01",
                "罚款",
                "1000.50",
                "是",
            ],
        ],
        "执法装备": [
            headers("执法装备"),
            ["ZC-001", "环保无人机", "无人机", date(2023, 3, 1), "在用"],
            ["ZC-002", "红外热成像仪", "红外热成像仪", "2022/12/31", "在用"],
        ],
        "培训记录": [
            headers("培训记录"),
            [date(2023, 6, 15), "无人机应用培训", "装备使用", "第三方机构", 35, 4],
            [date(2023, 7, 13), "红外热成像仪使用培训", "装备使用", "第三方机构", 33, 3.5],
        ],
    }
    for title, rows in (extra or {}).items():
        sheets[title].extend(rows)
    return sheets


def jan_aug(organization: Organization):
    return period_statistics(organization=organization, start=date(2023, 1, 1), end=date(2023, 8, 31))


def database_snapshot() -> dict[str, list]:
    """Everything the records tables hold, to show that a failed import changed nothing."""
    return {
        model.__name__: sorted(map(repr, model.objects.values_list()))
        for model in (PollutionSource, Dispatch, Inspection, PenaltyCase, Equipment, Training, Officer)
    } | {
        "officers": sorted(Dispatch.officer_users.through.objects.values_list("dispatch_id", "user_id")),
        "roster": sorted(Dispatch.officers.through.objects.values_list("dispatch_id", "officer_id")),
    }


def xlsm() -> bytes:
    """A valid workbook turned macro-enabled: a VBA part and the macro content type."""
    source = zipfile.ZipFile(io.BytesIO(workbook(good_ledger())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            target.writestr(item, data)
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba")
    return out.getvalue()
