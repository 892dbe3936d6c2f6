"""Statutory periods of a penalty case, as pure functions on dates.

Periods count from the day after the event (行政处罚法 第八十五条: 期间开始的日不计算在期间内), so a case filed on
1 January must be decided by 1 April (90 days later): deciding on the 90th day is in time, on the 91st one day late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

#: 部令第30号 第五十七条: decided within 90 days of 立案 …
DECISION_DAYS = 90
#: … extended by at most 30 days with the approval of the bureau's head (the reason is recorded).
MAX_EXTENSION_DAYS = 30
#: 行政处罚法 第六十一条: the decision is delivered within 7 days.
DELIVERY_DAYS = 7


@dataclass(frozen=True)
class Period:
    name: str  # 作出决定 / 送达
    deadline: date
    done_on: date | None  # when the step happened; None while it has not

    def overdue_days(self, today: date) -> int:
        """Days past the deadline: of the step when done, else as of ``today``; 0 when in time."""
        reference = self.done_on or today
        return max((reference - self.deadline).days, 0)

    def is_late(self, today: date) -> bool:
        return self.overdue_days(today) > 0


def decision_deadline(filed_on: date, extension_days: int = 0) -> date:
    return filed_on + timedelta(days=DECISION_DAYS + min(max(extension_days, 0), MAX_EXTENSION_DAYS))


def delivery_deadline(decided_on: date) -> date:
    return decided_on + timedelta(days=DELIVERY_DAYS)


def case_periods(
    *, filed_on: date, decided_on: date | None, delivered_on: date | None, extension_days: int = 0
) -> tuple[Period, ...]:
    """The periods that apply to a case so far: the decision always, the delivery once decided."""
    periods = [Period("作出决定", decision_deadline(filed_on, extension_days), decided_on)]
    if decided_on is not None:
        periods.append(Period("送达", delivery_deadline(decided_on), delivered_on))
    return tuple(periods)


def decided_late(*, filed_on: date, decided_on: date | None, extension_days: int = 0) -> bool:
    """A decision made after its statutory period (an undecided case is not counted here)."""
    return decided_on is not None and decided_on > decision_deadline(filed_on, extension_days)
