"""Case-file review (案卷评查): a closed case scored against the admin's checklist; a failed substantive item fails
the file; the failed files of a year are a measure."""

from datetime import date

import pytest
from django.urls import reverse

from inspections.measures import measure_value
from inspections.models import CaseFileReview, ReviewItem


@pytest.fixture
def checklist(db):
    return [
        ReviewItem.objects.create(code="1", title="主体", substantive=True),
        ReviewItem.objects.create(code="2", title="证据", substantive=True),
        ReviewItem.objects.create(code="3", title="归档", substantive=False),
    ]


@pytest.fixture
def closed_case(make):
    return make.case(date(2023, 1, 1), date(2023, 2, 1), "fined", "100", case_number="长环罚〔2023〕1号",
                     closed_on=date(2023, 3, 1))  # fmt: skip


def post(checklist, **values) -> dict:
    data = {"case_number": "长环罚〔2023〕1号", "reviewed_on": "2023-11-20", "reviewer": "法制科 周敏"}
    for item in checklist:
        data[f"item_{item.pk}"] = "pass"
    data.update(values)
    return data


@pytest.fixture
def as_alice(client, alice):
    client.force_login(alice)
    return client


def test_a_failed_substantive_item_fails_the_file(as_alice, changning, checklist, closed_case):
    _main, evidence, archive = checklist
    url = reverse("inspections:review-create")
    data = post(checklist, **{f"item_{archive.pk}": "fail", f"note_{archive.pk}": "目录缺页码"})
    assert as_alice.post(url, data).status_code == 302
    review = CaseFileReview.objects.get()
    assert review.passed  # 归档 is not substantive
    assert {(r.item.title, r.passed, r.note) for r in review.results.all()} == {
        ("主体", True, ""),
        ("证据", True, ""),
        ("归档", False, "目录缺页码"),
    }
    data = post(
        checklist, reviewed_on="2023-12-01", **{f"item_{evidence.pk}": "fail", f"note_{evidence.pk}": "缺现场照片"}
    )
    assert as_alice.post(url, data).status_code == 302
    assert not CaseFileReview.objects.get(reviewed_on=date(2023, 12, 1)).passed
    failed = measure_value(organization=changning, year=2023, name="failed_case_files")
    assert failed.records == ("长环罚〔2023〕1号",)
    page = as_alice.get(reverse("inspections:review-list")).content.decode()
    assert "不合格" in page and "法制科 周敏" in page


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"case_number": "无此案"}, "case_number", "本单位没有案件编号为“无此案”的行政处罚案件。"),
        ({"reviewed_on": "2023-02-01"}, "reviewed_on", "评查日期不能早于该案结案日期2023-03-01。"),
    ],
)
def test_bad_reviews_name_the_field_and_save_nothing(as_alice, checklist, closed_case, values, field, message):
    response = as_alice.post(reverse("inspections:review-create"), post(checklist, **values))
    assert response.status_code == 400 and message in response.context["form"].errors[field]
    assert not CaseFileReview.objects.exists()


def test_a_failed_item_needs_a_note_and_every_item_a_verdict(as_alice, checklist, closed_case):
    main = checklist[0]
    data = post(checklist, **{f"item_{main.pk}": "fail"})
    del data[f"item_{checklist[1].pk}"]
    form = as_alice.post(reverse("inspections:review-create"), data).context["form"]
    assert form.errors[f"note_{main.pk}"] == ["“主体”不合格，请说明问题。"]
    assert form.errors[f"item_{checklist[1].pk}"] == ["请评定“证据”是否合格。"]


def test_an_open_case_cannot_be_reviewed(as_alice, make, checklist):
    make.case(date(2023, 1, 1), date(2023, 2, 1), "fined", "100", case_number="长环罚〔2023〕1号")
    form = as_alice.post(reverse("inspections:review-create"), post(checklist)).context["form"]
    assert form.errors["case_number"] == ["案件“长环罚〔2023〕1号”尚未结案，结案后才能评查案卷。"]


def test_it_checks_ownership(client, bob, changning, checklist, closed_case):
    review = CaseFileReview.objects.create(
        organization=changning, case=closed_case, reviewed_on=date(2023, 11, 20), reviewer="周敏"
    )
    client.force_login(bob)
    assert client.get(reverse("inspections:review-edit", args=[review.pk])).status_code == 404
    assert client.post(reverse("inspections:review-delete", args=[review.pk])).status_code == 404
    assert client.get(reverse("inspections:review-list"), {"org": "changning"}).status_code == 404
