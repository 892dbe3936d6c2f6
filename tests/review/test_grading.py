"""等次 from the standard's thresholds, at their boundaries, and the assessment-level 一票否决."""

from decimal import Decimal

import pytest

from assessment.scoring import GradeBand, grade_for, grade_problems

BANDS = [
    GradeBand("优秀", Decimal("90")),
    GradeBand("良好", Decimal("80")),
    GradeBand("合格", Decimal("60")),
    GradeBand("不合格", Decimal("0")),
]


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优秀"),
        ("90", "优秀"),
        ("89.5", "良好"),
        ("80", "良好"),
        ("79.5", "合格"),
        ("60", "合格"),
        ("59.5", "不合格"),
        ("0", "不合格"),
    ],
)
def test_a_total_earns_the_highest_grade_whose_minimum_it_reaches(total, grade):
    assert grade_for(Decimal(total), BANDS) == grade
    assert grade_for(Decimal(total), list(reversed(BANDS))) == grade  # whatever order they are stored in


@pytest.mark.parametrize(("total", "grade"), [("100", "不合格"), ("59.5", "不合格")])
def test_a_veto_caps_the_grade(total, grade):
    assert grade_for(Decimal(total), BANDS, vetoed=True, veto_grade="不合格") == grade


def test_a_veto_caps_but_never_raises():
    assert grade_for(Decimal("95"), BANDS, vetoed=True, veto_grade="合格") == "合格"
    assert grade_for(Decimal("50"), BANDS, vetoed=True, veto_grade="合格") == "不合格"


def test_no_grades_no_grade():
    assert grade_for(Decimal("95"), []) == ""


def test_good_thresholds_have_no_problems():
    assert grade_problems(Decimal("100"), BANDS, veto_description="弄虚作假", veto_grade="不合格") == []
    assert grade_problems(Decimal("100"), []) == []


@pytest.mark.parametrize(
    ("bands", "veto", "problem"),
    [
        (
            [GradeBand("优秀", Decimal("90")), GradeBand("合格", Decimal("60"))],
            ("", ""),
            "最低的等次须从0分起（现为60分）。",
        ),
        ([GradeBand("优秀", Decimal("110")), GradeBand("合格", Decimal("0"))], ("", ""), "超过标准总分100分"),
        ([GradeBand("优秀", Decimal("60")), GradeBand("合格", Decimal("60"))], ("", ""), "最低分相同"),
        ([GradeBand("优秀", Decimal("60")), GradeBand("优秀", Decimal("0"))], ("", ""), "等次名称重复"),
        (BANDS, ("弄虚作假", "差"), "否决后最高等次“差”不是本标准的等次。"),
        (BANDS, ("弄虚作假", ""), "没有指定否决后的最高等次"),
        ([], ("弄虚作假", ""), "设了一票否决情形，但没有等次。"),
    ],
)
def test_bad_thresholds_are_named(bands, veto, problem):
    problems = grade_problems(Decimal("100"), bands, veto_description=veto[0], veto_grade=veto[1])
    assert any(problem in p for p in problems), problems
