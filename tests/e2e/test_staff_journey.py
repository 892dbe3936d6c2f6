"""The staff journey: a scorer of 长宁区's 执法大队 scores, imports the ledger and submits the 2024 self-assessment.

Who does what is the product's: any scorer of the bureau may score any indicator and submit (docs/standard.md,
accounts/roles.py); submitting needs every indicator scored. The demo's 2024 draft has 4 of 17 scored
(assessment/demo.py), so the scorer scores the 执法大队's open indicators on the page (with a justification and an
evidence file), one indicator with rules of another department (as the bureau's 工作专班 does), and the remaining
direct scores through the 评分表 workbook (downloaded, filled in, uploaded back).
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from inspections.ledger.layout import SHEETS
from inspections.validators import credit_code_check_character
from tests.e2e.helpers import login, readme_shot
from tests.e2e.journeys import (
    DEMO_2024_TOTAL,
    WORKBOOK_SCORES,
    indicator,
    navbar,
    open_assessment,
    record_progress,
    save_indicator,
    submit,
    upload_score_workbook,
    watch_progress,
)

DISPATCHES = 10_000  # enough rows that reading them takes the worker a moment: the bar has something to show


def credit_code(n: int) -> str:
    first17 = f"91310105{n:08d}8"
    return first17 + credit_code_check_character(first17)


def ledger_workbook(*, fine_of_second_case: str | None) -> bytes:
    """A 2024 ledger as the bureau keeps it (docs/records.md): dispatches, the checks of a few, two cases."""
    headers = {sheet.title: list(sheet.headers) for sheet in SHEETS}
    start = date(2024, 1, 2)
    dispatches = [
        [f"CN2024-{n:05d}", start + timedelta(days=n % 300), 2 + n % 2, "", "日常监管", ""] for n in range(DISPATCHES)
    ]
    inspections = [
        ["CN2024-00000", start, "长宁示范印刷有限公司", credit_code(1), "未发现问题", ""],
        [
            "CN2024-00001",
            start + timedelta(days=1),
            "长宁示范餐饮有限公司",
            credit_code(2),
            "发现违法行为",
            "油烟净化器未开启",
        ],
        [
            "CN2024-00002",
            start + timedelta(days=2),
            "长宁示范汽修有限公司",
            credit_code(3),
            "发现违法行为",
            "危废未粘贴识别标识",
        ],
    ]
    cases = [
        [
            "长环罚〔2024〕1号",
            "长宁示范餐饮有限公司",
            credit_code(2),
            "油烟超标排放",
            date(2024, 1, 10),
            date(2024, 2, 20),
            "免于处罚",
            None,
            "否",
        ],
        [
            "长环罚〔2024〕2号",
            "长宁示范汽修有限公司",
            credit_code(3),
            "未按照要求粘贴危废识别标识",
            date(2024, 1, 12),
            date(2024, 3, 1),
            "罚款",
            fine_of_second_case,
            "否",
        ],
    ]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in (("执法出动", dispatches), ("污染源检查", inspections), ("行政处罚", cases)):
        sheet = workbook.create_sheet(title)
        # the columns of a ledger kept before the procedure columns existed: such a ledger still imports
        sheet.append(headers[title][: len(rows[0])])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def evidence_png(path: Path) -> Path:
    image = Image.new("RGB", (480, 320), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 470, 310), outline="black", width=3)
    draw.text((30, 30), "Joint enforcement meeting, 2024-03-15", fill="black")
    image.save(path, "PNG")
    return path


def import_ledger(page: Page, path: Path, shots, name: str) -> None:
    """Upload a ledger and watch the import page: its bar starts unfinished and moves to 100 % without a reload."""
    record_progress(page)
    page.get_by_label("台账文件").set_input_files(path)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"台账导入：{path.name}")
    expect(page.get_by_role("progressbar", name="导入进度")).to_be_visible()
    shots(page, f"{name}-uploaded")
    seen = watch_progress(page, page.locator("#import-summary, #import-errors").filter(visible=True))
    assert len(seen) >= 2 and seen[0] < 100 and seen[-1] == 100, f"the bar showed {seen}"
    assert seen == sorted(seen), f"the bar went back: {seen}"
    shots(page, f"{name}-finished")


def test_scorer_scores_imports_the_ledger_fixes_a_row_and_submits(page: Page, shots, tmp_path):
    login(page, "changning_scorer")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    dispatches_this_month = page.locator("[data-record-count='执法出动']")
    dispatches_before = int(dispatches_this_month.inner_text())  # the demo's records were entered when seeded
    shots(page, "home")

    # --- scoring -------------------------------------------------------------------------------------------
    open_assessment(page, 2024)
    expect(page.locator("#assessment-total")).to_contain_text(f"{DEMO_2024_TOTAL} / 100")
    shots(page, "assessment")
    page.get_by_role("link", name="评分", exact=True).click()
    expect(page.get_by_role("link", name="本部门（执法大队）负责的指标")).to_have_attribute("aria-current", "page")
    live_total = page.locator("#live-total")
    expect(live_total).to_have_text(DEMO_2024_TOTAL)
    expect(indicator(page, "3.1")).to_be_hidden()  # 办公室's: not shown under 本部门
    shots(page, "score-sheet")

    # 2.3 scored directly, with a justification and an evidence file; the total moves as the score is typed.
    row = indicator(page, "2.3")
    row.get_by_label("得分", exact=True).fill("4")
    expect(live_total).to_have_text("29.5")
    row.get_by_label("自评说明").fill("与区公安分局、区检察院建立行刑衔接联席会议机制，全年联合执法6次。")
    row.get_by_label("佐证材料").set_input_files(evidence_png(tmp_path / "联合执法会议纪要.png"))
    shots(page, "2.3-filled")
    save_indicator(page, "2.3")
    expect(live_total).to_have_text("29.5")
    row = indicator(page, "2.3")
    expect(row.get_by_role("link", name="联合执法会议纪要.png")).to_be_visible()
    expect(row).to_contain_text("张填报")  # who scored it
    shots(page, "2.3-saved")

    # 2.2 and 4.2 follow rules: the scorer enters occurrences and the score is computed.
    row = indicator(page, "2.2")
    row.get_by_label(re.compile("案件超过法定期限办结")).fill("1")
    expect(row.get_by_label("得分", exact=True)).to_have_value("6")
    expect(live_total).to_have_text("35.5")
    row.get_by_label("自评说明").fill("1件案件超过法定期限办结，已整改。")
    save_indicator(page, "2.2")
    row = indicator(page, "4.2")
    row.get_by_label(re.compile("培训不足40学时")).fill("3")
    row.get_by_label(re.compile("执法大练兵表彰")).fill("1")
    expect(row.get_by_label("得分", exact=True)).to_have_value("7.5")
    expect(live_total).to_have_text("43")
    row.get_by_label("自评说明").fill("3人培训不足40学时；获市级大练兵表彰1次。")
    save_indicator(page, "4.2")
    expect(live_total).to_have_text("43")
    page.evaluate("window.scrollTo(0, 0)")
    shots(page, "department-scored")
    readme_shot(page, "scoring", down_to=indicator(page, "2.3"))

    # 3.2 is 执法宣传科's; the 工作专班 fills it in under 全部指标.
    page.get_by_role("link", name="全部指标").click()
    row = indicator(page, "3.2")
    row.get_by_label(re.compile("评查不合格案卷")).fill("1")
    expect(row.get_by_label("得分", exact=True)).to_have_value("3.5")
    row.get_by_label("自评说明").fill("评查不合格案卷1件，已整改。")
    save_indicator(page, "3.2")
    expect(live_total).to_have_text("46.5")

    # The other departments' direct scores arrive in the 评分表 workbook.
    page.get_by_role("link", name=re.compile("长宁区2024年度自评")).first.click()
    upload_score_workbook(page, tmp_path, WORKBOOK_SCORES)
    expect(page.locator("#assessment-total")).to_contain_text("89.5 / 100")
    expect(page.locator("main")).not_to_contain_text("个未评分")
    shots(page, "all-scored")

    # --- the ledger: a bad row is reported, fixed and imported --------------------------------------------
    navbar(page).get_by_role("link", name="执法记录", exact=True).click()
    page.get_by_role("link", name="台账导入").click()
    expect(page.get_by_role("heading", name="导入执法台账")).to_be_visible()
    bad = tmp_path / "2024年执法台账.xlsx"
    bad.write_bytes(ledger_workbook(fine_of_second_case=None))
    import_ledger(page, bad, shots, "bad-ledger")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("台账有1处错误，未导入任何内容。")
    expect(errors.get_by_role("listitem")).to_have_text(
        "工作表“行政处罚”第3行“罚款金额（元）”列：处理结果为“罚款”时须填写大于0的罚款金额"
    )

    page.get_by_role("link", name="返回台账导入").click()
    fixed = tmp_path / "2024年执法台账（已更正）.xlsx"
    fixed.write_bytes(ledger_workbook(fine_of_second_case="50000"))
    import_ledger(page, fixed, shots, "fixed-ledger")
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("导入成功。")
    expect(summary.get_by_role("listitem")).to_have_text(
        [
            f"执法出动：新增{DISPATCHES}条，更新0条，未变化0条",
            "污染源检查：新增3条，更新0条，未变化0条",
            "行政处罚：新增2条，更新0条，未变化0条",
            "新建污染源3个（按统一社会信用代码匹配）",
        ]
    )
    page.get_by_role("link", name="返回台账导入").click()
    expect(page.get_by_role("row").filter(has_text="2024年执法台账（已更正）.xlsx")).to_contain_text("导入成功")
    expect(page.get_by_role("row").filter(has_text="2024年执法台账.xlsx")).to_contain_text("未导入")
    shots(page, "imports")

    # --- submit -----------------------------------------------------------------------------------------------
    open_assessment(page, 2024)
    submit(page)
    expect(page.get_by_role("button", name="提交审核")).to_have_count(0)
    expect(page.get_by_text("提交（草稿 → 已提交）")).to_be_visible()
    shots(page, "submitted")
    page.get_by_role("link", name="查看评分").click()
    expect(page.get_by_text("自评已提交，评分只读。")).to_be_visible()
    expect(page.get_by_role("button", name="保存本指标")).to_have_count(0)

    # The home page: nothing left to score, and this month's records include the imported ledger.
    navbar(page).get_by_role("link", name="工作台", exact=True).click()
    expect(dispatches_this_month).to_have_text(str(dispatches_before + DISPATCHES))
    shots(page, "home-after")
