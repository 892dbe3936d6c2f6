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
