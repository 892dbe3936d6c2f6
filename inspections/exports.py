"""The ledger export: what the list pages' download and ``export_ledger`` write, as bytes."""

from __future__ import annotations

from datetime import date

from accounts.models import Organization
from inspections.ledger.writer import ledger_workbook
from inspections.selectors import ledger_rows, monthly_statistics, period_statistics


def ledger_export(*, organization: Organization, start: date | None, end: date | None) -> bytes:
    """The organisation's records of the period (by each record's own date); with both dates given,
    also a sheet of the period's statistics from the same selector as the statistics page."""
    statistics = None
    if start is not None and end is not None:
        statistics = (
            period_statistics(organization=organization, start=start, end=end),
            monthly_statistics(organization=organization, start=start, end=end),
        )
    return ledger_workbook(ledger_rows(organization=organization, start=start, end=end), statistics=statistics)


def export_filenames(organization: Organization, start: date | None, end: date | None) -> tuple[str, str]:
    """The download's Chinese name and its ASCII fallback."""
    span = f"{start.isoformat() if start else '最早'}至{end.isoformat() if end else '最新'}"
    ascii_span = f"{start.isoformat() if start else 'start'}_{end.isoformat() if end else 'end'}"
    return f"{organization.short_name}执法台账_{span}.xlsx", f"ledger-{organization.code}-{ascii_span}.xlsx"
