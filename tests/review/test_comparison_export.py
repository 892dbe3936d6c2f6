"""The comparison workbook (review:comparison-export): the page's numbers, formatted, names never formulas."""

import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Organization


def _workbook(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("review:comparison-export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_the_workbook_has_the_ranking_and_the_heat_map(client, rita, city_2024):
    wb = _workbook(client, rita, year=2024)
    ranking = wb["各区对比"]
    assert ranking["A1"].value == "各区2024年度规范化建设自评与复核对比"
    header = [c.value for c in ranking[3]]
    assert header[:7] == ["排名", "区", "状态", "自评总分", "复核总分", "计分", "等次"]
    first = [c.value for c in ranking[4]][:7]
    assert first == [1, "长宁区", "已确认", 100, 98, 98, "优秀"]
    assert ranking["B5"].value == "徐汇区" and ranking["G5"].value is None
    apart = [row[1].value for row in ranking.iter_rows(min_row=7) if row[1].value]
    assert apart == ["静安区", "黄浦区"]
    assert ranking["A3"].fill.fgColor.rgb.endswith("D9E1F2")  # formatted header
    heat = wb["指标得分热力表"]
    assert heat["A3"].value == "长宁区" and heat["C3"].value == 3  # indicator 1.1 after review
    assert heat["C3"].fill.fgColor.rgb.endswith("FFE699")  # 60 %: yellow
    assert heat["A5"].value == "全市平均" and Decimal(str(heat["C5"].value)) == Decimal("2.5")


def test_a_name_that_looks_like_a_formula_stays_text(client, rita, city_2024):
    Organization.objects.filter(code="xuhui").update(short_name='=HYPERLINK("x")')
    wb = _workbook(client, rita, year=2024)
    cell = wb["各区对比"]["B5"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_district_users_cannot_export(client, alice, lea, city_2024):
    for user in (alice, lea):
        client.force_login(user)
        assert client.get(reverse("review:comparison-export")).status_code == 403


def test_it_checks_ownership(client, bob, city_2024):
    client.force_login(bob)
    response = client.get(reverse("review:comparison-export"), {"year": 2024})
    assert response.status_code == 403 and b"PK" not in response.content[:2]
