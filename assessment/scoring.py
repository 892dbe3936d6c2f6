"""Scoring arithmetic: pure functions on plain values, no database.

The rules follow the way comparable Chinese assessments are scored (see docs/standard.md):
a 扣分项 takes ``points`` off per occurrence and the indicator cannot go below 0 ("扣完为止");
a 加分项 adds ``points`` per occurrence up to its own ``cap``; the indicator never exceeds its 满分;
a triggered 否决项 makes the indicator 0 whatever else applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

ZERO = Decimal("0")
HALF = Decimal("0.5")
DEDUCTION, BONUS, VETO = "deduction", "bonus", "veto"


class ScoreInputError(ValueError):
    """A score a person typed that cannot be accepted; the message is shown to them as is."""


@dataclass(frozen=True)
class RuleApplication:
    kind: str
    points: Decimal
    occurrences: int
    cap: Decimal | None = None


def parse_score(raw: object, max_score: Decimal) -> Decimal | None:
    """Turn what was typed (or read from a cell) into a score; blank means not scored yet."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    if isinstance(raw, bool):
        raise ScoreInputError("得分必须是数字。")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ScoreInputError(f"得分“{raw}”不是数字。") from None
    if not value.is_finite():
        raise ScoreInputError(f"得分“{raw}”不是数字。")
    if abs(value.adjusted()) > 6:
        # 1e999999999 is a number, but no score: refuse it before any arithmetic could overflow.
        raise ScoreInputError(f"得分“{str(raw)[:20]}”不是有效的分数。")
    if value < 0:
        raise ScoreInputError("得分不能为负数。")
    if value > max_score:
        raise ScoreInputError(f"得分{normalize(value)}超过该指标满分{normalize(max_score)}分。")
    if (value * 2) % 1 != 0:
        raise ScoreInputError(f"得分{normalize(value)}不是0.5的整数倍。")
    return value.quantize(Decimal("0.1"))


def score_from_rules(max_score: Decimal, applications: Sequence[RuleApplication]) -> Decimal:
    if any(a.kind == VETO and a.occurrences > 0 for a in applications):
        return ZERO.quantize(Decimal("0.1"))
    deducted = sum((a.points * a.occurrences for a in applications if a.kind == DEDUCTION), ZERO)
    bonus = ZERO
    for a in applications:
        if a.kind == BONUS:
            earned = a.points * a.occurrences
            bonus += earned if a.cap is None else min(earned, a.cap)
    base = max(max_score - deducted, ZERO)
    return min(base + bonus, max_score).quantize(Decimal("0.1"))


def total(scores: Iterable[Decimal | None]) -> Decimal:
    """Sum of the scores given so far; an unscored indicator counts as nothing yet."""
    return sum((s for s in scores if s is not None), ZERO)


def normalize(value: Decimal) -> str:
    """79.5 stays 79.5, 15.0 reads 15: how the bureau writes scores."""
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True)
class SystemMaxima:
    name: str
    max_score: Decimal
    indicator_maxima: Sequence[Decimal]


def publishing_problems(total_max: Decimal, systems: Sequence[SystemMaxima]) -> list[str]:
    """What stops a standard from being published; empty when it adds up."""
    problems: list[str] = []
    if not systems:
        problems.append("标准没有任何体系。")
    for system in systems:
        if not system.indicator_maxima:
            problems.append(f"体系“{system.name}”没有指标。")
            continue
        indicator_sum = sum(system.indicator_maxima, ZERO)
        if indicator_sum != system.max_score:
            problems.append(
                f"体系“{system.name}”满分为{normalize(system.max_score)}分，"
                f"但其指标满分合计为{normalize(indicator_sum)}分。"
            )
    system_sum = sum((s.max_score for s in systems), ZERO)
    if systems and system_sum != total_max:
        problems.append(f"各体系满分合计为{normalize(system_sum)}分，与标准总分{normalize(total_max)}分不符。")
    return problems


# --- 等次 ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeBand:
    name: str
    min_score: Decimal  # inclusive: a total at or above it earns the grade


def grade_problems(
    total_max: Decimal, bands: Sequence[GradeBand], *, veto_description: str = "", veto_grade: str = ""
) -> list[str]:
    """What is wrong with a standard's 等次; a standard without any grades publishes without 等次."""
    problems: list[str] = []
    names = [b.name for b in bands]
    if len(set(names)) != len(names):
        problems.append("等次名称重复。")
    minima = [b.min_score for b in bands]
    if len(set(minima)) != len(minima):
        problems.append("两个等次的最低分相同，无法区分。")
    for band in bands:
        if band.min_score > total_max:
            problems.append(
                f"等次“{band.name}”的最低分{normalize(band.min_score)}超过标准总分{normalize(total_max)}分。"
            )
    if bands and min(minima) != ZERO:
        # otherwise a low total would have no grade at all
        problems.append(f"最低的等次须从0分起（现为{normalize(min(minima))}分）。")
    if veto_description and not bands:
        problems.append("设了一票否决情形，但没有等次。")
    if veto_grade and veto_grade not in names:
        problems.append(f"否决后最高等次“{veto_grade}”不是本标准的等次。")
    if veto_description and not veto_grade:
        problems.append("设了一票否决情形，但没有指定否决后的最高等次。")
    return problems


def grade_for(total_score: Decimal, bands: Sequence[GradeBand], *, vetoed: bool = False, veto_grade: str = "") -> str:
    """The grade a total earns: the highest band whose minimum it reaches; a veto caps it at ``veto_grade``.

    Empty when the standard has no grades."""
    ordered = sorted(bands, key=lambda b: b.min_score, reverse=True)
    earned = next((i for i, b in enumerate(ordered) if total_score >= b.min_score), None)
    if earned is None:
        return ""
    if vetoed:
        cap = next((i for i, b in enumerate(ordered) if b.name == veto_grade), len(ordered) - 1)
        earned = max(earned, cap)
    return ordered[earned].name
