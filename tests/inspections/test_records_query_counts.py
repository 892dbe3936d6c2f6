"""List and statistics pages run a fixed number of queries, however many records there are."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Dispatch, Inspection, PenaltyCase, PollutionSource
from tests.inspections.records_helpers import code

PAGES = [
    ("inspections:dispatch-list", {}),
    ("inspections:inspection-list", {"start": "2023-01-01", "end": "2023-12-31"}),
    ("inspections:case-list", {"outcome": "fined"}),
    ("inspections:source-list", {}),
    ("inspections:equipment-list", {}),
    ("inspections:training-list", {}),
    ("inspections:statistics", {"start": "2023-01-01", "end": "2023-12-31"}),
]


def add_records(organization, users, count: int, offset: int = 0) -> None:
    """``count`` of each kind, in bulk; each dispatch with two officers who are users."""
    day = date(2023, 1, 1)
    sources = PollutionSource.objects.bulk_create(
        PollutionSource(organization=organization, name=f"单位{offset + n}", credit_code=code(offset + n))
        for n in range(count)
    )
    dispatches = Dispatch.objects.bulk_create(
        Dispatch(
            organization=organization, number=f"Q{offset + n}", dispatched_on=day + timedelta(n % 300), officer_count=2
        )
        for n in range(count)
    )
    dispatches = list(Dispatch.objects.filter(organization=organization, number__in=[d.number for d in dispatches]))
    sources = list(
        PollutionSource.objects.filter(organization=organization, credit_code__in=[s.credit_code for s in sources])
    )
    through = Dispatch.officer_users.through
    through.objects.bulk_create(through(dispatch=d, user=u) for d in dispatches for u in users)
    Inspection.objects.bulk_create(
        Inspection(organization=organization, dispatch=d, source=s, inspected_on=d.dispatched_on)
        for d, s in zip(dispatches, sources, strict=True)
    )
    PenaltyCase.objects.bulk_create(
        PenaltyCase(
            organization=organization, case_number=f"罚{offset + n}", source=s, violation_type=f"类型{n % 7}",
            filed_on=day, decided_on=day, outcome="fined", fine_yuan=100,
        )
        for n, s in enumerate(sources)
    )  # fmt: skip


def queries(client, name, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(("name", "params"), PAGES)
def test_queries_do_not_grow_with_the_records(
    client, alice, lea, changning, name, params, django_assert_max_num_queries
):
    client.force_login(alice)
    add_records(changning, [alice, lea], 3)
    few = queries(client, name, params)
    add_records(changning, [alice, lea], 120, offset=100)
    many = queries(client, name, params)
    assert many == few
    # session, user, permissions, organisation; the page itself (statistics: 11 aggregate queries)
    with django_assert_max_num_queries(20):
        client.get(reverse(name), params)
