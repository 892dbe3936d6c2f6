"""The standard: loading is idempotent, publishing checks the maxima, a published standard is frozen."""

from decimal import Decimal

import pytest

from assessment import services
from assessment.models import Indicator, RuleItem, Standard, System
from assessment.standard_files import StandardFileError, parse_standard, read_standard_file
from tests.conftest import STANDARD_FILE


def _counts():
    return (Standard.objects.count(), System.objects.count(), Indicator.objects.count(), RuleItem.objects.count())


def test_the_shipped_standard_has_4_3_4_6_indicators_and_adds_up_to_100(standard):
    systems = list(standard.systems.order_by("order"))
    assert [s.name for s in systems] == ["构建执法制度体系", "构建执法运行体系", "构建执法监督体系", "构建执法保障体系"]
    assert [s.indicators.count() for s in systems] == [4, 3, 4, 6]
    assert sum(s.max_score for s in systems) == Decimal("100") == standard.total_max
    assert standard.is_published
    assert "示意" in standard.note


def test_loading_the_same_file_twice_changes_nothing(db):
    spec = read_standard_file(STANDARD_FILE)
    first, outcome = services.load_standard(spec=spec)
    assert outcome == "created"
    before = _counts()
    again, outcome = services.load_standard(spec=spec)
    assert (again.pk, outcome) == (first.pk, "unchanged")
    assert _counts() == before


def test_a_published_standard_cannot_be_changed_by_loading(db, standard):
    spec = read_standard_file(STANDARD_FILE)
    changed = parse_standard({**_raw(), "total_max": 90})
    assert changed.version == spec.version
    with pytest.raises(services.AssessmentError, match="已发布，不能修改；请复制为新版本后再修改"):
        services.load_standard(spec=changed)
    standard.refresh_from_db()
    assert standard.total_max == 100


def test_a_draft_standard_is_updated_by_loading(db):
    raw = {**_raw(), "status": "draft", "version": 7}
    draft, _ = services.load_standard(spec=parse_standard(raw))
    raw["systems"][0]["indicators"][0]["name"] = "权责清单（修订）"
    again, outcome = services.load_standard(spec=parse_standard(raw))
    assert (again.pk, outcome) == (draft.pk, "updated")
    assert Indicator.objects.get(system__standard=draft, code="1.1").name == "权责清单（修订）"
    assert not again.is_published


def test_publishing_refuses_a_standard_whose_maxima_do_not_add_up(db):
    raw = {**_raw(), "status": "draft", "version": 3}
    raw["systems"][3]["indicators"][0]["max_score"] = 12  # 保障 indicators now add up to 47, not 45
    draft, _ = services.load_standard(spec=parse_standard(raw))
    with pytest.raises(services.StandardNotPublishable) as refused:
        services.publish_standard(standard=draft)
    assert refused.value.problems == ["体系“构建执法保障体系”满分为45分，但其指标满分合计为47分。"]
    draft.refresh_from_db()
    assert draft.status == Standard.Status.DRAFT
    indicator = Indicator.objects.get(system__standard=draft, code="4.1")
    indicator.max_score = Decimal("10")
    indicator.save()
    services.publish_standard(standard=draft)
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None


def test_copy_makes_a_new_draft_version_with_the_same_structure(standard):
    copy = services.copy_standard(standard=standard)
    assert (copy.version, copy.status, copy.based_on_id) == (2, Standard.Status.DRAFT, standard.pk)
    assert Indicator.objects.filter(system__standard=copy).count() == 17
    assert (
        RuleItem.objects.filter(indicator__system__standard=copy).count()
        == RuleItem.objects.filter(indicator__system__standard=standard).count()
    )
    assert services.copy_standard(standard=standard).version == 3


def test_an_assessment_needs_a_published_standard_that_applies_to_its_year(db, changning):
    draft, _ = services.load_standard(spec=parse_standard({**_raw(), "status": "draft", "version": 9}))
    with pytest.raises(services.AssessmentError, match="只能按已发布的标准开展自评"):
        services.create_self_assessment(organization=changning, year=2024, standard=draft)
    published, _ = services.load_standard(spec=read_standard_file(STANDARD_FILE))
    with pytest.raises(services.AssessmentError, match="不适用于2030年度"):
        services.create_self_assessment(organization=changning, year=2030, standard=published)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw.pop("systems"), "标准缺少“systems”"),
        (lambda raw: raw["systems"][0]["indicators"][0].pop("max_score"), "第1个体系第1个指标缺少“max_score”"),
        (lambda raw: raw["systems"][0]["indicators"][1].update(code="1.1"), "指标编号重复：1.1"),
        (lambda raw: raw["systems"][1]["indicators"][1]["rules"][0].update(kind="penalty"), "类型“penalty”无效"),
        (lambda raw: raw["systems"][0].update(max_score="二十"), "“二十”不是数字"),
        (
            lambda raw: raw["systems"][0]["indicators"][0].update(max_score="5.3"),
            "第1个体系第1个指标：分值5.3不是0.5的整数倍",
        ),
        (
            lambda raw: raw["systems"][1]["indicators"][1]["rules"][0].update(points="0.25"),
            "第2个体系第2个指标第1条规则：分值0.25不是0.1的整数倍",
        ),
        (lambda raw: raw.update(total_max="99.9"), "标准总分：分值99.9不是0.5的整数倍"),
        (lambda raw: raw.update(year_from="二〇二三"), "标准起始年度：“二〇二三”不是整数"),
    ],
)
def test_a_bad_standard_file_is_refused_with_where_and_why(mutate, message):
    raw = _raw()
    mutate(raw)
    with pytest.raises(StandardFileError, match=message):
        parse_standard(raw)


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(StandardFileError, match="格式错误"):
        read_standard_file(path)


def _raw() -> dict:
    import yaml

    return yaml.safe_load(STANDARD_FILE.read_text(encoding="utf-8"))
