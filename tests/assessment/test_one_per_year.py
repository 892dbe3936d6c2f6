"""One assessment per district and year, one published standard per year, and the standard's 等次."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment import services
from assessment.models import Grade, SelfAssessment, Standard
from assessment.selectors import standard_for_year
from assessment.standard_files import StandardFileError, parse_standard, read_standard_file
from tests.conftest import STANDARD_FILE


def _raw(**changes) -> dict:
    import yaml

    return {**yaml.safe_load(STANDARD_FILE.read_text(encoding="utf-8")), **changes}


def test_the_shipped_standard_has_grades_and_a_veto(standard):
    grades = list(standard.grades.values_list("name", "min_score"))
    assert grades == [("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0)]
    assert standard.veto_description and standard.veto_grade == "不合格"


def test_the_database_refuses_a_second_assessment_for_a_year(standard, changning):
    SelfAssessment.objects.create(organization=changning, year=2024, standard=standard)
    other = services.copy_standard(standard=standard)
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfAssessment.objects.create(organization=changning, year=2024, standard=other)


def test_a_second_assessment_for_the_year_is_refused_with_a_message(client, standard, changning, alice):
    client.force_login(alice)
    first = client.post(reverse("assessment:create"), {"year": 2024})
    assert first.status_code == 302
    again = client.post(reverse("assessment:create"), {"year": 2024})
    assert again.status_code == 400
    error = again.content.decode().split('id="id_year_error">', 1)[1].split("</div>", 1)[0]
    assert "本单位2024年度的自评已经存在，每个区每年只有一份自评" in error
    assert SelfAssessment.objects.filter(organization=changning, year=2024).count() == 1


def test_the_service_names_the_existing_assessment(standard, changning):
    existing = services.create_self_assessment(organization=changning, year=2024, standard=standard)
    assert services.create_self_assessment(organization=changning, year=2024, standard=standard) == existing
    later = services.copy_standard(standard=standard)
    # a legacy second published version for the same year (publishing refuses that now)
    Standard.objects.filter(pk=later.pk).update(year_from=2024, status=Standard.Status.PUBLISHED)
    later.refresh_from_db()
    with pytest.raises(services.DuplicateAssessment, match="长宁区2024年度的自评已经存在") as refused:
        services.create_self_assessment(organization=changning, year=2024, standard=later)
    assert refused.value.existing == existing


def test_publishing_refuses_years_another_published_version_covers(standard):
    overlapping, _ = services.load_standard(spec=parse_standard(_raw(version=2, status="draft", year_from=2025)))
    with pytest.raises(services.StandardNotPublishable) as refused:
        services.publish_standard(standard=overlapping)
    assert refused.value.problems == [
        f"适用年度与已发布的“{standard}”（2022—2025年度）重叠，同一年度只能有一个已发布的标准。"
    ]
    overlapping.refresh_from_db()
    assert not overlapping.is_published
    assert standard_for_year(2025) == standard


def test_a_copy_covers_the_years_after_the_original_and_publishes(standard):
    copy = services.copy_standard(standard=standard)
    assert (copy.year_from, copy.year_to) == (2026, None)
    assert list(copy.grades.values_list("name", flat=True)) == ["优秀", "良好", "合格", "不合格"]
    services.publish_standard(standard=copy)
    assert standard_for_year(2025) == standard and standard_for_year(2026) == copy


def test_an_open_ended_version_blocks_any_later_one(db):
    first, _ = services.load_standard(spec=parse_standard(_raw(year_to=None)))
    later, _ = services.load_standard(
        spec=parse_standard(_raw(version=2, status="draft", year_from=2030, year_to=None))
    )
    with pytest.raises(services.StandardNotPublishable, match="重叠"):
        services.publish_standard(standard=later)
    assert first.is_published


def test_publishing_checks_the_grades(db):
    raw = _raw(status="draft", grades=[{"name": "优秀", "min_score": 90}, {"name": "合格", "min_score": 60}])
    draft, _ = services.load_standard(spec=parse_standard(raw))
    with pytest.raises(services.StandardNotPublishable) as refused:
        services.publish_standard(standard=draft)
    assert "最低的等次须从0分起（现为60分）。" in refused.value.problems
    assert "否决后最高等次“不合格”不是本标准的等次。" in refused.value.problems
    Grade.objects.create(standard=draft, name="不合格", min_score=Decimal("0"))
    services.publish_standard(standard=draft)
    assert Standard.objects.get(pk=draft.pk).is_published


@pytest.mark.parametrize(
    ("grades", "message"),
    [
        ([{"name": "优秀"}], "第1个等次缺少“min_score”。"),
        ([{"name": "优秀", "min_score": 90.3}], "不是0.5的整数倍"),
        (["优秀"], "第1个等次必须写成"),
    ],
)
def test_the_standard_file_checks_its_grades(grades, message):
    with pytest.raises(StandardFileError, match=message):
        parse_standard(_raw(grades=grades))


def test_loading_twice_keeps_the_grades_unchanged(db):
    spec = read_standard_file(STANDARD_FILE)
    services.load_standard(spec=spec)
    again, outcome = services.load_standard(spec=spec)
    assert outcome == "unchanged" and again.grades.count() == 4


def test_a_standard_published_without_grades_gets_them_from_the_file(db):
    """An existing database (published before 等次 existed) loads the shipped file again instead of failing."""
    without = parse_standard(_raw(grades=None, veto=None))
    standard, _ = services.load_standard(spec=without)
    assert standard.is_published and not standard.grades.exists()
    again, outcome = services.load_standard(spec=read_standard_file(STANDARD_FILE))
    assert (again.pk, outcome) == (standard.pk, "updated")
    assert list(again.grades.values_list("name", flat=True)) == ["优秀", "良好", "合格", "不合格"]
    assert again.veto_grade == "不合格"
    assert services.load_standard(spec=read_standard_file(STANDARD_FILE))[1] == "unchanged"
    # anything else that differs is still refused: a published standard is frozen
    with pytest.raises(services.AssessmentError, match="已发布，不能修改"):
        services.load_standard(spec=parse_standard(_raw(total_max=90)))


def test_grades_are_not_added_together_with_other_changes(db):
    standard, _ = services.load_standard(spec=parse_standard(_raw(grades=None, veto=None)))
    with pytest.raises(services.AssessmentError, match="已发布，不能修改"):
        services.load_standard(spec=parse_standard(_raw(note="改过的说明")))
    assert not standard.grades.exists()
