"""Login lockout (django-axes): 5 failures in 15 minutes lock the account and, separately, the address; the lock
lifts by itself after 15 minutes or when an admin deletes the attempt (等保 2.0 8.1.4.1 b)."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.lockout import client_ip

PASSWORD = "Test-pass-2024"  # tests/conftest.py make_user
LOGIN = "/accounts/login/"


def attempt(username: str, password: str, address: str = "10.0.0.1"):
    """One login from its own browser: lockout must not depend on cookies."""
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def age_attempts(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_the_fifth_failure_locks_the_account_and_the_right_password_is_then_refused(alice):
    for _ in range(4):
        response = attempt("alice", "wrong")
        assert response.status_code == 200 and response.context["form"].non_field_errors()
    fifth = attempt("alice", "wrong")
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert "登录已暂时锁定" in page and "15 分钟内 5 次" in page and "请 15 分钟后再试" in page
    assert "<script>" not in page and "style=" not in page

    refused = attempt("alice", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.wsgi_request.session


def test_an_account_is_locked_whatever_address_the_failures_come_from(alice, bob):
    for n in range(5):
        attempt("alice", "wrong", address=f"10.0.1.{n}")
    assert attempt("alice", PASSWORD, address="10.0.2.1").status_code == 429
    # the address of that last try is not locked: bob signs in from it
    assert logged_in(attempt("bob", PASSWORD, address="10.0.2.1"))


def test_an_address_is_locked_whatever_usernames_it_tries(alice):
    for name in ("root", "admin", "test", "changning", "zhangsan"):
        attempt(name, "wrong", address="10.0.3.1")
    assert attempt("alice", PASSWORD, address="10.0.3.1").status_code == 429
    # alice herself is not locked: from another address she signs in
    assert logged_in(attempt("alice", PASSWORD, address="10.0.3.2"))


def test_the_lockout_ends_by_itself_after_15_minutes(alice):
    for _ in range(5):
        attempt("alice", "wrong")
    assert attempt("alice", PASSWORD).status_code == 429
    age_attempts(16)
    assert logged_in(attempt("alice", PASSWORD))


def test_trying_on_during_the_lockout_does_not_extend_it(alice):
    for _ in range(5):
        attempt("alice", "wrong")
    locked_at = AccessAttempt.objects.get(username="alice").attempt_time
    for _ in range(10):
        assert attempt("alice", "wrong").status_code == 429
    record = AccessAttempt.objects.get(username="alice")
    assert (record.attempt_time, record.failures_since_start) == (locked_at, 5)


def test_failures_more_than_15_minutes_apart_do_not_add_up(alice):
    for _ in range(4):
        attempt("alice", "wrong")
    age_attempts(16)
    assert attempt("alice", "wrong").status_code == 200  # the 5th failure, but the first 4 have expired
    assert logged_in(attempt("alice", PASSWORD))


def test_an_admin_unlocks_an_account_by_deleting_its_attempt(client, alice, adam):
    for _ in range(5):
        attempt("alice", "wrong")
    assert attempt("alice", PASSWORD).status_code == 429
    record = AccessAttempt.objects.get(username="alice")

    client.force_login(adam)  # tests/conftest.py's client: adam has passed the second factor
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "alice" in changelist.content.decode()
    delete = client.post(reverse("admin:axes_accessattempt_delete", args=[record.pk]), {"post": "yes"})
    assert delete.status_code == 302

    assert not AccessAttempt.objects.exists()
    assert logged_in(attempt("alice", PASSWORD))


def test_the_admin_role_holds_the_unlock_permissions(db):
    admin_permissions = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=roles.ADMIN).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert {"axes.view_accessattempt", "axes.delete_accessattempt"} <= admin_permissions
    assert {"otp_totp.view_totpdevice", "otp_totp.delete_totpdevice"} <= admin_permissions
    # nobody gets to read or set a device's secret through the admin
    assert not {"otp_totp.add_totpdevice", "otp_totp.change_totpdevice"} & admin_permissions


def test_a_scorer_cannot_unlock(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302  # not staff: sent to the admin's login page


def test_the_test_clients_login_goes_through_the_lockout_too(client, alice):
    # tests/conftest.py's client passes a request to authenticate(), as django-axes requires
    assert client.login(username="alice", password=PASSWORD) is True
    for _ in range(5):
        assert client.login(username="alice", password="wrong") is False
    assert client.login(username="alice", password=PASSWORD) is False
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 5


def test_the_address_is_the_one_nginx_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUST_X_FORWARDED_FOR = False
    assert client_ip(request) == "127.0.0.1"
    settings.TRUST_X_FORWARDED_FOR = True
    # the client wrote "6.6.6.6" itself; nginx appended the address it saw
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_a_lockout_is_one_audit_row_however_often_it_is_tried(alice):
    """Anyone can send login attempts: during a lockout they are counted in one window, not written as rows."""
    from accounts.models import LockoutWindow
    from audit.models import AuditEvent

    for _ in range(5):
        attempt("alice", "wrong")
    for _ in range(40):
        assert attempt("alice", "wrong").status_code == 429
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count(AuditEvent.Action.LOGIN_FAILED) == 5
    assert actions.count(AuditEvent.Action.LOCKOUT) == 1
    assert len(actions) == 6
    window = LockoutWindow.objects.get()
    assert (window.refused_attempts, window.organization) == (40, alice.organization)


def test_an_address_trying_new_usernames_while_locked_opens_one_window(db):
    from accounts.models import LockoutWindow
    from audit.models import AuditEvent

    for n in range(5):
        attempt(f"guess{n}", "wrong", address="10.0.4.1")
    for n in range(40):
        assert attempt(f"other{n}", "wrong", address="10.0.4.1").status_code == 429
    assert AuditEvent.objects.count() == 6  # the five failures and one lockout
    window = LockoutWindow.objects.get()
    assert (window.kind, window.value, window.refused_attempts) == ("ip_address", "10.0.4.1", 40)


def test_a_lockout_after_the_window_has_passed_is_a_new_row(alice):
    from accounts.models import LockoutWindow
    from audit.models import AuditEvent

    for _ in range(6):
        attempt("alice", "wrong")
    age_attempts(16)
    LockoutWindow.objects.update(started_at=timezone.now() - timedelta(minutes=16))
    for _ in range(6):
        attempt("alice", "wrong")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKOUT).count() == 2
    assert list(LockoutWindow.objects.order_by("pk").values_list("refused_attempts", flat=True)) == [1, 1]
