"""Fixtures for the audit trail tests; the report's demo (seed_demo with a signing PKI) is shared with its tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from tests.assessment.conftest import draft_2024, standard, submitted_2024  # noqa: F401
from tests.assessment.reports.conftest import (  # noqa: F401
    ca_pem_file,
    demo,
    demo_ca,
    pki_dir,
    signing_p12,
    xuhui_p12,
)


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def events(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("at", "pk"))


def only_event(**filters) -> AuditEvent:
    found = events(**filters)
    assert len(found) == 1, [(e.action, e.object_type, e.note) for e in found]
    return found[0]


def add_event(*, days_ago: float = 0, **fields) -> AuditEvent:
    """An event as if written ``days_ago`` days ago (rows are inserted, never updated, so ``at`` is set here)."""
    fields.setdefault("action", AuditEvent.Action.UPDATE)
    fields.setdefault("actor_name", "测试")
    with transaction.atomic():
        return AuditEvent.objects.create(at=timezone.now() - timedelta(days=days_ago), **fields)
