"""The municipal reviewer's journey: review 长宁区's approved 2023 assessment, return one indicator with a reason,
the district revises and approves again, the reviewer confirms with a different 复核得分, and the comparison shows
the final score and 等次.

Demo data (README 演示数据): 长宁区 2023 is approved with 79.5 points, indicator 1.1 at 4 of 5.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import click_confirming, login
from tests.e2e.journeys import flash, indicator, open_assessment, save_indicator

RETURN_REASON = "权责清单未随2023年新修订法规调整，请更新后重新提交。"
COMMENT = "清单已调整，但调整说明未公开，扣0.5分。"


def _district_row(page: Page):
    return page.locator("#ranking tr[data-district='changning']")


def test_reviewer_returns_one_indicator_then_confirms_and_the_comparison_shows_the_grade(new_page, shots):
    reviewer: Page = new_page("reviewer")
    login(reviewer, "city_reviewer")

    # --- the comparison: 长宁区's approved 2023 figure is ranked, no grade yet ----------------------------------
    reviewer.goto("/review/comparison/?year=2023")
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("各区2023年度自评与复核对比")
    expect(_district_row(reviewer).locator("[data-figure]")).to_have_text("79.5")
    expect(_district_row(reviewer).locator("[data-grade]")).to_have_text("—")
    expect(reviewer.locator("#heat-map")).to_contain_text("长宁区")
    shots(reviewer, "comparison-before", full_page=True)

    # --- start the review, return indicator 1.1 with a reason ---------------------------------------------------
    _district_row(reviewer).get_by_role("link", name=re.compile("复核")).click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("市局复核")
    reviewer.get_by_role("button", name="开始复核").click()
    reviewer.wait_for_load_state()
    expect(flash(reviewer).filter(has_text="已开始复核长宁区2023年度自评")).to_be_visible()
    expect(reviewer.get_by_label("指标1.1复核得分")).to_have_value("4")
    reviewer.get_by_label("指标1.1退回理由").fill(RETURN_REASON)
    shots(reviewer, "return-reason")
    reviewer.get_by_role("button", name="保存并退回区局").click()
    reviewer.wait_for_load_state()
    expect(flash(reviewer).filter(has_text="已将长宁区2023年度自评退回区局修改")).to_be_visible()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("草稿")

    # --- the district sees why, revises 1.1, submits; the leader approves again --------------------------------
    scorer: Page = new_page("scorer")
    login(scorer, "changning_scorer")
    open_assessment(scorer, 2023)
    expect(scorer.locator("#city-return")).to_contain_text(RETURN_REASON)
    shots(scorer, "district-sees-return")
    scorer.get_by_role("link", name="评分", exact=True).click()
    expect(scorer.locator("#returned-indicators")).to_contain_text(RETURN_REASON)
    scorer.get_by_role("link", name="全部指标").click()
    row = indicator(scorer, "1.1")
    row.get_by_label("得分", exact=True).fill("5")
    row.get_by_label("自评说明").fill("权责清单、执法事项清单已按2023年新修订法规调整并公开。")
    save_indicator(scorer, "1.1")
    open_assessment(scorer, 2023)
    expect(scorer.locator("#assessment-total")).to_contain_text("80.5 / 100")
    scorer.get_by_role("button", name="提交审核").click()
    scorer.wait_for_load_state()
    expect(flash(scorer).filter(has_text="已提交长宁区2023年度自评")).to_be_visible()

    leader: Page = new_page("leader")
    login(leader, "changning_leader")
    open_assessment(leader, 2023)
    # the demo's typed counts differ from what its records show (docs/standard.md): approving asks why
    expect(leader.locator("#differences")).to_contain_text("填写的次数与执法记录不一致")
    leader.get_by_label("仍按填写的次数审定的理由（记入流转记录）").fill(
        "演示数据中没有逐人的培训和评查记录，以填写的次数为准。"
    )
    click_confirming(leader, leader.get_by_role("button", name="审定通过"), "审定")
    expect(flash(leader).filter(has_text="已审定长宁区2023年度自评")).to_be_visible()

    # --- the second round: a different 复核得分 with its comment, then confirm -------------------------------
    reviewer.reload()
    reviewer.get_by_role("button", name="开始复核").click()
    reviewer.wait_for_load_state()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("市级复核中")
    expect(reviewer.get_by_label("指标1.1复核得分")).to_have_value("5")
    reviewer.get_by_label("指标1.1复核得分").fill("4.5")
    reviewer.get_by_label("指标1.1复核意见").fill(COMMENT)
    click_confirming(reviewer, reviewer.get_by_role("button", name="保存并确认复核结果"), "确认后复核得分成为最终得分")
    expect(flash(reviewer).filter(has_text="已确认长宁区2023年度自评的复核结果")).to_be_visible()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("已确认")
    expect(reviewer.locator("#review-total")).to_have_text("80")
    expect(reviewer.locator("#final-grade")).to_have_text("良好")  # 80: the 良好 boundary
    shots(reviewer, "confirmed", full_page=True)

    # --- the comparison shows the final score and 等次; the district sees them too -----------------------------
    reviewer.goto("/review/comparison/?year=2023")
    row = _district_row(reviewer)
    expect(row.locator("[data-figure]")).to_have_text("80")
    expect(row.locator("[data-grade]")).to_have_text("良好")
    expect(row).to_contain_text("已确认")
    shots(reviewer, "comparison-after", full_page=True)

    scorer.reload()
    expect(scorer.locator("#review-summary")).to_contain_text("复核总分 80，等次 良好")
    scorer.get_by_role("link", name="查看复核").click()
    expect(scorer.locator("#review-form")).to_contain_text(COMMENT)
    expect(scorer.locator("#review-form")).to_contain_text("（-0.5）")
