"""Malformed values in every query parameter and every path argument of every URL of the product (from the URL
resolver, with the authorization matrix's data and arguments) never give a server error (5xx).

The query parameters tried are every name the code reads from ``request.GET`` and every field of the product's
forms (a GET filter form is one of them), found by reading the source: a view that starts reading a new
parameter is covered without an edit here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.urls import NoReverseMatch, reverse

from tests.test_authorization_matrix import TABLE, districts, entries  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_DIRS = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "changning_enforce"]
MALFORMED = [
    "abc",
    "-1",
    "99999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "１２",
    "\x00",
    "x" * 3000,
    "1e309",
]
PATH_INTS = ["0", "99999999999999999999"]
ROLES = ("alice", "lea", "rita")


def read_names() -> set[str]:
    """Names the code reads from request.GET itself."""
    names: set[str] = set()
    for folder in PRODUCT_DIRS:
        for path in folder.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            names |= set(re.findall(r"GET\.get\(\s*[\"'](\w+)[\"']", text))
            names |= set(re.findall(r"GET\[\s*[\"'](\w+)[\"']\s*\]", text))
            names |= set(re.findall(r"[\"'](\w+)[\"']\s+in\s+request\.GET", text))
    return names


def query_names() -> list[str]:
    names = read_names()
    for folder in PRODUCT_DIRS:
        for path in folder.rglob("*.py"):
            if "form" in path.name or "filter" in path.name or path.parent.name == "views" or path.name == "views.py":
                # form fields (a GET filter form among them)
                text = path.read_text(encoding="utf-8")
                names |= set(re.findall(r"^\s+(\w+)\s*=\s*[\w.]*Field\(", text, flags=re.M))

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for form in subclasses(forms.BaseForm):
        module = form.__module__.split(".")[0]
        if any(folder.name == module for folder in PRODUCT_DIRS):
            names |= {n for n in getattr(form, "base_fields", {}) if not n.startswith("_")}
    return sorted(names)


def valid_url(name: str, district) -> tuple[str, list]:
    entry = entries(name)[0]
    args = entry.args(district) if entry.target else []
    return reverse(name, args=args), list(args)


@pytest.fixture
def signed_in(client, alice, lea, rita):
    from tests.conftest import FullyAuthenticatedClient

    clients = {}
    for user in (alice, lea, rita):
        clients[user.username] = FullyAuthenticatedClient()
        clients[user.username].force_login(user)
    return clients


def test_no_url_gives_a_server_error_for_malformed_queries_or_path_arguments(districts, signed_in, settings):  # noqa: F811
    settings.REPORT_VERIFY_RATE = 100_000
    names = query_names()
    assert {"start", "end", "job", "year", "page", "sort", "org"} <= set(names)
    failures = []

    def check(client, role, url, method="GET"):
        try:
            response = client.get(url) if method == "GET" else client.post(url)
        except Exception as exc:  # the test client re-raises what the view raised: that is a 500
            failures.append(f"{method} {url[:150]} as {role}: {type(exc).__name__}: {str(exc)[:150]}")
            return
        if response.status_code >= 500:
            failures.append(f"{method} {url[:150]} as {role}: {response.status_code}")

    from urllib.parse import quote

    for name in sorted(TABLE):
        if name in ("accounts:logout",):
            continue
        url, args = valid_url(name, districts["changning"])
        for role, client in signed_in.items():
            for value in MALFORMED:
                check(client, role, url + "?" + "&".join(f"{n}={quote(value)}" for n in names))
            if role == "rita":  # one at a time too: an early refusal of one must not hide another
                for n in sorted(read_names()):
                    for value in ("99999999999999999999", "\x00"):
                        check(client, role, f"{url}?{n}={quote(value)}")
        for position, arg in enumerate(args):
            if not isinstance(arg, int):
                continue
            for value in PATH_INTS:
                changed = [*args[:position], int(value), *args[position + 1 :]]
                try:
                    bad = reverse(name, args=changed)
                except NoReverseMatch:
                    continue
                for role, client in signed_in.items():
                    check(client, role, bad)
                    check(client, role, bad, "POST")
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} in all)"
