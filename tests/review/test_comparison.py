"""各区对比 (review:comparison): the numbers against the assessments they come from; drafts apart; flat queries."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organization
from assessment.models import Indicator, Score, SelfAssessment
from review.models import ReviewRound, ReviewScore
from review.selectors.comparison import city_comparison


def _total(assessment: SelfAssessment) -> Decimal:
    return sum((s.score for s in assessment.scores.all() if s.score is not None), Decimal("0"))


def test_the_figures_come_from_the_assessments(city_2024):
    cn, xh = city_2024["changning"], city_2024["xuhui"]
    result = city_comparison(year=2024)
    rows = {d.organization.code: d for d in result.districts}
    assert _total(cn) == Decimal("100")
    assert cn.final_total == Decimal("98") and cn.grade == "优秀"
    assert (rows["changning"].self_total, rows["changning"].review_total, rows["changning"].figure) == (
        Decimal("100"), Decimal("98"), Decimal("98")
    )  # fmt: skip
    assert (rows["xuhui"].self_total, rows["xuhui"].review_total, rows["xuhui"].figure) == (
        _total(xh), None, _total(xh)
    )  # fmt: skip
    assert rows["xuhui"].grade == ""  # not confirmed: no 等次 yet
    # per system: the confirmed 复核得分 for 长宁区, the district's own for 徐汇区
    system = result.systems[0].name
    assert rows["changning"].systems[system] == Decimal("18")
    assert rows["xuhui"].systems[system] == sum(s.score for s in xh.scores.filter(indicator__system__name=system))
    assert rows["changning"].indicators["1.1"] == Decimal("3") and rows["xuhui"].indicators["2.1"] == Decimal("0")
    # rankings only from approved figures; the draft and the district not started are apart
    assert [(d.organization.code, d.rank) for d in result.ranked] == [("changning", 1), ("xuhui", 2)]
    assert [d.organization.code for d in result.in_progress] == ["jingan"]
    assert [d.organization.code for d in result.not_started] == ["huangpu"]
    assert rows["jingan"].figure is None and rows["jingan"].rank is None


def test_the_page_shows_rankings_drafts_apart_and_a_heat_map(client, rita, city_2024):
    client.force_login(rita)
    response = client.get(reverse("review:comparison"), {"year": 2024})
    assert response.status_code == 200
    page = response.content.decode()
    ranking = page.split('id="ranking"', 1)[1].split("</table>", 1)[0]
    assert "长宁区" in ranking and "徐汇区" in ranking and "静安区" not in ranking
    assert "<td data-grade>优秀</td>" in ranking
    progress = page.split('id="in-progress"', 1)[1].split("</table>", 1)[0]
    assert "静安区" in progress and "1 / 17" in progress and "黄浦区" in progress
    heat = page.split('id="heat-map"', 1)[1].split("</table>", 1)[0]
    assert "静安区" not in heat
    # numbers in the cells, not colour alone; a weak cell is marked in text too
    assert '<td class="heat heat-2">3</td>' in heat  # 长宁区 1.1: 3 of 5 = 60 %
    assert (
        '<td class="heat heat-1">0<span aria-hidden="true">▼</span><span class="visually-hidden">（低于60%）</span></td>'
        in heat
    )
    assert "/static/vendor/chartjs/chart.umd.min.js" in page


def test_sorting_by_a_column(client, rita, city_2024):
    client.force_login(rita)
    page = client.get(reverse("review:comparison"), {"year": 2024, "sort": "self"}).content.decode()
    ranking = page.split('id="ranking"', 1)[1]
    assert ranking.index("长宁区") < ranking.index("徐汇区")
    page = client.get(reverse("review:comparison"), {"year": 2024, "sort": "name"}).content.decode()
    ranking = page.split('id="ranking"', 1)[1]
    assert ranking.index('data-district="changning"') < ranking.index('data-district="xuhui"')
    assert client.get(reverse("review:comparison"), {"sort": "'; drop"}).status_code == 200


def test_district_users_cannot_compare(client, alice, lea, adam, city_2024):
    for user in (alice, lea, adam):
        client.force_login(user)
        assert client.get(reverse("review:comparison")).status_code == 403


def test_it_checks_ownership(client, bob, city_2024):
    # a user of another district sees no ranking of the districts, including their own neighbour's scores
    client.force_login(bob)
    response = client.get(reverse("review:comparison"), {"year": 2024})
    assert response.status_code == 403 and "长宁区" not in response.content.decode()


# --- queries flat in the number of districts and years ----------------------------------------------------


def _grow(standard, city, *, districts: int, years: range, reviewer) -> None:
    """Districts × years of assessments in every state, written in bulk (bench scale: 17 and 5)."""
    indicators = list(Indicator.objects.filter(system__standard=standard))
    states = [SelfAssessment.Status.CONFIRMED, SelfAssessment.Status.APPROVED, SelfAssessment.Status.DRAFT]
    for n in range(districts):
        org = Organization.objects.create(
            code=f"g{n}", name=f"测试{n}区生态环境局", short_name=f"测试{n}区", parent=city
        )
        for year in years:
            status = states[(n + year) % len(states)]
            total = sum((i.max_score for i in indicators), Decimal("0"))
            a = SelfAssessment.objects.create(
                organization=org, year=year, standard=standard, status=status,
                final_total=total if status == SelfAssessment.Status.CONFIRMED else None,
                grade="优秀" if status == SelfAssessment.Status.CONFIRMED else "",
            )  # fmt: skip
            Score.objects.bulk_create(Score(assessment=a, indicator=i, score=i.max_score) for i in indicators)
            if status == SelfAssessment.Status.CONFIRMED:
                r = ReviewRound.objects.create(assessment=a, number=1, started_by=reviewer, outcome="confirmed")
                ReviewScore.objects.bulk_create(
                    ReviewScore(round=r, indicator=i, district_score=i.max_score, score=i.max_score) for i in indicators
                )


def _count(client, url, params=None) -> int:
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_districts_and_years(client, rita, city_2024, standard, city):
    client.force_login(rita)
    urls = [
        (reverse("review:comparison"), {"year": 2024}),
        (reverse("review:comparison-export"), {"year": 2024}),
        (reverse("home"), {"year": 2024}),
    ]
    before = [_count(client, url, params) for url, params in urls]
    _grow(standard, city, districts=17, years=range(2020, 2025), reviewer=rita)
    after = [_count(client, url, params) for url, params in urls]
    assert after == before
    result = city_comparison(year=2024)
    assert len(result.districts) == 21 and len(result.ranked) > 10
