"""双随机、一公开 on the public site: published monthly plans and their results; drafts and confidential draws never."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from plans.models import AnnualPlan, CheckItem, MonthlyPlan
from tests.inspections.records_helpers import Make

URL = reverse("disclosure:random-checks")


def plan(org, year, month, status, item, seed=""):
    annual, _ = AnnualPlan.objects.get_or_create(
        organization=org,
        year=year,
        defaults={"rate_key": Decimal(25), "rate_general": Decimal(5), "rate_special": Decimal(25)},
    )
    monthly = MonthlyPlan.objects.create(
        organization=org,
        annual_plan=annual,
        month=month,
        status=status,
        quota_general=3,
        note="内部说明不公开",
        seed=seed,
        published_at=timezone.now() if status == MonthlyPlan.Status.PUBLISHED else None,
    )
    monthly.items.set([item])
    return monthly


def test_published_plans_show_and_others_do_not(client, changning):
    year = timezone.localdate().year
    item = CheckItem.objects.create(organization=changning, code="dq-1", name="大气污染物排放检查")
    hidden = CheckItem.objects.create(organization=changning, code="fs-1", name="未公开的事项")
    plan(changning, year, 3, MonthlyPlan.Status.PUBLISHED, item, seed="公开的种子")
    plan(changning, year, 4, MonthlyPlan.Status.ACKNOWLEDGED, hidden, seed="保密的种子")
    Make(changning)  # the district has records; none is part of a published draw
    page = client.get(URL, {"district": "changning", "year": year})
    text = page.content.decode()
    assert page.status_code == 200 and "public" in page["Cache-Control"]
    assert "3月" in text and "大气污染物排放检查" in text and "公开的种子" in text
    for secret in ("未公开的事项", "保密的种子", "内部说明不公开"):
        assert secret not in text
    assert "尚无公开的抽查结果" in text


def test_an_unknown_district_is_404_and_a_bad_year_is_this_year(client, changning):
    assert client.get(URL, {"district": "nowhere"}).status_code == 404
    page = client.get(URL, {"district": "changning", "year": "1999"})
    assert page.status_code == 200 and f"{timezone.localdate().year}年已公开" in page.content.decode()
