"""沿用上年度说明 (review:carry-forward): last year's justifications into this year's draft, marked to confirm."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment import services
from assessment.models import Evidence, Score
from review.models import CarriedJustification
from tests.review.conftest import approve, indicator


def _pdf(tag: str) -> bytes:
    return f"%PDF-1.4\n% {tag}\n%%EOF\n".encode()


def _years(changning, standard, alice, lea):
    last = services.create_self_assessment(organization=changning, year=2023, standard=standard)
    approve(last, alice, lea)
    this = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    return last, this


def _post(client, user, assessment):
    client.force_login(user)
    return client.post(reverse("review:carry-forward", args=[assessment.pk]))


def test_the_assessment_page_offers_last_years_justifications(client, changning, standard, alice, lea):
    _, this = _years(changning, standard, alice, lea)
    client.force_login(alice)
    page = client.get(reverse("assessment:detail", args=[this.pk])).content.decode()
    assert "沿用2023年度的自评说明" in page and reverse("review:carry-forward", args=[this.pk]) in page


def test_carried_texts_are_marked_and_confirmed_by_scoring(client, changning, standard, alice, lea):
    last = services.create_self_assessment(organization=changning, year=2023, standard=standard)
    first = indicator(last, "1.1")
    services.save_score(
        assessment=last,
        indicator=first,
        user=alice,
        value=Decimal("4"),
        justification="2023年清单已公开。",
        new_evidence=[SimpleUploadedFile("清单.pdf", _pdf("LIST"), content_type="application/pdf")],
    )
    approve(last, alice, lea)  # scores every indicator (1.1's text becomes "已落实。"), with 1.1's evidence kept
    this = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    evidence_before = Evidence.objects.count()

    response = _post(client, alice, this)
    assert response.status_code == 302
    carried = CarriedJustification.objects.filter(score__assessment=this)
    assert carried.count() == 17
    score = Score.objects.get(assessment=this, indicator__code="1.1")
    last_score = Score.objects.get(assessment=last, indicator__code="1.1")
    assert score.score is None and score.justification == last_score.justification
    assert Evidence.objects.count() == evidence_before  # linked, not copied

    page = client.get(reverse("assessment:score-sheet", args=[this.pk])).content.decode()
    assert "17项待确认" in page and "沿用，待确认" in page
    link = reverse("assessment:evidence-download", args=[last.pk, last_score.evidence.get().pk])
    assert link in page and client.get(link).status_code == 200

    # scoring the indicator confirms the carried text
    services.save_score(
        assessment=this, indicator=score.indicator, user=alice, value=Decimal("5"), justification=score.justification
    )
    assert CarriedJustification.objects.get(score=score).is_confirmed
    page = client.get(reverse("assessment:score-sheet", args=[this.pk])).content.decode()
    assert "16项待确认" in page


def test_carrying_never_overwrites_this_years_work(client, changning, standard, alice, lea):
    _, this = _years(changning, standard, alice, lea)
    mine = indicator(this, "1.2")
    services.save_score(assessment=this, indicator=mine, user=alice, value=Decimal("3"), justification="今年的说明")
    _post(client, alice, this)
    kept = Score.objects.get(assessment=this, indicator=mine)
    assert (kept.score, kept.justification) == (Decimal("3"), "今年的说明")
    assert not CarriedJustification.objects.filter(score=kept).exists()
    assert CarriedJustification.objects.filter(score__assessment=this).count() == 16


def test_leaders_and_the_city_cannot_carry(client, changning, standard, alice, lea, rita):
    _, this = _years(changning, standard, alice, lea)
    assert _post(client, lea, this).status_code == 403
    assert _post(client, rita, this).status_code == 403
    assert not CarriedJustification.objects.exists()


def test_nothing_to_carry_in_the_first_year(client, draft_2024, alice):
    response = _post(client, alice, draft_2024)
    assert "没有2024年度以前的自评可以沿用" in client.get(response["Location"]).content.decode()


def test_it_checks_ownership(client, changning, standard, alice, lea, bob):
    _, this = _years(changning, standard, alice, lea)
    assert _post(client, bob, this).status_code == 404
    assert not CarriedJustification.objects.exists()
