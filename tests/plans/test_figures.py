"""双随机 figures per quarter, year and category; the report's placeholders; results ready for publication."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse

from assessment.reports.content import random_placeholders
from inspections.models import Dispatch
from plans import services
from plans.models import MonthlyPlan
from plans.selectors import publishable_results, quarter_span, random_figures
from tests.plans import helpers


def drawn(changning, make, alice):
    plan = helpers.ready(changning, make)  # March: 2 重点 + 2 一般 of 6 + 10
    draw = services.run_draw(user=alice, plan=plan)
    tasks = list(draw.tasks.select_related("source").order_by("position"))
    general = [t for t in tasks if t.category == "general"]
    key = [t for t in tasks if t.category == "key"]
    dispatch = make.dispatch(date(2026, 3, 12), officers=3, task_type=Dispatch.TaskType.RANDOM)
    make.inspection(date(2026, 3, 12), dispatch=dispatch, source=general[0].source, result="violation")
    make.inspection(date(2026, 3, 13), source=key[0].source)
    make.inspection(date(2026, 4, 1), source=key[1].source)  # after its month: not a completion
    make.case(date(2026, 3, 20), None, "", "0", source=general[0].source)
    return plan, draw, general, key


def test_figures_per_category_for_the_quarter_and_year(changning, make, alice):
    drawn(changning, make, alice)
    q1 = random_figures(organization=changning, start=date(2026, 1, 1), end=date(2026, 3, 31))
    by = {c.category: c for c in q1.categories}
    assert (by["general"].listed, by["general"].drawn, by["general"].checked) == (10, 2, 1)
    assert (by["general"].problems, by["general"].cases) == (1, 1)
    assert (by["key"].listed, by["key"].drawn, by["key"].checked, by["key"].problems) == (6, 2, 1, 0)
    assert by["key"].rate == Decimal("16.7") and by["key"].plan_rate == Decimal("25") and by["key"].meets_plan is False
    assert by["general"].rate == Decimal("10.0") and by["general"].meets_plan is True
    assert (q1.drawn, q1.checked, q1.completion) == (4, 2, Decimal("50.0"))
    assert (q1.dispatches, q1.person_times) == (1, 3)
    q2 = random_figures(organization=changning, start=quarter_span(2026, 2)[0], end=quarter_span(2026, 2)[1])
    assert q2.drawn == 0 and q2.completion is None


def test_a_replaced_draw_does_not_count(changning, make, alice):
    plan, draw, _, _ = drawn(changning, make, alice)
    services.run_draw(user=alice, plan=plan, replaces=draw, reason="名录更新")
    year = random_figures(organization=changning, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert year.drawn == 4


def test_the_reports_placeholders(changning, make, alice):
    drawn(changning, make, alice)
    figures = random_figures(organization=changning, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert random_placeholders(figures) == {"双随机抽查户次": "2", "计划完成率": "50.0%"}
    assert random_placeholders(None) == {"双随机抽查户次": "0", "计划完成率": "—"}


def test_results_are_publishable_only_once_the_plan_is_published(changning, make, alice):
    plan, _, general, key = drawn(changning, make, alice)
    assert publishable_results(organization=changning) == []
    MonthlyPlan.objects.filter(pk=plan.pk).update(status=MonthlyPlan.Status.PUBLISHED)
    results = publishable_results(organization=changning, year=2026)
    assert len(results) == 4
    first = next(r for r in results if r.source == general[0].source.name)
    assert (first.inspected_on, first.outcome, first.item) == (date(2026, 3, 12), "发现违法行为", general[0].item.name)
    late = next(r for r in results if r.source == key[1].source.name)
    assert (late.inspected_on, late.outcome) == (None, "未检查")


def test_the_figures_page(client, changning, make, alice):
    drawn(changning, make, alice)
    client.force_login(alice)
    page = client.get(reverse("plans:figures"), {"year": "2026"}).content.decode()
    assert "第1季度（2026-01-01至2026-03-31）：抽中4户次，已检查2户次，计划完成率50.0%" in page
    assert "双随机出动1批次、3人次" in page
    assert client.get(reverse("plans:figures"), {"year": "abc"}).status_code == 200


def test_it_checks_ownership(client, changning, make, alice, bob):
    drawn(changning, make, alice)
    client.force_login(bob)
    assert client.get(reverse("plans:figures"), {"org": "changning"}).status_code == 404
    assert "抽中4户次" not in client.get(reverse("plans:figures"), {"year": "2026"}).content.decode()
