"""The query set of every dated record: org-scoped, and selectable by the period its own date puts it in."""

from __future__ import annotations

from datetime import date
from typing import Self

from accounts.scoping import OrgScopedQuerySet


class RecordQuerySet(OrgScopedQuerySet):
    def in_period(self, start: date | None, end: date | None) -> Self:
        """Records whose period date (the model's ``PERIOD_DATE``) lies in [start, end], both inclusive."""
        qs = self.alias(period_date=self.model.PERIOD_DATE)
        if start is not None:
            qs = qs.filter(period_date__gte=start)
        if end is not None:
            qs = qs.filter(period_date__lte=end)
        return qs
