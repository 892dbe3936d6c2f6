"""The scoring arithmetic, without a database."""

from decimal import Decimal as D

import pytest

from assessment.scoring import (
    BONUS,
    DEDUCTION,
    VETO,
    RuleApplication,
    ScoreInputError,
    SystemMaxima,
    normalize,
    parse_score,
    publishing_problems,
    score_from_rules,
    total,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4", D("4")),
        ("3.5", D("3.5")),
        (" 0 ", D("0")),
        ("5", D("5")),
        (3.5, D("3.5")),
        (2, D("2")),
        ("", None),
        (None, None),
    ],
)
def test_parse_score_accepts_half_steps_within_max(raw, expected):
    assert parse_score(raw, D("5")) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("5.5", "超过该指标满分5分"),
        ("-1", "不能为负数"),
        ("3.3", "不是0.5的整数倍"),
        ("abc", "不是数字"),
        ("NaN", "不是数字"),
        ("Infinity", "不是数字"),
        (True, "必须是数字"),
    ],
)
def test_parse_score_rejects_with_a_chinese_reason(raw, message):
    with pytest.raises(ScoreInputError, match=message):
        parse_score(raw, D("5"))


def test_deductions_take_points_per_occurrence():
    rules = [RuleApplication(kind=DEDUCTION, points=D("1"), occurrences=3)]
    assert score_from_rules(D("7"), rules) == D("4")


def test_deductions_stop_at_zero():
    rules = [RuleApplication(kind=DEDUCTION, points=D("0.5"), occurrences=40)]
    assert score_from_rules(D("4"), rules) == D("0")


def test_bonus_is_capped_per_item_and_never_exceeds_max():
    rules = [
        RuleApplication(kind=DEDUCTION, points=D("0.5"), occurrences=6),
        RuleApplication(kind=BONUS, points=D("1"), occurrences=5, cap=D("2")),
    ]
    # 8 - 3 = 5, bonus 5 capped at 2 → 7
    assert score_from_rules(D("8"), rules) == D("7")
    no_deduction = [RuleApplication(kind=BONUS, points=D("1"), occurrences=2, cap=D("2"))]
    assert score_from_rules(D("8"), no_deduction) == D("8")


def test_bonus_without_cap_counts_every_occurrence():
    rules = [
        RuleApplication(kind=DEDUCTION, points=D("1"), occurrences=4),
        RuleApplication(kind=BONUS, points=D("0.5"), occurrences=3),
    ]
    assert score_from_rules(D("10"), rules) == D("7.5")


def test_a_triggered_veto_zeroes_the_indicator_whatever_else_applies():
    rules = [
        RuleApplication(kind=BONUS, points=D("1"), occurrences=2, cap=D("2")),
        RuleApplication(kind=VETO, points=D("0"), occurrences=1),
    ]
    assert score_from_rules(D("7"), rules) == D("0")
    rules[1] = RuleApplication(kind=VETO, points=D("0"), occurrences=0)
    assert score_from_rules(D("7"), rules) == D("7")


def test_no_occurrences_means_full_marks():
    assert score_from_rules(D("10"), [RuleApplication(kind=DEDUCTION, points=D("1"), occurrences=0)]) == D("10")


def test_total_ignores_unscored_indicators():
    assert total([D("4"), None, D("3.5")]) == D("7.5")
    assert total([]) == D("0")


def test_normalize_writes_scores_as_the_bureau_does():
    assert normalize(D("15.0")) == "15"
    assert normalize(D("79.5")) == "79.5"
    assert normalize(D("100")) == "100"


def test_a_standard_that_adds_up_has_no_publishing_problems():
    systems = [
        SystemMaxima(name="制度", max_score=D("20"), indicator_maxima=[D("5")] * 4),
        SystemMaxima(name="保障", max_score=D("80"), indicator_maxima=[D("40"), D("40")]),
    ]
    assert publishing_problems(D("100"), systems) == []


def test_publishing_problems_name_the_system_and_both_sums():
    systems = [
        SystemMaxima(name="构建执法制度体系", max_score=D("20"), indicator_maxima=[D("5"), D("5"), D("5"), D("6")]),
        SystemMaxima(name="构建执法保障体系", max_score=D("75"), indicator_maxima=[D("75")]),
    ]
    problems = publishing_problems(D("100"), systems)
    assert "体系“构建执法制度体系”满分为20分，但其指标满分合计为21分。" in problems
    assert "各体系满分合计为95分，与标准总分100分不符。" in problems


def test_a_system_without_indicators_cannot_be_published():
    problems = publishing_problems(D("10"), [SystemMaxima(name="空", max_score=D("10"), indicator_maxima=[])])
    assert problems == ["体系“空”没有指标。"]
    assert publishing_problems(D("100"), []) == ["标准没有任何体系。"]
