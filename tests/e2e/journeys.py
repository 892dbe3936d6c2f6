"""Steps more than one journey takes, as a user takes them in the browser."""

from __future__ import annotations

import io
import re
import weakref
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

# The demo's 2024 draft of 长宁区 (assessment/demo.py): 1.1, 1.4, 2.1 and 4.3 scored, 25.5 points.
DEMO_2024_TOTAL = "25.5"
# The indicators of the 2024 draft with direct scores that the demo leaves open, as the 评分表 brings them in.
WORKBOOK_SCORES = {
    "1.2": ("4.5", "执法公示、全过程记录、法制审核三项制度均已落实。"),
    "1.3": ("4", "执行本市行政处罚裁量基准和免罚清单。"),
    "3.1": ("3.5", "行政执法责任制已落实，考核细则修订中。"),
    "3.3": ("3.5", "行政处罚决定和双随机抽查结果按时公开。"),
    "3.4": ("2.5", "内部监督纠错机制运行正常。"),
    "4.1": ("9.5", "执法人员全部持证上岗。"),
    "4.4": ("6", "执法数据全部录入执法系统。"),
    "4.5": ("4.5", "执法经费纳入财政预算。"),
    "4.6": ("5", "询问室、证据保管室设置规范。"),
}
# The open indicators scored by rules: occurrences of each rule item, in the page's order.
RULE_COUNTS = {"2.2": ["1", "0"], "3.2": ["1"], "4.2": ["3", "1"]}


def flash(page: Page) -> Locator:
    """The messages shown after an action (Bootstrap alerts at the top of the page)."""
    return page.locator("main .alert[role='alert'], main .alert[role='status']")


def navbar(page: Page) -> Locator:
    """The site's main navigation bar."""
    return page.locator("nav.navbar")


def open_assessment(page: Page, year: int) -> None:
    navbar(page).get_by_role("link", name="规范化自评", exact=True).click()
    page.get_by_role("row").filter(has_text=f"{year}年度").get_by_role("link", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{year}年度自评")


def indicator(page: Page, code: str) -> Locator:
    """One indicator's card on the scoring page."""
    return page.locator(".indicator-row").filter(
        has=page.get_by_role("heading", level=3, name=re.compile(rf"^{re.escape(code)} "))
    )


def save_indicator(page: Page, code: str) -> None:
    indicator(page, code).get_by_role("button", name="保存本指标").click()
    page.wait_for_load_state()
    expect(flash(page).filter(has_text=f"已保存指标{code}")).to_be_visible()


def fill_score_workbook(data: bytes, scores: dict[str, tuple[str, str]]) -> bytes:
    """The downloaded 评分表 with 得分 and 自评说明 filled in for the given indicator codes, as Excel would save it."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook["评分表"]
    seen = set()
    for row in sheet.iter_rows(min_row=4):
        code = str(row[0].value or "").strip()
        if code in scores:
            score, text = scores[code]
            row[3].value = float(Decimal(score))
            row[4].value = text
            seen.add(code)
    assert seen == set(scores), f"not in the downloaded 评分表: {set(scores) - seen}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload_score_workbook(page: Page, tmp: Path, scores: dict[str, tuple[str, str]]) -> None:
    """From the assessment's page: download the 评分表, fill it in, upload it back."""
    with page.expect_download() as download:
        page.get_by_role("link", name="下载评分表（Excel）").click()
    downloaded = download.value
    assert downloaded.suggested_filename.endswith("年度自评评分表.xlsx"), downloaded.suggested_filename
    filled = tmp / "评分表（已填写）.xlsx"
    filled.write_bytes(fill_score_workbook(Path(downloaded.path()).read_bytes(), scores))
    page.get_by_role("link", name="上传评分表").click()
    page.get_by_label("评分表文件").set_input_files(filled)
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state()
    expect(flash(page).filter(has_text=f"评分表已导入，更新了{len(scores)}个指标")).to_be_visible()


# Installed before the page loads (DevTools protocol, so the page's CSP does not apply): every value the page's
# progress bar takes, from the one the server rendered to the last the page's script set.
_PROGRESS_RECORDER = """
window.__e2eProgress = [];
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.querySelector("[role=progressbar]");
  if (!bar) return;
  const record = () => {
    const value = bar.getAttribute("aria-valuenow");
    if (window.__e2eProgress[window.__e2eProgress.length - 1] !== value) window.__e2eProgress.push(value);
  };
  record();
  new MutationObserver(record).observe(bar, {attributes: true, attributeFilter: ["aria-valuenow"]});
});
"""
_recording: weakref.WeakSet = weakref.WeakSet()


def record_progress(page: Page) -> None:
    """From the next page on, remember every value of its progress bar (for ``watch_progress``)."""
    if page not in _recording:
        page.add_init_script(_PROGRESS_RECORDER)
        _recording.add(page)


def watch_progress(page: Page, finished: Locator, seconds: float = 90) -> list[int]:
    """The values the page's progress bar showed until ``finished`` appeared, without the page reloading.

    ``record_progress(page)`` must have been called before the page was loaded.
    """
    assert page.evaluate("Array.isArray(window.__e2eProgress)"), "call record_progress(page) before loading it"
    page.evaluate("window.__e2eSamePage = true")
    expect(finished).to_be_visible(timeout=seconds * 1000)
    assert page.evaluate("window.__e2eSamePage === true"), "the page reloaded instead of updating the bar"
    return [int(value) for value in page.evaluate("window.__e2eProgress")]


def score_rules(page: Page, code: str, counts: list[str], justification: str) -> None:
    """On the scoring page: the occurrences of an indicator's rule items, then save."""
    row = indicator(page, code)
    for field, count in zip(row.locator(".js-rule").all(), counts, strict=True):
        field.fill(count)
    row.get_by_label("自评说明").fill(justification)
    save_indicator(page, code)


def complete_and_submit_2024(page: Page, tmp: Path) -> None:
    """What the staff journey does in detail, briefly: every open indicator of the 2024 draft scored, submitted.

    The scorer is signed in on ``page``; the scores come to 89.5 (the staff journey's, without its evidence file).
    """
    open_assessment(page, 2024)
    page.get_by_role("link", name="评分", exact=True).click()
    page.get_by_role("link", name="全部指标").click()
    for code, counts in RULE_COUNTS.items():
        score_rules(page, code, counts, "按评分规则录入发生次数。")
    page.get_by_role("link", name=re.compile("长宁区2024年度自评")).first.click()
    upload_score_workbook(page, tmp, {**WORKBOOK_SCORES, "2.3": ("4", "行刑衔接联席会议机制运行正常。")})
    expect(page.locator("#assessment-total")).to_contain_text("89.5 / 100")
    submit(page)


def submit(page: Page) -> None:
    """On the assessment's page: 提交审核."""
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_load_state()
    expect(flash(page).filter(has_text="已提交长宁区2024年度自评")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")
