"""The home page's plans card: what waits for the leader and the city, and the year's 双随机 figures."""

from __future__ import annotations

from django.urls import reverse

from plans import services
from plans.models import MonthlyPlan
from tests.plans import helpers


def home(client, user, year=2026) -> str:
    client.force_login(user)
    return client.get(reverse("home"), {"year": year}).content.decode()


def test_the_leader_sees_plans_to_file_and_the_city_plans_to_acknowledge(client, changning, xuhui, lea, rita, bob):
    helpers.monthly(changning, 3)
    helpers.monthly(xuhui, 4, status=MonthlyPlan.Status.FILED)
    assert "待报备的月度计划" in home(client, lea) and "2026年3月现场检查计划" in home(client, lea)
    city = home(client, rita)
    assert "1份月度计划等待市局确认备案" in city and "徐汇区2026年4月现场检查计划" in city
    assert "长宁区" not in home(client, bob).split("现场检查计划与双随机抽查")[-1]


def test_staff_see_the_years_draw_figures(client, changning, make, alice):
    services.run_draw(user=alice, plan=helpers.ready(changning, make))
    page = home(client, alice)
    assert "双随机抽查：抽中<strong>4</strong>户次，已检查<strong>0</strong>户次" in page


def test_it_checks_ownership(client, changning, make, alice, bob):
    services.run_draw(user=alice, plan=helpers.ready(changning, make))
    assert "抽中<strong>4</strong>" not in home(client, bob)
