"""Sessions: a new key at login, 30 minutes idle, 12 hours at most, and none left once the account is disabled
or its password changes (等保 2.0 8.1.4.1 b: 登录连接超时自动退出)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.middleware import LOGIN_AT_SESSION_KEY, SEEN_AT_SESSION_KEY

PASSWORD = "Test-pass-2024"  # tests/conftest.py make_user
PAGE = "/assessments/"


def sign_in(username: str, password: str = PASSWORD) -> Client:
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    return browser


def sessions_of(user) -> list[str]:
    return [s.session_key for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]


def shift(browser: Client, **seconds_ago: int) -> None:
    """Move the session's login or last-seen time into the past."""
    session = browser.session
    keys = {"login": LOGIN_AT_SESSION_KEY, "seen": SEEN_AT_SESSION_KEY}
    for name, ago in seconds_ago.items():
        session[keys[name]] = int(time.time()) - ago
    session.save()


def test_login_gives_a_new_session_key(alice):
    browser = Client()
    session = browser.session
    session["before_login"] = "x"
    session.save()
    before = session.session_key

    browser.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})

    after = browser.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert browser.session[SESSION_KEY] == str(alice.pk)
    assert browser.get(PAGE).status_code == 200


def test_the_session_cookie_lasts_30_minutes_and_is_httponly(alice, settings):
    assert settings.SESSION_COOKIE_AGE == 1800
    browser = sign_in("alice")
    cookie = browser.cookies["sessionid"]
    assert cookie["max-age"] == 1800 and cookie["httponly"]


def test_an_idle_session_ends_after_30_minutes(alice):
    browser = sign_in("alice")
    shift(browser, seen=31 * 60)
    response = browser.get(PAGE, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "您已 30 分钟未操作，请重新登录。" in response.content.decode()
    assert sessions_of(alice) == []


def test_the_store_forgets_an_idle_session_as_well(alice):
    browser = sign_in("alice")
    Session.objects.filter(session_key=browser.cookies["sessionid"].value).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = browser.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_activity_pushes_the_idle_expiry_on_at_most_once_a_minute(alice):
    browser = sign_in("alice")
    key = browser.cookies["sessionid"].value
    expiry = Session.objects.get(session_key=key).expire_date

    assert browser.get(PAGE).status_code == 200
    # within the minute: no write
    assert Session.objects.get(session_key=key).expire_date == expiry

    shift(browser, seen=29 * 60)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert browser.get(PAGE).status_code == 200
    pushed = Session.objects.get(session_key=key).expire_date
    assert timedelta(minutes=29) < pushed - timezone.now() <= timedelta(minutes=30)


def test_a_busy_session_still_ends_12_hours_after_login(alice, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    browser = sign_in("alice")
    shift(browser, login=12 * 3600 - 60, seen=10)
    assert browser.get(PAGE).status_code == 200

    shift(browser, login=12 * 3600 + 1, seen=10)
    response = browser.get(PAGE, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "本次登录已超过 12 小时，请重新登录。" in response.content.decode()
    assert sessions_of(alice) == []


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(alice):
    laptop, phone = sign_in("alice"), sign_in("alice")
    laptop_key = laptop.cookies["sessionid"].value
    new = "Kx7#mq2p!Lw"
    changed = laptop.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302

    assert laptop.get(PAGE).status_code == 200
    assert laptop.cookies["sessionid"].value != laptop_key  # Django gives the kept session a new key too
    response = phone.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_disabled_account_is_signed_out_on_its_next_request(alice):
    browser = sign_in("alice")
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    response = browser.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_disabled_account_cannot_sign_in(alice):
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    response = Client().post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session


def test_end_user_sessions_removes_only_that_users_sessions(alice, bob):
    sign_in("alice"), sign_in("alice"), sign_in("bob")
    assert len(sessions_of(alice)) == 2
    assert services.end_user_sessions(user=alice) == 2
    assert sessions_of(alice) == [] and len(sessions_of(bob)) == 1


def test_an_admin_disabling_an_account_ends_its_sessions_at_once(client, alice, adam, changning, brigade):
    browser = sign_in("alice")
    assert len(sessions_of(alice)) == 1
    client.force_login(adam)  # tests/conftest.py's client: adam has passed the second factor
    form = {
        "username": "alice",
        "first_name": "",
        "last_name": "",
        "email": "",
        # is_active left out: the checkbox is cleared
        "groups": [g.pk for g in alice.groups.all()],
        "date_joined_0": "2024-01-01",
        "date_joined_1": "09:00:00",
        "organization": changning.pk,
        "department": brigade.pk,
    }
    response = client.post(reverse("admin:accounts_user_change", args=[alice.pk]), form, follow=True)
    assert response.status_code == 200
    assert "账号“alice”已停用，已结束其 1 个登录会话。" in response.content.decode()
    alice.refresh_from_db()
    assert alice.is_active is False
    assert sessions_of(alice) == []
    assert browser.get(PAGE).status_code == 302


def test_logout_ends_the_session(alice):
    browser = sign_in("alice")
    key = browser.cookies["sessionid"].value
    assert browser.post(reverse("accounts:logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert browser.get(PAGE).status_code == 302
