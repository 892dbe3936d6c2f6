"""The public site: list, detail, search, filters, pages, caching and its invalidation, the rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.models import BureauContact, PenaltyPublication
from tests.disclosure.helpers import ready_case
from tests.inspections.records_helpers import Make

LIST = reverse("disclosure:penalty-list")


@pytest.fixture
def published(changning, xuhui, lea, bella):
    """Two 长宁区 decisions and one 徐汇区 decision, published."""
    make_cn, make_xh = Make(changning), Make(xuhui)
    make_xh._n = 500  # other credit codes than 长宁区's
    items = [
        services.publish(case=ready_case(make_cn, source=make_cn.source("长宁甲化工有限公司")), user=lea),
        services.publish(case=ready_case(make_cn, source=make_cn.source("长宁乙印染厂")), user=lea),
        services.publish(case=ready_case(make_xh, source=make_xh.source("徐汇丙电镀有限公司")), user=bella),
    ]
    BureauContact.objects.create(organization=changning, address="长宁区演示路1号", phone="021-00000001")
    return items


def text(response) -> str:
    return response.content.decode()


def test_anyone_reads_the_list_without_signing_in(client, published):
    response = client.get(LIST)
    assert response.status_code == 200
    page = text(response)
    for name in ("长宁甲化工有限公司", "长宁乙印染厂", "徐汇丙电镀有限公司"):
        assert name in page
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert "长宁区演示路1号" in page  # the bureau's contact on the page


def test_search_by_credit_code_and_by_name(client, published):
    code = published[1].credit_code
    page = text(client.get(LIST, {"q": code.lower()}))
    assert "长宁乙印染厂" in page and "长宁甲化工有限公司" not in page
    page = text(client.get(LIST, {"q": "电镀"}))
    assert "徐汇丙电镀有限公司" in page and "长宁乙印染厂" not in page


def test_filters_by_district_year_and_type(client, published):
    page = text(client.get(LIST, {"district": "xuhui"}))
    assert "徐汇丙电镀有限公司" in page and "长宁甲化工有限公司" not in page
    year = published[0].decided_on.year
    assert "长宁甲化工有限公司" in text(client.get(LIST, {"year": year}))
    assert "长宁甲化工有限公司" not in text(client.get(LIST, {"year": year - 1}))
    assert "长宁甲化工有限公司" not in text(client.get(LIST, {"type": "exempted"}))
    assert "长宁甲化工有限公司" in text(client.get(LIST, {"type": "fined", "year": "abc", "after": "x"}))


def test_keyset_pages_visit_every_item_once(client, changning, lea, settings):
    make = Make(changning)
    today = timezone.localdate()
    made = [
        services.publish(case=ready_case(make, decided=today - timedelta(days=i // 3)), user=lea) for i in range(45)
    ]
    seen, url, pages = [], LIST, 0
    while url:
        response = client.get(url)
        seen += [p.pk for p in response.context["page"].items]
        url = response.context["next_url"] and LIST + response.context["next_url"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(p.pk for p in made) and len(seen) == len(set(seen))


def test_the_detail_has_a_stable_address_and_shows_the_fields(client, published):
    item = published[0]
    page = text(client.get(reverse("disclosure:penalty-detail", args=[item.pk])))
    for value in (item.decision_number, item.credit_code, "大气污染防治法", "上海市长宁区生态环境局", "50000.00"):
        assert value in page


def test_a_corrected_version_says_so_and_links_the_new_one(client, published, lea):
    old = published[0]
    case = old.case
    case.penalty_content = "罚款人民币四万元"
    case.save()
    new = services.correct(publication=old, user=lea, note="处罚内容笔误")
    page = text(client.get(reverse("disclosure:penalty-detail", args=[old.pk])))
    assert "已被更正" in page and reverse("disclosure:penalty-detail", args=[new.pk]) in page
    assert "处罚内容笔误" in text(client.get(reverse("disclosure:penalty-detail", args=[new.pk])))
    listed = [p.pk for p in client.get(LIST).context["page"].items]
    assert new.pk in listed and old.pk not in listed


def test_publishing_and_withdrawing_invalidate_the_cached_pages(client, changning, lea):
    make = Make(changning)
    assert "长宁丁有限公司" not in text(client.get(LIST))  # now cached
    publication = services.publish(
        case=ready_case(make, source=make.source("长宁丁有限公司"), decided=timezone.localdate() - timedelta(days=120)),
        user=lea,
    )
    assert "长宁丁有限公司" in text(client.get(LIST))
    detail = reverse("disclosure:penalty-detail", args=[publication.pk])
    assert client.get(detail).status_code == 200
    services.withdraw_for_credit_repair(
        publication=publication, user=lea, grounds="已整改", applied_on=timezone.localdate()
    )
    assert "长宁丁有限公司" not in text(client.get(LIST))
    assert client.get(detail).status_code == 404


def test_an_expired_decision_is_gone_before_the_command_runs(client, published):
    item = published[0]
    today = timezone.localdate()  # as if 3 years had passed
    PenaltyPublication.objects.filter(case=item.case).update(
        expires_on=today, withdrawable_from=today - timedelta(days=900)
    )
    from django.core.cache import caches

    caches["public"].clear()  # the stamp changes at midnight; here the date stays, so drop the cached pages
    assert client.get(reverse("disclosure:penalty-detail", args=[item.pk])).status_code == 404
    assert item.decision_number not in text(client.get(LIST))


def test_the_rate_limit_per_address(client, settings, db):
    settings.DISCLOSURE_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(LIST).status_code == 200
    refused = client.get(LIST)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "访问过于频繁" in refused.content.decode()
    other = client.get(LIST, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # another address has its own count


def test_unpublished_and_other_districts_cases_are_not_shown(client, changning, published):
    hidden = ready_case(
        Make(changning), source=Make(changning).source("长宁未公示公司", credit_code="91310000132200821H")
    )
    assert hidden.source.name not in text(client.get(LIST))
