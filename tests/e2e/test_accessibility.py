"""Accessibility: the main pages, as each role sees them, scanned in Chromium by axe-core.

axe-core is the copy served from ``static/vendor/axe-core/`` (no CDN). A test fails on any violation of impact
"serious" or "critical" (contrast below WCAG 2.1 AA, a form field without a label, a button without a name, …),
listing the rule, the page and the element; every finding, milder ones included, is also written to
``axe-<role>.json`` beside the test's screenshots. The pages are scanned in the states people meet them in:
forms showing their errors, a ledger import that failed, a report preview that finished, the 404 page, and the
navigation opened at tablet width.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import ROOT, click_confirming, expect_http_error, login
from tests.e2e.journeys import navbar, open_assessment
from tests.inspections.records_helpers import headers, workbook

AXE_SOURCE = (ROOT / "static" / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
FAILING_IMPACTS = ("critical", "serious")
TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1366, "height": 768}
# the tabs under 执法记录 and the button that adds a record on each list
TITLES = {
    "执法出动": "新增执法出动",
    "污染源检查": "新增污染源检查",
    "行政处罚": "新增行政处罚案件",
    "污染源": "新增污染源",
    "执法装备": "新增执法装备",
    "培训记录": "新增培训记录",
}

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
  }));
}"""


