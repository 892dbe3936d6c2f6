"""Reads of the inspections app, one module per concern:

- ``statistics``: period and monthly figures (one answer for the page, the workbook and the annual report);
- ``lists``: the organisations a user may look at, list querysets and their whitelisted sort orders;
- ``ledger_rows``: the rows of the ledger export.

The names below are the app's read API, so that callers may write ``from inspections.selectors import …``.
"""

from inspections.selectors.ledger_rows import ledger_rows
from inspections.selectors.lists import (
    DEFAULT_SORTS,
    NULLABLE_SORT_FIELDS,
    RECORD_SORTS,
    record_list,
    record_sort,
    visible_organizations,
)
from inspections.selectors.statistics import (
    MonthStatistics,
    PeriodStatistics,
    monthly_statistics,
    period_statistics,
    records_in_period,
    wan_yuan_text,
)

__all__ = [
    "DEFAULT_SORTS",
    "NULLABLE_SORT_FIELDS",
    "RECORD_SORTS",
    "MonthStatistics",
    "PeriodStatistics",
    "ledger_rows",
    "monthly_statistics",
    "period_statistics",
    "record_list",
    "record_sort",
    "records_in_period",
    "visible_organizations",
    "wan_yuan_text",
]
