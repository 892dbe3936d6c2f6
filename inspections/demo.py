"""Demo enforcement records for seed_demo.

For 长宁区, 2023-01-01..2023-08-31 gives exactly the figures of the reference report (长环保发〔2023〕15号):
1068 dispatches, 2468 person-times, 1062 source checks, 13 fined cases totalling 909,150.00 yuan, 11
exempted cases, with its violation types. 2022 and Sept–Dec 2023 have records too (some on the days
just outside the period), so a wrong period filter shows in the figures.

The records go in through the ledger import (``services.import_ledger``), the one write path for
records in bulk; only the pollution sources' details and the departments, which the ledger does not
carry, are set directly.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Department, Organization
from inspections.ledger.layout import SHEETS
from inspections.ledger.rows import CaseRow, DispatchRow, EquipmentRow, InspectionRow, Ledger, OfficerRow, TrainingRow
from inspections.models import (
    Dispatch,
    Equipment,
    EquipmentRequirement,
    Inspection,
    Officer,
    PenaltyCase,
    PollutionSource,
)
from inspections.procedure.models import ExemptionGround
from inspections.services import import_ledger
from inspections.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

T = Dispatch.TaskType
O = PenaltyCase.Outcome  # noqa: E741
CHANGNING_REGION = "310105"

OFFICERS = [
    "张填报",
    "王建军",
    "李明华",
    "陈思远",
    "刘志强",
    "周晓东",
    "吴海峰",
    "孙丽娟",
    "郑国庆",
    "徐文斌",
    "黄振宇",
    "朱佳怡",
]
STREETS = [
    "天山路", "仙霞路", "虹桥路", "延安西路", "长宁路", "愚园路", "武夷路", "遵义路", "古北路", "哈密路",
    "北翟路", "金钟路", "协和路", "剑河路", "茅台路", "娄山关路", "定西路", "江苏路", "番禺路", "淮海西路",
]  # fmt: skip
WORDS = "恒瑞嘉禾新源博创华盛天祥宏达锦程明远安泰鑫茂和信永丰嘉德瑞丰金桥云海晨光立达东方凯悦百川广德"
# industry, company suffix, how many, supervision category
INDUSTRIES = [
    ("餐饮服务", "餐饮管理有限公司", 110, PollutionSource.Category.GENERAL),
    ("机动车维修", "汽车维修服务有限公司", 35, PollutionSource.Category.KEY),
    ("医疗卫生", "医院有限公司", 20, PollutionSource.Category.KEY),
    ("建筑施工", "建设工程有限公司", 40, PollutionSource.Category.GENERAL),
    ("洗染服务", "洗涤服务有限公司", 15, PollutionSource.Category.GENERAL),
    ("科研实验", "生物科技有限公司", 20, PollutionSource.Category.KEY),
    ("印刷", "印务有限公司", 10, PollutionSource.Category.KEY),
    ("加油站", "石油销售有限公司", 10, PollutionSource.Category.SPECIAL),
]
TASK_MIX = [T.ROUTINE] * 11 + [T.RANDOM] * 4 + [T.SPECIAL] * 3 + [T.COMPLAINT] * 3 + [T.OTHER]
FINDINGS = {
    "建设项目验收弄虚作假": "竣工环境保护验收报告中监测数据与实际不符",
    "废水超标": "废水总排口采样监测，化学需氧量超过排放标准",
    "未正常使用油烟净化装置": "油烟净化装置未开启，未按要求清洗维护",
    "未申报并悬挂非道环保牌照": "施工现场非道路移动机械未申报登记、未悬挂环保牌照",
    "未按照要求粘贴危废识别标识": "危险废物贮存场所及容器未按要求粘贴识别标识",
    "未按规定贮存危险废物": "危险废物露天堆放，未设置防渗措施",
    "噪声排放超标": "夜间厂界噪声超过排放标准",
    "未按规定公开环境信息": "未按规定公开自行监测信息",
    "未按规定设置排污口标志": "废水排放口未设置规范化标志牌",
}
# Jan–Aug 2023, as in the reference report: (type, filed, decided, outcome, fine in yuan, transferred).
# Three were decided after the 90 days allowed (marked "late"), the 3 cases the 2023 self-assessment deducts for.
CASES_2023 = [
    ("建设项目验收弄虚作假", date(2022, 12, 20), date(2023, 1, 10), O.FINED, 200000, False),
    ("建设项目验收弄虚作假", date(2023, 3, 2), date(2023, 4, 18), O.FINED, 200000, False),
    ("建设项目验收弄虚作假", date(2023, 2, 27), date(2023, 6, 27), O.FINED, 200000, False),  # late
    ("废水超标", date(2023, 2, 14), date(2023, 3, 30), O.FINED, 150000, True),
    ("废水超标", date(2023, 3, 28), date(2023, 7, 21), O.FINED, 100000, False),  # late
    ("未正常使用油烟净化装置", date(2023, 4, 3), date(2023, 5, 16), O.FINED, 43650, False),
    ("未正常使用油烟净化装置", date(2023, 5, 10), date(2023, 8, 31), O.FINED, 10000, False),  # late
    ("未按规定贮存危险废物", date(2023, 4, 24), date(2023, 6, 2), O.FINED, 500, False),
    ("未申报并悬挂非道环保牌照", date(2023, 3, 15), date(2023, 4, 20), O.FINED, 2000, False),
    ("未申报并悬挂非道环保牌照", date(2023, 5, 22), date(2023, 6, 30), O.FINED, 1000, False),
    ("未按照要求粘贴危废识别标识", date(2023, 4, 10), date(2023, 5, 25), O.FINED, 1000, False),
    ("未按照要求粘贴危废识别标识", date(2023, 6, 19), date(2023, 7, 28), O.FINED, 500, False),
    ("未按照要求粘贴危废识别标识", date(2023, 7, 10), date(2023, 8, 18), O.FINED, 500, False),
    ("未正常使用油烟净化装置", date(2023, 1, 9), date(2023, 2, 8), O.EXEMPTED, 0, False),
    ("未正常使用油烟净化装置", date(2023, 3, 20), date(2023, 4, 12), O.EXEMPTED, 0, False),
    ("未正常使用油烟净化装置", date(2023, 6, 1), date(2023, 6, 29), O.EXEMPTED, 0, False),
    ("未申报并悬挂非道环保牌照", date(2023, 2, 20), date(2023, 3, 17), O.EXEMPTED, 0, False),
    ("未申报并悬挂非道环保牌照", date(2023, 5, 4), date(2023, 5, 31), O.EXEMPTED, 0, False),
    ("未申报并悬挂非道环保牌照", date(2023, 7, 17), date(2023, 8, 10), O.EXEMPTED, 0, False),
    ("未按照要求粘贴危废识别标识", date(2023, 3, 6), date(2023, 3, 31), O.EXEMPTED, 0, False),
    ("未按照要求粘贴危废识别标识", date(2023, 5, 15), date(2023, 6, 9), O.EXEMPTED, 0, False),
    ("未按照要求粘贴危废识别标识", date(2023, 7, 24), date(2023, 8, 22), O.EXEMPTED, 0, False),
    ("噪声排放超标", date(2023, 4, 17), date(2023, 5, 12), O.EXEMPTED, 0, False),
    ("未按规定公开环境信息", date(2023, 6, 26), date(2023, 7, 19), O.EXEMPTED, 0, False),
    ("未按规定设置排污口标志", date(2023, 7, 31), date(2023, 8, 28), O.NOT_PENALISED, 0, False),
    ("废水超标", date(2023, 8, 14), None, O.PENDING, 0, False),
    # After the period: filed in August, decided in September, so it counts in September.
    ("未正常使用油烟净化装置", date(2023, 8, 25), date(2023, 9, 12), O.FINED, 20000, False),
    ("建设项目验收弄虚作假", date(2023, 9, 18), date(2023, 11, 3), O.FINED, 250000, False),
    ("废水超标", date(2023, 10, 9), date(2023, 11, 24), O.FINED, 120000, False),
    ("未按照要求粘贴危废识别标识", date(2023, 10, 23), date(2023, 11, 17), O.EXEMPTED, 0, False),
    ("未申报并悬挂非道环保牌照", date(2023, 11, 6), date(2023, 12, 1), O.FINED, 3000, False),
    ("噪声排放超标", date(2023, 11, 20), date(2023, 12, 15), O.EXEMPTED, 0, False),
    ("废水超标", date(2023, 12, 11), None, O.PENDING, 0, False),
]
CASES_2022 = [
    ("废水超标", date(2022, 1, 17), date(2022, 3, 4), O.FINED, 180000, False),
    ("未正常使用油烟净化装置", date(2022, 2, 21), date(2022, 3, 25), O.FINED, 30000, False),
    ("建设项目验收弄虚作假", date(2022, 3, 14), date(2022, 5, 6), O.FINED, 300000, False),
    ("未按规定贮存危险废物", date(2022, 4, 11), date(2022, 5, 20), O.FINED, 50000, True),
    ("未正常使用油烟净化装置", date(2022, 6, 13), date(2022, 7, 8), O.EXEMPTED, 0, False),
    ("噪声排放超标", date(2022, 7, 4), date(2022, 8, 12), O.FINED, 20000, False),
    ("未申报并悬挂非道环保牌照", date(2022, 8, 8), date(2022, 9, 2), O.EXEMPTED, 0, False),
    ("废水超标", date(2022, 9, 5), date(2022, 10, 21), O.FINED, 100000, False),
    ("未按照要求粘贴危废识别标识", date(2022, 10, 10), date(2022, 11, 4), O.EXEMPTED, 0, False),
    ("未正常使用油烟净化装置", date(2022, 11, 7), date(2022, 12, 9), O.FINED, 15000, False),
    ("未按规定公开环境信息", date(2022, 11, 28), date(2022, 12, 30), O.EXEMPTED, 0, False),
]
# The ground of each kind of case not fined: the demo's minor violations are first offences (首违不罚).
GROUNDS = {O.EXEMPTED: ExemptionGround.FIRST_MINOR, O.NOT_PENALISED: ExemptionGround.NO_HARM}
# Dispatches per month and how many have three officers instead of two; Jan–Aug 2023 sum to the report's
# 1068 dispatches and 1068 * 2 + 332 = 2468 person-times.
DISPATCH_PLAN = {
    2022: ([120, 118, 135, 60, 45, 110, 128, 130, 126, 124, 122, 118], 420),
    2023: ([110, 120, 145, 135, 140, 145, 135, 138, 132, 136, 130, 126], None),
}
THREE_OFFICERS_JAN_AUG_2023 = 332
THREE_OFFICERS_SEP_DEC_2023 = 150
# Jan–Aug 2023: dispatches without a source check and with two; 1068 - 30 + 24 = 1062 checks.
NO_CHECK, TWO_CHECKS = 30, 24
D = date
EQUIPMENT = [
    # category, name, one purchase date per item
    (
        Equipment.Category.DRONE,
        "环保执法无人机（多旋翼，带气体检测挂载）",
        [D(2021, 6, 18), D(2023, 3, 28), D(2023, 3, 28)],
    ),
    (Equipment.Category.THERMAL, "红外热成像仪", [D(2023, 4, 21), D(2023, 4, 21)]),
    (Equipment.Category.BODY_CAMERA, "执法记录仪", [D(2019, 5, 10)] * 8 + [D(2021, 9, 15)] * 8 + [D(2023, 2, 23)] * 8),
    (Equipment.Category.TERMINAL, "移动执法终端", [D(2020, 7, 6)] * 6 + [D(2022, 8, 19)] * 5 + [D(2023, 5, 30)] * 5),
    (Equipment.Category.MONITOR, "便携式VOCs检测仪", [D(2022, 3, 8), D(2022, 3, 8), D(2023, 10, 16)]),
    (Equipment.Category.MONITOR, "便携式噪声测量仪", [D(2021, 4, 12)]),
    (Equipment.Category.VEHICLE, "执法车辆（新能源）", [D(2020, 11, 2), D(2022, 12, 26), D(2023, 9, 5)]),
]
TRAININGS = [
    (date(2022, 3, 24), "《排污许可管理条例》执法要点", "law", "局执法宣传科", 36, "3"),
    (date(2022, 6, 23), "生态环境执法大练兵：现场检查与调查取证", "drill", "局执法大队", 40, "4"),
    (date(2022, 9, 15), "执法记录仪与移动执法终端规范使用", "equipment", "局执法大队", 38, "2"),
    (date(2022, 12, 8), "行政处罚案卷制作规范", "skills", "局执法宣传科", 35, "3"),
    (date(2023, 2, 16), "新《生态环境行政处罚办法》解读", "law", "局执法宣传科", 38, "3"),
    (date(2023, 4, 20), "执法大练兵：现场检查实战演练", "drill", "局执法大队", 42, "4"),
    (date(2023, 6, 15), "环保无人机应用培训（基础理论与实操演练）", "equipment", "第三方专业机构", 35, "4"),
    (date(2023, 7, 13), "红外热成像仪使用培训及实操演练", "equipment", "第三方专业机构", 33, "3"),
    (date(2023, 8, 24), "排污许可证后执法检查要点", "skills", "局执法大队", 40, "3"),
    (date(2023, 9, 21), "非现场监管与在线监控数据应用", "skills", "局执法大队", 39, "2"),
    (date(2023, 11, 16), "案卷质控评查问题讲评", "skills", "局执法宣传科", 37, "3"),
]


def demo_credit_code(rng: random.Random) -> str:
    """A made-up but well-formed code: enterprise (91), 长宁区, GB 11714 organisation code, GB 32100 check."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    weighted = sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    org_check = {10: "X", 11: "0"}.get(11 - weighted % 11, str(11 - weighted % 11))
    first17 = "91" + CHANGNING_REGION + body + org_check
    assert all(c in CREDIT_CODE_ALPHABET for c in first17)
    return first17 + credit_code_check_character(first17)


