"""与往年对比 (review:years): an earlier year beside the current one, per indicator and system, with the change."""

from decimal import Decimal

from django.urls import reverse

from assessment import services
from review import services as review
from tests.review.conftest import approve, rows_of


def _two_years(changning, standard, alice, lea, rita):
    last = services.create_self_assessment(organization=changning, year=2023, standard=standard)
    approve(last, alice, lea, value="max")
    review.start_review(assessment=last, user=rita)
    round_ = last.review_rounds.get()
    review.save_review(assessment=last, user=rita, rows=rows_of(round_, i1_1=("2", "未公开", "")), then="confirm")
    last.refresh_from_db()
    this = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    approve(this, alice, lea, value="max", values={"1.1": "4", "1.2": "3"})
    return last, this


def _get(client, user, assessment, **params):
    client.force_login(user)
    return client.get(reverse("review:years", args=[assessment.pk]), params)


def test_an_earlier_year_beside_this_one_with_the_change(client, changning, standard, alice, lea, rita):
    last, this = _two_years(changning, standard, alice, lea, rita)
    response = _get(client, lea, this, year=2023)
    assert response.status_code == 200
    table = response.content.decode().split('id="years-table"', 1)[1]
    # 1.1: confirmed 复核得分 2 last year (not the district's 5), 4 this year
    row = table.split("1.1 ", 1)[1].split("</tr>", 1)[0]
    assert ">2</td>" in row and ">4</td>" in row and '<span class="text-success">+2</span>' in row
    row = table.split("1.2 ", 1)[1].split("</tr>", 1)[0]
    assert '<span class="text-danger">-2</span>' in row
    # the system and the total: 2 + 5 + 5 + 5 then, 4 + 3 + 5 + 5 now; 97 (confirmed) then, 100 - 1 - 2 now
    system = table.split("构建执法制度体系", 1)[1].split("</tr>", 1)[0]
    assert system.count(">17</td>") == 2 and "持平" in system
    total = table.split("合计", 1)[1].split("</tr>", 1)[0]
    assert last.final_total == Decimal("97") and total.count(">97</td>") == 2 and "持平" in total


def test_the_assessment_page_links_it(client, changning, standard, alice, lea, rita):
    _, this = _two_years(changning, standard, alice, lea, rita)
    client.force_login(alice)
    page = client.get(reverse("assessment:detail", args=[this.pk])).content.decode()
    assert reverse("review:years", args=[this.pk]) in page


def test_the_first_year_has_nothing_to_compare(client, draft_2024, alice):
    response = _get(client, alice, draft_2024)
    assert "没有2024年度以前的自评可以对比" in response.content.decode()


def test_it_checks_ownership(client, changning, standard, alice, lea, rita, bob, adam):
    _, this = _two_years(changning, standard, alice, lea, rita)
    for user in (bob, adam):
        assert _get(client, user, this).status_code == 404
    assert _get(client, rita, this).status_code == 200
