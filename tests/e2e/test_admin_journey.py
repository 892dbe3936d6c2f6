"""The admin's journey: a new version of the standard whose maxima must add up before it can be published.

docs/standard.md: a published standard is frozen; the admin copies it as a new draft version ("复制为新版本"),
edits it, and publishing checks that every system's maximum is the sum of its indicators' and that the systems
add up to the standard's total, refusing with what is off by how much.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import login

STANDARD = "上海市生态环境保护综合行政执法机构规范化建设标准"
SUPPORT_SYSTEM = "构建执法保障体系"


def _standard_row(page: Page, version: int):
    rows = page.locator("#result_list tbody tr")
    return rows.filter(has=page.locator("td.field-version", has_text=re.compile(rf"^\s*{version}\s*$")))


def _run_action(page: Page, version: int, action: str) -> None:
    _standard_row(page, version).locator("input[name='_selected_action']").check()
    page.locator("select[name='action']").select_option(label=action)
    page.get_by_role("button", name="执行").click()
    page.wait_for_load_state()


def _indicator_max(page: Page, code: str):
    row = page.locator("tr.form-row").filter(has=page.locator(f"input[name$='-code'][value='{code}']"))
    return row.locator("input[name$='-max_score']")


def _save(page: Page) -> None:
    page.locator("input[name='_save']").click()
    page.wait_for_load_state()


def test_admin_changes_a_maximum_in_a_new_version_and_publishes_once_it_adds_up(page: Page, shots):
    login(page, "admin")
    shots(page, "home")
    page.get_by_role("link", name="标准与用户维护").click()
    expect(page.get_by_role("heading", name="标准与用户维护")).to_be_visible()
    shots(page, "admin-index")

    # The published standard is frozen: a new version is a copy.
    page.get_by_role("link", name="评价标准", exact=True).first.click()
    expect(_standard_row(page, 1)).to_contain_text("已发布")
    shots(page, "standards")
    _run_action(page, 1, "复制为新版本（草稿）")
    expect(page.locator(".messagelist .success")).to_contain_text(f"已创建“{STANDARD}（第2版）”，可修改后发布。")
    expect(_standard_row(page, 2)).to_contain_text("草稿")
    shots(page, "copied")

    # The draft's support system: 培训与执法大练兵 (4.2) is now worth 9 points instead of 8.
    _standard_row(page, 2).locator("th a, td a").first.click()
    expect(page.locator("#content h2").first).to_contain_text("第2版")
    system_row = page.locator("tr.form-row").filter(has=page.locator(f"input[value='{SUPPORT_SYSTEM}']"))
    system_row.locator("a.inlinechangelink").click()
    expect(_indicator_max(page, "4.2")).to_have_value("8.0")
    _indicator_max(page, "4.2").fill("9")
    shots(page, "indicator-max-changed")
    _save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    shots(page, "system-saved")

    # Publishing is refused: the system's maximum (45) is no longer its indicators' sum (46).
    page.goto("/admin/assessment/standard/")
    _run_action(page, 2, "发布所选标准（检查满分是否合计一致）")
    refusal = page.locator(".messagelist .error")
    expect(refusal).to_contain_text(f"“{STANDARD}（第2版）”未发布")
    expect(refusal).to_contain_text(f"体系“{SUPPORT_SYSTEM}”满分为45分，但其指标满分合计为46分。")
    expect(_standard_row(page, 2)).to_contain_text("草稿")
    shots(page, "publish-refused")

    # Fixed: 办案场所 (4.6) gives the point back, and the standard publishes.
    page.goto("/admin/assessment/system/")
    page.locator("#result_list tbody tr").filter(has_text=SUPPORT_SYSTEM).filter(has_text="第2版").locator(
        "th a"
    ).click()
    expect(_indicator_max(page, "4.2")).to_have_value("9.0")
    _indicator_max(page, "4.6").fill("4")
    _save(page)
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.goto("/admin/assessment/standard/")
    _run_action(page, 2, "发布所选标准（检查满分是否合计一致）")
    expect(page.locator(".messagelist .success")).to_contain_text(f"已发布“{STANDARD}（第2版）”。")
    expect(page.locator(".messagelist .error")).to_have_count(0)
    expect(_standard_row(page, 2)).to_contain_text("已发布")
    shots(page, "published")

    # Published means frozen: the new version's indicators can no longer be changed.
    _standard_row(page, 2).locator("th a, td a").first.click()
    expect(page.locator("input[name='_save']")).to_have_count(0)
    shots(page, "published-read-only")

    # The admin's home page lists the new version as published.
    page.get_by_role("link", name="查看站点").click()
    expect(page.get_by_role("row").filter(has_text="第2版")).to_contain_text("已发布")
    shots(page, "home-after")
