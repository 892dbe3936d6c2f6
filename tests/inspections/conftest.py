"""Fixtures for the enforcement-records tests; the helpers themselves are in records_helpers.py."""

from __future__ import annotations

import pytest

from tests.inspections.records_helpers import Make


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # Tasks run inside the request; test_ledger_worker.py runs the real database-backed worker instead.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def make(changning) -> Make:
    return Make(changning)


@pytest.fixture
def make_xuhui(xuhui) -> Make:
    return Make(xuhui)