def _sources(organization: Organization, rng: random.Random) -> dict[str, list[PollutionSource]]:
    existing = {s.credit_code for s in PollutionSource.objects.filter(organization=organization)}
    by_industry: dict[str, list[PollutionSource]] = {}
    names: set[str] = set()
    for industry, suffix, count, category in INDUSTRIES:
        for _ in range(count):
            name = ""
            while not name or name in names:
                name = f"上海{rng.choice(WORDS)}{rng.choice(WORDS)}{suffix}"
            names.add(name)
            by_industry.setdefault(industry, []).append(
                PollutionSource(
                    organization=organization,
                    name=name,
                    credit_code=demo_credit_code(rng),
                    address=f"上海市长宁区{rng.choice(STREETS)}{rng.randint(1, 1800)}号",
                    industry=industry,
                    category=category,
                )
            )
    PollutionSource.objects.bulk_create(
        [s for group in by_industry.values() for s in group if s.credit_code not in existing]
    )
    return by_industry


def _days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    days = [first + timedelta(n) for n in range((following - first).days)]
    return [d for d in days if d.weekday() < 5] or days


def _spread(count: int, chosen: int) -> list[bool]:
    """``chosen`` of ``count`` positions marked, evenly spread."""
    return [(i + 1) * chosen // count != i * chosen // count for i in range(count)]


def _dispatches(year: int, rng: random.Random) -> list[DispatchRow]:
    per_month, threes = DISPATCH_PLAN[year]
    rows: list[DispatchRow] = []
    for month, count in enumerate(per_month, start=1):
        days = _days(year, month)
        for i in range(count):
            rows.append(
                DispatchRow(0, f"CD{year}{len(rows) + 1:04d}", days[i * len(days) // count], 2, (), T.ROUTINE, "")
            )
    if year == 2022:
        three = _spread(len(rows), threes)
    else:
        jan_aug = sum(per_month[:8])
        three = _spread(jan_aug, THREE_OFFICERS_JAN_AUG_2023) + _spread(
            len(rows) - jan_aug, THREE_OFFICERS_SEP_DEC_2023
        )
    result = []
    for row, is_three in zip(rows, three, strict=True):
        count = 3 if is_three else 2
        task = rng.choice(TASK_MIX)
        note = "夜间突击检查" if task == T.COMPLAINT and rng.random() < 0.3 else ""
        officers = tuple(rng.sample(OFFICERS, count))
        result.append(DispatchRow(0, row.number, row.dispatched_on, count, officers, task, note))
    # Boundaries a wrong period filter would get wrong: the last day of 2022 and 2023-09-01.
    if year == 2022:
        result[-1] = DispatchRow(
            0, result[-1].number, date(2022, 12, 31), 2, result[-1].officers[:2], T.COMPLAINT, "节假日信访投诉处置"
        )
    return result


def _ledger(by_industry: dict[str, list[PollutionSource]], rng: random.Random) -> Ledger:
    ledger = Ledger(sheets=[s.title for s in SHEETS])
    everyone = [s for group in by_industry.values() for s in group]
    checks: dict[str, list[InspectionRow]] = {}
    for year in (2022, 2023):
        dispatches = _dispatches(year, rng)
        ledger.dispatches.extend(dispatches)
        jan_aug = sum(DISPATCH_PLAN[year][0][:8]) if year == 2023 else 0
        for index, dispatch in enumerate(dispatches):
            if index < jan_aug:
                # NO_CHECK dispatches check no source and TWO_CHECKS check two, spread over the months.
                slot, turn = index % 35, index // 35
                count = 0 if slot == 7 and turn < NO_CHECK else 2 if slot == 21 and turn < TWO_CHECKS else 1
            else:
                count = 0 if index % 40 == 13 else 1
            checks[dispatch.number] = [
                InspectionRow(
                    0, dispatch.number, dispatch.dispatched_on, s.name, s.credit_code, Inspection.Result.CLEAR, ""
                )
                for s in rng.sample(everyone, count)
            ]
    # Each case was found in an outing on or after its filing date: that outing's check becomes the
    # finding, so the number of checks stays as planned.
    by_date = sorted(ledger.dispatches, key=lambda d: (d.dispatched_on, d.number))
    serial: dict[int, int] = {}
    found: set[str] = set()
    all_cases = sorted(CASES_2022 + CASES_2023, key=lambda c: c[1])
    for n, (violation, filed, decided, outcome, fine, transferred) in enumerate(all_cases):
        pool = _pool_for(violation, by_industry)
        source = pool[n * 7 % len(pool)]
        serial[filed.year] = serial.get(filed.year, 0) + 1
        number = f"长环罚〔{filed.year}〕{serial[filed.year]}号"
        amount = Decimal(fine).quantize(Decimal("0.01"))
        procedure = {
            # delivered three days after the decision, within the 7 days allowed
            "delivered_on": decided + timedelta(days=3) if decided else None,
            "exemption_ground": GROUNDS.get(outcome, ""),
            "transferred_on": decided if transferred else None,
            "transferred_to": "上海市公安局长宁分局" if transferred else "",
        }
        ledger.cases.append(
            CaseRow(
                0, number, source.name, source.credit_code, violation, filed, decided, outcome, amount, transferred,
                procedure,
            )
        )  # fmt: skip
        outing = next(
            d for d in by_date if d.dispatched_on >= filed and len(checks[d.number]) == 1 and d.number not in found
        )
        found.add(outing.number)
        checks[outing.number] = [
            InspectionRow(
                0, outing.number, outing.dispatched_on, source.name, source.credit_code,
                Inspection.Result.VIOLATION, FINDINGS[violation],
            )
        ]  # fmt: skip
    ledger.inspections = [row for rows in checks.values() for row in rows]
    for category, name, days in EQUIPMENT:
        for n, day in enumerate(days, start=1):
            status = Equipment.Status.SCRAPPED if day.year == 2019 and n <= 2 else Equipment.Status.IN_USE
            ledger.equipment.append(
                EquipmentRow(0, f"CNHJ-{category.upper()}-{day.year}-{n:02d}", name, category, day, status)
            )
    for day, topic, category, organiser, attendees, hours in TRAININGS:
        ledger.trainings.append(TrainingRow(0, day, topic, category, organiser, attendees, Decimal(hours)))
    # The roster: every officer the dispatches name holds a certificate; the new officer's is being issued.
    for n, name in enumerate(OFFICERS, start=1):
        ledger.officers.append(
            OfficerRow(0, name, "", f"3101050{n:05d}", date(2021, 1, 1), date(2026, 12, 31), Officer.Status.ON_DUTY)
        )
    return ledger


# An illustrative equipment standard after 环办执法〔2024〕27号's categories: (category, minimum, one per N officers).
# The demo's 4 portable monitors are short of one per two officers, as its 2023 self-assessment says.
EQUIPMENT_STANDARD = [
    (Equipment.Category.DRONE, 1, None),
    (Equipment.Category.THERMAL, 1, None),
    (Equipment.Category.BODY_CAMERA, 1, 1),
    (Equipment.Category.TERMINAL, 1, 1),
    (Equipment.Category.MONITOR, 1, 2),
    (Equipment.Category.VEHICLE, 1, 5),
]


def seed_equipment_standard() -> None:
    """The equipment standard, unless the admins already keep one."""
    if not EquipmentRequirement.objects.exists():
        EquipmentRequirement.objects.bulk_create(
            EquipmentRequirement(category=c, minimum=m, per_officers=p, basis="环办执法〔2024〕27号（示意）")
            for c, m, p in EQUIPMENT_STANDARD
        )


def _pool_for(violation: str, by_industry: dict[str, list[PollutionSource]]) -> list[PollutionSource]:
    if "油烟" in violation:
        return by_industry["餐饮服务"]
    if "非道" in violation or "噪声" in violation:
        return by_industry["建筑施工"]
    if "危" in violation:
        return by_industry["机动车维修"] + by_industry["科研实验"]
    if "废水" in violation or "排污口" in violation:
        return by_industry["医疗卫生"] + by_industry["洗染服务"]
    return by_industry["科研实验"] + by_industry["印刷"]


def seed_records(organization: Organization) -> None:
    """Add the organisation's demo records; running it again adds nothing."""
    if Dispatch.objects.filter(organization=organization).exists():
        return  # already seeded, or real records: demo data must never overwrite them
    rng = random.Random(20231022)
    ledger = _ledger(_sources(organization, rng), rng)
    import_ledger(organization=organization, ledger=ledger)
    seed_equipment_standard()
    Officer.objects.create(organization=organization, name="赵新", status=Officer.Status.ON_DUTY)  # certificate pending
    brigade = Department.objects.filter(organization=organization, kind=Department.Kind.ENFORCEMENT).first()
    if brigade is not None:
        Dispatch.objects.filter(organization=organization, department=None).update(department=brigade)
        PenaltyCase.objects.filter(organization=organization, department=None).update(department=brigade)
        Officer.objects.filter(organization=organization, department=None).update(department=brigade)