@dataclass
class Axe:
    """Scans the page where it stands and remembers every violation, with the page it was found on."""

    page: Page
    role: str
    artifacts: Path
    found: list[dict] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)

    def __call__(self, label: str) -> None:
        self.page.wait_for_load_state()
        # Evaluated by the test driver (DevTools protocol): the page's CSP rightly refuses inline scripts.
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_SOURCE)
        size = self.page.viewport_size or LAPTOP
        where = f"{label}（{self.page.url.split('//', 1)[-1].split('/', 1)[-1]!r}，{size['width']}×{size['height']}）"
        self.scanned.append(where)
        for violation in self.page.evaluate(RUN_AXE):
            self.found.append({"page": where, **violation})

    def visit(self, path: str, label: str) -> None:
        self.page.goto(path)
        self(label)

    def check(self) -> None:
        report = self.artifacts / f"axe-{self.role}.json"
        report.write_text(
            json.dumps({"scanned": self.scanned, "violations": self.found}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        assert len(self.scanned) >= 3, self.scanned
        failing = [v for v in self.found if v["impact"] in FAILING_IMPACTS]
        if not failing:
            return
        lines = [f"axe-core 在 {self.role} 看到的页面上发现 {len(failing)} 项严重（serious/critical）无障碍问题："]
        for v in failing:
            lines.append(f"[{v['impact']}] {v['id']}：{v['help']}（{v['helpUrl']}）")
            lines.append(f"    页面：{v['page']}")
            for node in v["nodes"][:5]:
                lines.append(f"    元素：{node['target']}  {node['html'][:160]}")
                detail = " ".join(node["summary"].split())
                lines.append(f"          {detail[:300]}")
            if len(v["nodes"]) > 5:
                lines.append(f"    ……另有{len(v['nodes']) - 5}个元素")
        lines.append(f"全部结果：{report}")
        raise AssertionError("\n".join(lines))


def with_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


def first_link(page: Page, selector: str) -> str:
    href = page.locator(selector).first.get_attribute("href")
    assert href, f"no link {selector} on {page.url}"
    return href


def at_tablet_width(page: Page, axe: Axe, path: str, label: str) -> None:
    """At 768 px the navigation collapses behind its toggle; scan the page, then with the menu open."""
    page.set_viewport_size(TABLET)
    axe.visit(path, label)
    toggle = navbar(page).get_by_role("button", name="展开导航")
    expect(toggle).to_be_visible()
    toggle.click()
    expect(navbar(page).get_by_role("link", name="工作台", exact=True)).to_be_visible()
    axe(f"{label}，展开导航")
    page.set_viewport_size(LAPTOP)


def test_pages_before_signing_in(page: Page, artifacts):
    axe = Axe(page, "anonymous", artifacts)
    axe.visit("/accounts/login/", "登录")
    page.get_by_role("button", name="登录").click()  # empty: the form's errors
    axe("登录（未填写）")
    axe.visit("/assessments/verify/", "核验工作报告")
    expect_http_error(page, 404, "/no-such-page/")
    axe.visit("/no-such-page/", "页面不存在（404）")
    axe.check()


def test_pages_of_a_scorer(page: Page, artifacts, tmp_path):
    login(page, "changning_scorer")
    axe = Axe(page, "changning_scorer", artifacts)
    axe("工作台")

    # --- the self-assessment ---
    open_assessment(page, 2024)
    axe("自评（草稿）")
    page.get_by_role("link", name="评分", exact=True).click()
    axe("评分（本部门）")
    page.get_by_role("link", name="全部指标").click()
    axe("评分（全部指标）")
    open_assessment(page, 2024)
    page.get_by_role("link", name="上传评分表").click()
    axe("上传评分表")
    expect_http_error(page, 400, "/import/")
    click_confirming(page, page.get_by_role("button", name="上传并导入"), "确定导入吗")
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    axe("上传评分表（未选择文件）")
    open_assessment(page, 2023)
    axe("自评（已审定）")
    page.get_by_role("link", name="查看工作报告").click()
    axe("工作报告")
    axe.visit("/assessments/verify/", "核验工作报告（已登录）")

    # --- the records: statistics, every list, detail pages, forms ---
    navbar(page).get_by_role("link", name="执法记录", exact=True).click()
    axe("执法统计")
    lists = {}
    for tab in TITLES:
        page.locator(".nav-tabs").get_by_role("link", name=tab, exact=True).click()
        lists[tab] = page.url
        axe(f"{tab}列表")
    page.goto(lists["执法出动"])
    page.locator("thead").get_by_role("link", name="人数").click()
    axe("执法出动列表（按人数排序）")
    page.goto(with_query(lists["执法出动"], "start=2031-01-01"))
    expect(page.locator(".empty-state")).to_be_visible()
    axe("执法出动列表（筛选后为空）")
    for tab, label in (("执法出动", "执法出动详情"), ("行政处罚", "处罚案件详情"), ("污染源", "污染源详情")):
        page.goto(lists[tab])
        axe.visit(first_link(page, "main table tbody td a"), label)
    page.get_by_role("link", name="修改", exact=True).first.click()
    axe("修改污染源")
    page.goto(lists["执法出动"])
    page.goto(first_link(page, "main table tbody td a"))
    page.get_by_role("link", name="删除", exact=True).click()
    axe("删除执法出动（确认页）")
    for tab in lists:
        page.goto(lists[tab])
        page.get_by_role("link", name=TITLES[tab], exact=True).first.click()
        axe(f"新增{tab}")
    page.goto(lists["执法出动"])
    page.get_by_role("link", name="新增执法出动").click()
    expect_http_error(page, 400, "/dispatches/new/")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    axe("新增执法出动（有错误）")

    # --- the ledger import: progress, then the row errors ---
    page.locator(".nav-tabs").get_by_role("link", name="台账导入").click()
    axe("台账导入")
    bad = tmp_path / "无障碍检查台账.xlsx"
    bad.write_bytes(
        workbook({"执法出动": [headers("执法出动"), ["A11Y-001", "不是日期", 2, "王建军", "日常监管", ""]]})
    )
    page.get_by_label("台账文件").set_input_files(bad)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-errors")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("progressbar", name="导入进度")).to_have_attribute("aria-valuenow", "100")
    axe("台账导入结果（有错误）")

    # --- the account, and the tablet width ---
    axe.visit("/accounts/password/", "修改密码")
    at_tablet_width(page, axe, lists["执法出动"], "执法出动列表")
    at_tablet_width(page, axe, "/", "工作台")
    axe.check()


def test_pages_of_a_leader(page: Page, artifacts):
    login(page, "changning_leader")
    axe = Axe(page, "changning_leader", artifacts)
    axe("工作台")
    navbar(page).get_by_role("link", name="规范化自评", exact=True).click()
    axe("自评列表")
    open_assessment(page, 2024)
    axe("自评（草稿，领导）")
    open_assessment(page, 2023)
    axe("自评（已审定，领导）")
    page.get_by_role("link", name="查看工作报告").click()
    report = page.url
    axe("工作报告（领导）")
    page.get_by_role("link", name="编辑发文信息和正文").click()
    axe("编辑工作报告")
    page.goto(report)
    page.get_by_role("button", name="生成PDF预览").click()
    expect(page.locator(".js-job-result .alert")).to_be_visible(timeout=90_000)
    expect(page.get_by_role("progressbar", name="生成预览进度")).to_have_attribute("aria-valuenow", "100")
    axe("工作报告（预览已生成）")
    navbar(page).get_by_role("link", name="执法记录", exact=True).click()
    axe("执法统计（领导）")
    navbar(page).get_by_role("link", name="审计记录", exact=True).click()
    axe("审计记录（领导）")
    at_tablet_width(page, axe, report, "工作报告")
    axe.check()


def test_pages_of_an_admin(page: Page, artifacts):
    login(page, "admin")
    axe = Axe(page, "admin", artifacts)
    axe("工作台")
    navbar(page).get_by_role("link", name="规范化自评", exact=True).click()
    axe("自评列表（管理员）")
    navbar(page).get_by_role("link", name="审计记录", exact=True).click()
    axe("审计记录（管理员）")
    page.get_by_role("button", name="筛选").click()
    axe("审计记录（筛选后）")
    axe.visit("/accounts/password/", "修改密码（管理员）")
    axe.check()


def test_pages_of_the_municipal_reviewer(page: Page, artifacts):
    login(page, "city_reviewer")
    axe = Axe(page, "city_reviewer", artifacts)
    axe("工作台（市局）")
    navbar(page).get_by_role("link", name="规范化自评", exact=True).click()
    axe("自评列表（全部区）")
    page.get_by_role("row").filter(has_text="长宁区").filter(has_text="2023年度").get_by_role(
        "link", name="查看"
    ).click()
    axe("自评（市局查看）")
    page.get_by_role("link", name="查看评分").click()
    axe("评分（只读）")
    page.go_back()
    page.get_by_role("link", name="进入复核").click()
    axe("市局复核（未开始）")
    page.get_by_role("button", name="开始复核").click()
    page.wait_for_load_state()
    axe("市局复核（复核中，表单）")
    navbar(page).get_by_role("link", name="各区对比", exact=True).click()
    axe("各区对比（最新年度，均未审定）")
    page.get_by_role("navigation", name="选择年度").get_by_role("link", name="2023年度").click()
    axe("各区对比（排名与热力表）")
    navbar(page).get_by_role("link", name="执法记录", exact=True).click()
    axe("执法统计（选择区）")
    for tab in ("执法出动", "行政处罚"):
        page.locator(".nav-tabs").get_by_role("link", name=tab, exact=True).click()
        axe(f"{tab}列表（市局）")
    navbar(page).get_by_role("link", name="审计记录", exact=True).click()
    axe("审计记录（全部机构）")
    assert re.search(r"/audit/", page.url)
    axe.check()
