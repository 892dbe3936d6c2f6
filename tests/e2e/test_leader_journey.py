"""The leader's journey: the second factor, review, return with a reason, approve, edit the report, 签发, download
the signed PDF and check it on the public verification page.

The scorer (in a browser context of their own, so both stay signed in) completes and submits the 2024 draft, and
resubmits it after the return; the report is the demo's 2023 one, whose assessment is approved and which waits for
签发 (README 演示数据).
"""

from __future__ import annotations

import re
import shutil

from playwright.sync_api import Page, expect

from tests.e2e.helpers import click_confirming, login, pdf_page_png, pdf_page_with, pdf_text, readme_dir, readme_shot
from tests.e2e.journeys import (
    complete_and_submit_2024,
    flash,
    indicator,
    open_assessment,
    record_progress,
    save_indicator,
    submit,
    watch_progress,
)

REPORT_TITLE = "长宁区生态环境保护行政执法机构规范化建设工作报告"
RETURN_REASON = "4.2 培训不足40学时的人数与培训记录不符，请核对后重新提交。"
NEW_HEADING = "总体情况"
NEW_PARAGRAPH = "2024年，长宁区将对照规范化建设标准逐项整改自评中发现的问题，持续提升执法效能。"


def test_leader_reviews_returns_approves_edits_signs_and_verifies_the_report(new_page, shots, tmp_path):
    scorer = new_page("scorer")
    login(scorer, "changning_scorer")
    complete_and_submit_2024(scorer, tmp_path)
    shots(scorer, "scorer-submitted")

    # --- sign in with the second factor; the home page says what waits -------------------------------------
    leader: Page = new_page("leader")
    leader.goto("/")
    expect(leader).to_have_url(re.compile(r"/accounts/login/"))
    login(leader, "changning_leader")
    expect(leader.get_by_role("heading", name="工作台")).to_be_visible()
    waiting = leader.locator(".card").filter(has=leader.get_by_role("heading", name="待我处理"))
    expect(waiting).to_contain_text("长宁区2024年度自评 已提交，等待审定")
    expect(waiting).to_contain_text("2023年度工作报告（长环保发〔2023〕15号）等待签发")
    shots(leader, "home")
    # The year of the demo's records: the charts of dispatches, checks and fines by month (README 界面截图).
    leader.get_by_role("navigation", name="选择年度").get_by_role("link", name="2023年度").click()
    expect(leader.get_by_role("heading", name="长宁区2023年度概况")).to_be_visible()
    expect(waiting).to_contain_text("长宁区2024年度自评 已提交，等待审定")
    expect(leader.locator("canvas[data-chart='months']")).to_be_visible()
    leader.wait_for_load_state("networkidle")
    shots(leader, "home-2023", full_page=True)
    readme_shot(leader, "dashboard", full_page=True)

    # --- review and return -----------------------------------------------------------------------------------
    waiting.get_by_role("link", name="去审定").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("长宁区生态环境局 2024年度自评")
    expect(leader.get_by_role("heading", level=1)).to_contain_text("已提交")
    expect(leader.locator("#assessment-total")).to_contain_text("89.5 / 100")
    leader.get_by_role("link", name="查看评分").click()
    expect(leader.get_by_text("自评已提交，评分只读。")).to_be_visible()
    expect(indicator(leader, "4.2")).to_contain_text("获市级以上执法大练兵表彰")
    expect(leader.get_by_role("button", name="保存本指标")).to_have_count(0)
    shots(leader, "review-scores")
    leader.go_back()

    leader.get_by_role("button", name="退回修改").click()  # without a reason: refused
    leader.wait_for_load_state()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("已提交")
    leader.get_by_label("退回理由").fill(RETURN_REASON)
    shots(leader, "return-reason")
    leader.get_by_role("button", name="退回修改").click()
    leader.wait_for_load_state()
    expect(flash(leader).filter(has_text="已退回长宁区2024年度自评")).to_be_visible()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("草稿")
    expect(leader.get_by_text(f"意见：{RETURN_REASON}")).to_be_visible()
    shots(leader, "returned")

    # --- the scorer reads the reason, corrects 4.2 and submits again -----------------------------------------
    scorer.reload()
    expect(scorer.get_by_text(f"已被退回：{RETURN_REASON}")).to_be_visible()
    shots(scorer, "scorer-sees-return")
    scorer.get_by_role("link", name="评分", exact=True).click()
    scorer.get_by_role("link", name="全部指标").click()
    row = indicator(scorer, "4.2")
    row.get_by_label(re.compile("培训不足40学时")).fill("2")
    expect(row.get_by_label("得分", exact=True)).to_have_value("8")
    row.get_by_label("自评说明").fill("核对培训记录：2人培训不足40学时；获市级大练兵表彰1次。")
    save_indicator(scorer, "4.2")
    open_assessment(scorer, 2024)
    expect(scorer.locator("#assessment-total")).to_contain_text("90 / 100")
    submit(scorer)

    # --- approve ---------------------------------------------------------------------------------------------
    leader.reload()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("已提交")
    expect(leader.locator("#assessment-total")).to_contain_text("90 / 100")
    # the demo's typed counts differ from what its records show (docs/standard.md): approving asks why
    expect(leader.locator("#differences")).to_contain_text("填写的次数与执法记录不一致")
    leader.get_by_label("仍按填写的次数审定的理由（记入流转记录）").fill(
        "演示数据中没有逐人的培训和评查记录，以填写的次数为准。"
    )
    click_confirming(leader, leader.get_by_role("button", name="审定通过"), "审定")
    expect(flash(leader).filter(has_text="已审定长宁区2024年度自评")).to_be_visible()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("已审定")
    expect(leader.get_by_text("已锁定，不能再修改")).to_be_visible()
    shots(leader, "approved")

    # --- edit the 2023 report ----------------------------------------------------------------------------------
    open_assessment(leader, 2023)
    leader.get_by_role("link", name="查看工作报告").click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text(REPORT_TITLE)
    shots(leader, "report")
    leader.get_by_role("link", name="编辑发文信息和正文").click()
    closing = leader.locator("fieldset").filter(has=leader.locator("textarea", has_text="锻造一支政治坚定"))
    body = closing.get_by_label("正文")
    body.fill(body.input_value() + "\n\n" + NEW_PARAGRAPH)
    # a new section from "再加一节" (the page's script), placed by its position between the first two
    leader.get_by_role("button", name="再加一节").click()
    added = leader.locator("fieldset.report-section").last
    added.get_by_label("位置").fill("1.5")
    added.get_by_label("标题", exact=True).fill(NEW_HEADING)
    added.get_by_label("正文").fill("本节由编辑页“再加一节”添加。")
    shots(leader, "report-edit")
    leader.get_by_role("button", name="保存", exact=True).click()
    leader.wait_for_load_state()
    expect(flash(leader).filter(has_text="报告已保存。")).to_be_visible()

    # --- 签发: the worker renders and signs it, the page shows its progress -------------------------------
    record_progress(leader)
    click_confirming(leader, leader.get_by_role("button", name="签发", exact=True), "数字签名签发")
    result = leader.locator(".js-job .js-job-result .alert")
    seen = watch_progress(leader, result)
    assert len(seen) >= 2 and seen[0] < 100 and seen[-1] == 100, f"the bar showed {seen}"
    expect(result).to_contain_text("已签发第1版。")
    shots(leader, "signed")
    with leader.expect_download() as download:
        result.get_by_role("link", name="下载PDF").click()
    signed = tmp_path / "signed.pdf"
    download.value.save_as(signed)
    assert download.value.suggested_filename == "长宁区2023年度工作报告（第1版）.pdf"
    assert signed.read_bytes().startswith(b"%PDF-")
    text = pdf_text(signed)
    assert REPORT_TITLE in text
    assert NEW_PARAGRAPH in text
    assert f"一、{NEW_HEADING}" in text and "二、领导重视，组织准备" in text  # inserted, then renumbered
    assert "长环保发〔2023〕15号" in text
    assert "附件：1.长宁区生态环境局规范化考核评分表2.长宁区生态环境局考核得分与执法检查情况图" in text
    if (directory := readme_dir()) is not None:
        pdf_page_png(signed, directory / "report-page1.png")
        # the page with the 附件说明, the 署名 and 成文日期, and the seal the signature draws on them
        pdf_page_png(signed, directory / "report-signature.png", page=pdf_page_with(signed, "附件：1."))

    leader.reload()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("已签发")
    version = leader.get_by_role("row").filter(has_text="第1版")
    expect(version).to_contain_text("现行")
    expect(leader.get_by_role("link", name="编辑发文信息和正文")).to_have_count(0)
    shots(leader, "issued")

    # --- anyone holding the file can check it ------------------------------------------------------------------
    leader.get_by_role("link", name="核验报告").click()
    expect(leader.get_by_role("heading", name="核验工作报告")).to_be_visible()
    leader.get_by_label("要核验的报告 PDF").set_input_files(signed)
    leader.get_by_role("button", name="核验", exact=True).click()
    leader.wait_for_load_state()
    verdict = leader.locator("#verify-result")
    expect(verdict).to_contain_text("核验通过")
    expect(verdict).not_to_contain_text("非现行")
    for line in ("签名完好（签名后未被改动）：是", "证书可追溯到信任根：是", "签名覆盖整个文件：是"):
        expect(verdict).to_contain_text(line)
    shots(leader, "verified")

    # A copy changed by one byte is not the issued report.
    tampered = tmp_path / "tampered.pdf"
    shutil.copy(signed, tampered)
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    leader.get_by_label("要核验的报告 PDF").set_input_files(tampered)
    leader.get_by_role("button", name="核验", exact=True).click()
    leader.wait_for_load_state()
    expect(leader.locator("#verify-result")).to_contain_text("核验未通过")
    shots(leader, "tampered-refused")
