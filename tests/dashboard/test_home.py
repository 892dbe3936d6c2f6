"""The home dashboard, per role: what it lists, the numbers it shows, and what it keeps to each district."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import services
from assessment.models import Indicator, WorkflowEvent
from assessment.reports import services as report_services
from inspections.models import Dispatch
from tests.assessment.conftest import score_all

HOME = reverse("home")


def chart_data(page: str) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "the page carries its chart data"
    return json.loads(match.group(1))


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_staff_see_their_departments_unscored_indicators_until_they_score_them(client, alice, draft_2024):
    client.force_login(alice)
    page = text(client.get(HOME))
    mine = Indicator.objects.filter(system__standard=draft_2024.standard, responsible_department="执法大队")
    others = Indicator.objects.filter(system__standard=draft_2024.standard).exclude(responsible_department="执法大队")
    assert mine.count() == 6 and others.exists()
    for indicator in mine:
        assert indicator.name in page
        assert f"#indicator-{indicator.pk}" in page
    assert not any(f'#indicator-{i.pk}"' in page for i in others)
    assert '<span class="badge text-bg-warning" id="unscored-count">6</span>' in page

    first = mine.order_by("code").first()
    services.save_score(
        assessment=draft_2024, indicator=first, user=alice, value=Decimal("1"), justification="已落实。"
    )
    page = text(client.get(HOME))
    assert f"#indicator-{first.pk}" not in page
    assert 'id="unscored-count">5</span>' in page


def test_staff_are_told_when_there_is_no_draft_to_score(client, alice, approved_2024):
    client.force_login(alice)
    page = text(client.get(HOME))
    assert "本单位目前没有草稿状态的自评" in page and reverse("assessment:list") in page


def test_records_added_this_month_count_entries_of_this_month_not_older_ones(client, alice, make, make_xuhui):
    client.force_login(alice)
    make.dispatch(date(2019, 5, 1))  # an old outing entered today: counts, it was added this month
    make.dispatch(date(2023, 1, 1))
    old = make.dispatch(date(2023, 1, 2))
    Dispatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=62))
    make_xuhui.dispatch(date(2023, 1, 1))  # another district's
    page = text(client.get(HOME))
    assert '<td class="text-end" data-record-count="执法出动">2</td>' in page


def test_leaders_see_state_system_scores_and_monthly_figures_of_the_chosen_year(client, lea, alice, draft_2024, make):
    score_all(draft_2024, alice, value="1")
    make.dispatch(date(2024, 3, 5), officers=3)
    make.inspection(date(2024, 3, 6))
    make.case(date(2024, 4, 1), date(2024, 5, 10), "fined", "50000")
    client.force_login(lea)
    page = text(client.get(HOME, {"year": "2024"}))
    assert "长宁区2024年度概况" in page and "草稿" in page
    data = chart_data(page)
    assert data["systems"]["labels"] == ["构建执法制度体系", "构建执法运行体系", "构建执法监督体系", "构建执法保障体系"]
    assert data["systems"]["max"] == [20.0, 20.0, 15.0, 45.0]
    assert data["months"]["labels"][0] == "1月" and len(data["months"]["labels"]) == 12
    # the inspection helper makes its own outing: two dispatches in March, one check
    assert data["months"]["dispatches"][2] == 2 and data["months"]["checks"][2] == 1
    assert data["months"]["fines"][4] == 5.0  # 50000 元 decided in May, in 万元
    # the same numbers are in the table, which is open until the charts are drawn
    assert '<details class="mt-3" open data-chart-table>' in page
    assert '<tr><td>2024年3月</td><td class="text-end">2</td>' in page


def test_leaders_are_shown_what_waits_for_their_approval_and_signature(client, lea, submitted_2024):
    client.force_login(lea)
    page = text(client.get(HOME))
    assert "已提交，等待审定" in page and reverse("assessment:detail", args=[submitted_2024.pk]) in page
    assert "等待签发" not in page

    services.move_assessment(assessment=submitted_2024, user=lea, action=WorkflowEvent.Action.APPROVE)
    report = report_services.create_report(assessment=submitted_2024, user=lea)
    page = text(client.get(HOME))
    assert "等待审定" not in page
    assert "等待签发" in page and reverse("assessment:report-detail", args=[report.pk]) in page


def test_a_year_with_no_records_says_what_to_do(client, lea, draft_2024):
    client.force_login(lea)
    page = text(client.get(HOME, {"year": "2024"}))
    assert "2024年度还没有执法记录" in page and "months" not in chart_data(page)


@pytest.mark.parametrize("year", ["1999", "abc", "2024; DROP", ""])
def test_a_year_not_offered_falls_back_to_the_newest(client, lea, draft_2024, year):
    client.force_login(lea)
    assert "长宁区2024年度概况" in text(client.get(HOME, {"year": year}))


def test_leaders_never_see_another_districts_figures(client, bella, lea, alice, draft_2024, xuhui_2024, make):
    score_all(draft_2024, alice, value="1")
    make.dispatch(date(2024, 3, 5))
    client.force_login(bella)
    page = text(client.get(HOME, {"year": "2024"}))
    assert "徐汇区2024年度概况" in page and "长宁区" not in page
    assert chart_data(page)["systems"]["score"] == [0.0, 0.0, 0.0, 0.0]
    assert "months" not in chart_data(page)


def test_the_municipal_reviewer_sees_every_districts_total_and_state(client, rita, lea, alice, submitted_2024, xuhui):
    client.force_login(rita)
    page = text(client.get(HOME, {"year": "2024"}))
    assert "各区2024年度自评" in page
    assert "已提交待审定 <strong>1</strong>" in page and "未开始 <strong>1</strong>" in page
    # a submission's total may still change: progress only, no total, nothing in the chart
    total = sum(s.score for s in submitted_2024.scores.all() if s.score is not None)
    assert "进行中，已评17项" in page and f"{total.normalize():f} / 100" not in page
    assert "districts" not in chart_data(page)
    services.move_assessment(assessment=submitted_2024, user=lea, action="approve")
    page = text(client.get(HOME, {"year": "2024"}))
    data = chart_data(page)["districts"]
    assert data["labels"] == ["长宁区"] and data["total"] == [float(total)]
    assert f"{total.normalize():f} / 100" in page and "已审定待复核 <strong>1</strong>" in page


def test_admins_see_the_standards_with_a_link_to_maintain_them(client, adam, standard):
    client.force_login(adam)
    page = text(client.get(HOME))
    assert standard.name in page and reverse("admin:assessment_standard_change", args=[standard.pk]) in page


def test_the_page_loads_the_chart_library_from_static_not_a_cdn(client, lea, draft_2024):
    client.force_login(lea)
    page = text(client.get(HOME))
    assert "/static/vendor/chartjs/chart.umd.min.js" in page and "cdn" not in page.lower()


def _queries(client, user, **params) -> int:
    """Queries of a page computed afresh: the fixtures write records without auditing them, so they would not
    move the data version the cached figures are keyed by (tests/dashboard/test_cache.py covers the cache)."""
    cache.clear()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        text(client.get(HOME, params))
    return len(captured)


def test_the_query_count_does_not_grow_with_districts_records_or_pending_work(
    client, rita, lea, alice, draft_2024, make, city
):
    from accounts.models import Organization

    score_all(draft_2024, alice, value="1")
    make.dispatch(date(2024, 1, 5))
    before = {"rita": _queries(client, rita, year="2024"), "lea": _queries(client, lea, year="2024")}
    before_alice = _queries(client, alice)
    standard = draft_2024.standard
    for n in range(5):
        org = Organization.objects.create(
            code=f"d{n}", name=f"测试{n}区生态环境局", short_name=f"测试{n}区", parent=city
        )
        services.create_self_assessment(organization=org, year=2024, standard=standard)
    for month in range(1, 13):
        make.dispatch(date(2024, month, 3))
        make.inspection(date(2024, month, 4))
        make.case(date(2024, month, 1), date(2024, month, 20), "fined", "1000")
    assert _queries(client, rita, year="2024") == before["rita"]
    assert _queries(client, lea, year="2024") == before["lea"]
    assert _queries(client, alice) == before_alice


def test_the_leaders_system_subtotals_agree_with_the_scoring_sheet(lea, alice, draft_2024):
    from assessment.models import RuleItem
    from assessment.selectors import scoring_sheet
    from dashboard.selectors import system_scores

    score_all(draft_2024, alice, value="1.5")
    ruled = RuleItem.objects.filter(indicator__system__standard=draft_2024.standard).first().indicator
    services.save_score(
        assessment=draft_2024, indicator=ruled, user=alice, value=None, justification="", rule_counts={}
    )  # a rule-based indicator left at its computed score
    sheet = scoring_sheet(draft_2024)
    expected = [
        (b.system.name, b.subtotal, b.system.max_score, b.indicator_count, b.scored_count) for b in sheet.systems
    ]
    got = [(s.name, s.score, s.max_score, s.indicator_count, s.scored_count) for s in system_scores(draft_2024)]
    assert got == expected and sum(s[1] for s in got) == sheet.total > 0


@pytest.mark.parametrize("department", ["执法大队", None])
def test_the_staff_list_of_unscored_indicators_agrees_with_the_scoring_sheet(alice, draft_2024, department):
    from assessment.selectors import scoring_sheet
    from dashboard.selectors import unscored_indicators

    for indicator in Indicator.objects.filter(system__standard=draft_2024.standard).order_by("code")[::3]:
        services.save_score(
            assessment=draft_2024, indicator=indicator, user=alice, value=Decimal("1"), justification="已落实。"
        )
    rows = [row for block in scoring_sheet(draft_2024).systems for row in block.rows if row.value is None]
    expected = [r.indicator for r in rows if department is None or r.indicator.responsible_department == department]
    assert list(unscored_indicators(draft_2024, department=department)) == expected and expected
