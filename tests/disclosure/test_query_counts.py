"""The public list's queries do not grow with the number of publications (bench scale: tests/bench, bench/run.py)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from tests.disclosure.helpers import ready_case
from tests.inspections.records_helpers import Make


def queries(client, url) -> int:
    from django.core.cache import caches

    caches["public"].clear()  # count a page that is rendered, not one served from the cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_and_downloads_take_the_same_queries_for_5_and_60_publications(client, changning, lea):
    make = Make(changning)
    today = timezone.localdate()
    urls = [reverse(n) for n in ("disclosure:penalty-list", "disclosure:penalty-json", "disclosure:feed")]
    for i in range(5):
        services.publish(case=ready_case(make, decided=today - timedelta(days=i)), user=lea)
    few = [queries(client, url) for url in urls]
    for i in range(55):
        services.publish(case=ready_case(make, decided=today - timedelta(days=i % 30)), user=lea)
    many = [queries(client, url) for url in urls]
    assert few == many
    assert few[0] <= 6
