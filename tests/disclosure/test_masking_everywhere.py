"""A natural person with an identity number, a phone and an address in the record: none of it appears on any
public page, in the feed or in either download; the name appears only as surname + 某某."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from disclosure import services
from tests.disclosure.helpers import ADDRESS, ID_NUMBER, PHONE, person_case
from tests.inspections.records_helpers import Make

PUBLIC_URLS = ("disclosure:penalty-list", "disclosure:penalty-csv", "disclosure:penalty-json", "disclosure:feed")


@pytest.fixture
def publication(changning, lea):
    return services.publish(case=person_case(Make(changning)), user=lea)


def everything_public(client, publication) -> dict[str, str]:
    urls = [reverse(name) for name in PUBLIC_URLS]
    urls += [
        reverse("disclosure:penalty-list") + "?q=欧阳",
        reverse("disclosure:penalty-detail", args=[publication.pk]),
    ]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.content.decode("utf-8-sig")
    return bodies


def test_nothing_private_is_public(client, publication):
    for url, body in everything_public(client, publication).items():
        assert "欧阳某某" in body, url
        for private in (ID_NUMBER, PHONE, ADDRESS, "欧阳娜娜", ID_NUMBER[-6:]):
            assert private not in body, f"{private} on {url}"


def test_the_downloads_carry_the_masked_name(client, publication):
    data = json.loads(client.get(reverse("disclosure:penalty-json")).content)
    assert data["count"] == 1
    item = data["items"][0]
    assert item["party_name"] == "欧阳某某" and item["credit_code"] == ""
    assert item["violation_facts"] == "欧阳某某在居民区露天焚烧废弃物。"
    assert set(item) <= {*data["fields"], "url"}
    csv_text = client.get(reverse("disclosure:penalty-csv")).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("公示编号,处罚决定书文号,当事人")
    assert "欧阳某某" in csv_text


def test_a_sole_trader_under_a_persons_name_is_masked_too(client, changning, lea):
    make = Make(changning)
    case = person_case(make, party_kind="sole_trader_personal", party_name="张伟")
    publication = services.publish(case=case, user=lea)
    assert publication.party_name == "张某某" and publication.credit_code == case.source.credit_code


def test_an_identity_number_typed_in_the_facts_blocks_publication(changning, lea):
    case = person_case(Make(changning))
    case.violation_facts = f"当事人（身份证号{ID_NUMBER}）焚烧废弃物。"
    case.save()
    with pytest.raises(services.DisclosureError, match="身份证号码"):
        services.publish(case=case, user=lea)
