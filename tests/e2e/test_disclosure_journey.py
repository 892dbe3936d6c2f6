"""执法公示: a leader publishes a decision from the desk; an anonymous visitor finds it by its credit code, on a
phone-sized screen, and sees the demo's natural-person decision masked. The public pages are scanned by axe-core.

The decision waiting for publication and the published natural-person one come from the demo data
(disclosure/demo.py).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import login
from tests.e2e.journeys import flash, navbar
from tests.e2e.test_accessibility import Axe

WAITING_CASE = "长环罚〔演示〕待公示1号"
WAITING_DECISION = "长环罚〔演示〕101号"
PHONE = {"width": 390, "height": 844}


def test_a_leader_publishes_and_a_visitor_finds_it_by_credit_code(new_page, shots, artifacts):
    leader: Page = new_page("leader")
    login(leader, "changning_leader")
    navbar(leader).get_by_role("link", name="执法公示").click()
    expect(leader.get_by_role("heading", name=re.compile("待公示的处罚决定"))).to_be_visible()
    row = leader.get_by_role("row").filter(has_text=WAITING_CASE)
    expect(row).to_contain_text("未到期")
    row.get_by_role("link", name=f"公示 {WAITING_CASE}").click()
    expect(leader.get_by_role("heading", name=re.compile("公示内容预览"))).to_be_visible()
    credit_code = leader.locator("dt:has-text('统一社会信用代码') + dd").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{18}", credit_code), credit_code
    shots(leader, "publish-preview")
    leader.get_by_role("button", name="确认公示").click()
    expect(flash(leader)).to_contain_text(f"已公示：{WAITING_DECISION}")
    expect(leader.get_by_role("row").filter(has_text=WAITING_DECISION)).to_contain_text("公示中")

    visitor: Page = new_page("visitor")
    visitor.set_viewport_size(PHONE)
    axe = Axe(visitor, "visitor", artifacts)
    axe.visit("/gongshi/", "行政处罚决定公示（手机）")
    visitor.get_by_label("当事人名称或统一社会信用代码").fill(credit_code.lower())
    visitor.get_by_role("button", name="查询").click()
    axe("按信用代码查询（手机）")
    # the code matches this one decision only (the demo's other published one is a natural person's)
    expect(visitor.locator(".gongshi-list li")).to_have_count(1)
    card = visitor.locator(".gongshi-list li").filter(has_text=WAITING_DECISION)
    card.get_by_role("link").first.click()
    expect(visitor.get_by_role("heading", name=f"行政处罚决定：{WAITING_DECISION}")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text(credit_code)
    expect(visitor.locator("footer")).to_contain_text("上海市长宁区生态环境局")
    axe("处罚决定（手机）")
    shots(visitor, "public-detail-phone", full_page=True)

    # the demo's natural person: surname + 某某 on the list, the detail page, the downloads and the feed
    axe.visit("/gongshi/?q=王", "按名称查询（手机）")
    expect(visitor.locator(".gongshi-list")).to_contain_text("王某某")
    for path in ("/gongshi/", "/gongshi/xzcf.csv", "/gongshi/xzcf.json", "/gongshi/feed.atom"):
        body = visitor.request.get(path).text()
        for private in ("王建国", "310105197001011234", "13800000000", "演示住址"):
            assert private not in body, (private, path)
    axe.visit("/gongshi/zhifa/?district=changning", "执法主体与人员（手机）")
    expect(visitor.get_by_role("heading", name="执法主体：上海市长宁区生态环境局")).to_be_visible()
    axe.visit("/gongshi/shuangsuiji/?district=changning", "双随机抽查（手机）")
    expect(visitor.get_by_role("heading", name=re.compile("已公开的月度检查计划"))).to_be_visible()
    axe.check()
