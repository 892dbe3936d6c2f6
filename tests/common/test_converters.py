"""Ids in URLs are bounded: a number the database cannot hold is a 404, never a 500."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse


def routes(patterns=None, prefix: str = ""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_no_url_of_ours_takes_an_unbounded_number():
    # admin/: Django's and django-otp's own admin pages, which catch their lookups' errors themselves
    assert [route for route in routes() if "<int:" in route and not route.startswith("admin/")] == []


def test_an_id_of_nineteen_digits_or_more_is_not_found(client, alice):
    client.force_login(alice)
    assert client.get("/assessments/1234567890123456789/").status_code == 404
    assert client.get("/assessments/99999999999999999999/evidence/1/").status_code == 404


def test_ids_still_reverse_and_resolve():
    url = reverse("assessment:detail", args=[123456789012345678])
    assert url == "/assessments/123456789012345678/"
