"""The 复核 page (review:sheet): the reviewer's form, and for the district its scores beside the city's."""

from django.urls import reverse

from review import services as review
from tests.review.conftest import rows_of


def _get(client, user, assessment):
    client.force_login(user)
    return client.get(reverse("review:sheet", args=[assessment.pk]))


def test_reviewer_sees_a_form_with_the_districts_score_beside_it(client, reviewing_2024, rita):
    page = _get(client, rita, reviewing_2024).content.decode()
    assert 'name="then" value="confirm"' in page and 'name="then" value="return"' in page
    assert page.count('-score"') >= 17
    assert '<span id="district-total">' in page


def test_reviewer_is_offered_to_start_an_approved_assessment(client, approved_2024, rita):
    page = _get(client, rita, approved_2024).content.decode()
    assert reverse("review:start", args=[approved_2024.pk]) in page


def test_the_district_reads_the_review_without_a_form(client, reviewing_2024, rita, alice, lea):
    round_ = reviewing_2024.review_rounds.get()
    review.save_review(assessment=reviewing_2024, user=rita, rows=rows_of(round_, i1_1=("0.5", "未公开", "")))
    for user in (alice, lea):
        response = _get(client, user, reviewing_2024)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'name="then"' not in page and reverse("review:start", args=[reviewing_2024.pk]) not in page
        assert "未公开" in page and "（-0.5）" in page


def test_it_checks_ownership(client, reviewing_2024, bob, adam):
    for user in (bob, adam):
        assert _get(client, user, reviewing_2024).status_code == 404
