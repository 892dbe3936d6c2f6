"""No page, admin action, ORM call or SQL statement can change or delete an audit row: the database refuses."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from audit.models import AppendOnlyError, AuditEvent
from tests.audit.conftest import add_event


def _stored(event: AuditEvent) -> tuple:
    return AuditEvent.objects.filter(pk=event.pk).values_list("note", "actor_name", "changes").get()


@pytest.fixture
def event(changning) -> AuditEvent:
    return add_event(organization=changning, note="原始记录", changes={"score": ["1", "2"]})


def test_saving_a_changed_event_is_refused_by_the_database(event):
    before = _stored(event)
    event.note = "被篡改"
    with pytest.raises(IntegrityError, match="审计记录只能追加"), transaction.atomic():
        event.save()
    assert _stored(event) == before


def test_deleting_an_event_through_the_orm_is_refused(event):
    with pytest.raises(IntegrityError, match="审计记录只能追加"), transaction.atomic():
        event.delete()  # Model.delete() goes past the queryset: the trigger stops it
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="被篡改")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(AuditEvent.objects.db)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET note = 'x'",
        "UPDATE audit_auditevent SET at = at",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_raw_sql_cannot_update_or_delete_events(event, sql):
    before = _stored(event)
    with pytest.raises(IntegrityError, match="审计记录只能追加"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk] if "%s" in sql else None)
    assert _stored(event) == before


def test_truncate_is_refused_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE without WHERE is refused above)")
    with pytest.raises(DatabaseError, match="审计记录只能追加"), transaction.atomic(), connection.cursor() as cursor:
        # the test's transaction still holds deferred foreign-key checks, which TRUNCATE would complain of first
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_prune_guard_is_closed_outside_pruning(event):
    """The SQLite guard table is empty (the PostgreSQL setting is off) whenever nothing is being pruned."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM audit_prune_guard")
            assert cursor.fetchone()[0] == 0
        else:
            cursor.execute("SELECT coalesce(current_setting('audit.allow_prune', true), '')")
            assert cursor.fetchone()[0] in ("", "off")


def test_inserting_is_allowed_and_nobody_holds_add_change_or_delete_permissions(adam, event):
    from django.contrib.auth.models import Permission

    codenames = set(Permission.objects.filter(content_type__app_label="audit").values_list("codename", flat=True))
    assert codenames == {"view_auditevent", "view_all_auditevents"}


def test_the_admin_shows_events_read_only(client, adam, event):
    client.force_login(adam)
    changelist = client.get(reverse("admin:audit_auditevent_changelist"))
    assert changelist.status_code == 200
    assert "原始记录" in changelist.content.decode() or event.actor_name in changelist.content.decode()
    page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    # no form to post, no deletion page, no "add" page, and the bulk delete action is not offered
    assert client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"note": "x"}).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    response = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert _stored(event)[0] == "原始记录"


def test_a_user_who_acted_cannot_be_deleted_only_disabled(alice, changning):
    from django.db.models import ProtectedError

    add_event(actor=alice, organization=changning)
    with pytest.raises(ProtectedError), transaction.atomic():
        alice.delete()
