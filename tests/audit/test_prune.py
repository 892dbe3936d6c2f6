"""Retention: events are kept at least 184 days (six calendar months can be 184) (网络安全法 §21); older ones go only through prune_audit."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from audit.services import AuditError, prune
from tests.audit.conftest import add_event


@pytest.fixture
def ages(changning) -> dict[str, AuditEvent]:
    return {
        "year": add_event(days_ago=365, organization=changning, note="一年前"),
        "200": add_event(days_ago=200, organization=changning, note="200天前"),
        "183": add_event(days_ago=183, organization=changning, note="183天前"),
        "today": add_event(days_ago=0, organization=changning, note="今天"),
    }


@pytest.mark.parametrize("days", [0, 30, 90, 183])
def test_pruning_younger_than_184_days_is_refused(ages, days):
    with pytest.raises(AuditError, match="至少保留184天"):
        prune(older_than_days=days)
    with pytest.raises(CommandError, match="至少保留184天"):
        call_command("prune_audit", "--older-than-days", str(days))
    assert AuditEvent.objects.count() == 4


def test_prune_removes_only_older_events_and_records_that_it_did(ages, capsys):
    call_command("prune_audit", "--older-than-days", "184")
    assert "已清理2条184天以前的审计记录" in capsys.readouterr().out
    notes = set(AuditEvent.objects.values_list("note", flat=True))
    assert {"183天前", "今天"} <= notes
    assert not notes & {"一年前", "200天前"}
    pruned = AuditEvent.objects.get(action=AuditEvent.Action.PRUNE)
    assert pruned.actor_name == "manage.py prune_audit" and "清理了2条" in pruned.note


def test_after_a_prune_the_guard_is_closed_again(ages):
    assert prune(older_than_days=300) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.get(note="200天前").delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM audit_prune_guard")
            assert cursor.fetchone()[0] == 0


def test_a_prune_that_fails_leaves_every_event(ages, monkeypatch):
    import audit.services

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit.services, "record", broken)
    with pytest.raises(RuntimeError):
        prune(older_than_days=184)
    assert AuditEvent.objects.count() == 4
