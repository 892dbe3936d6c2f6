"""Every change of who a user is, where they belong and what they may do is in the audit trail, with its old and
new values, and read by both organisations it concerns: organisation, department, roles, active flag, password
(by anyone), second-factor devices, lockout releases. A password someone else set must be changed at next sign-in."""

from __future__ import annotations

import io

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.models import Department, User
from audit.admin_hooks import AuditedAdminMixin
from audit.models import AuditEvent
from audit.selectors import Filters, events_for
from tests.accounts.test_otp import code, sign_in

Action = AuditEvent.Action
PASSWORD = "Test-pass-2024"
NEW_PASSWORD = "Neu-Kennwort-2025"


def change_form_data(client, user: User) -> dict:
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["groups"] = [g.pk for g in user.groups.all()]
    return {k: v for k, v in data.items() if k not in ("password",)}


def user_events(user: User, action: str | None = None):
    events = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    return events.filter(action=action) if action else events


def test_moving_a_user_to_another_district_with_a_new_role_is_one_event_both_districts_read(
    client, adam, alice, lea, bella, xuhui
):
    joined, last_login = alice.date_joined, User.objects.get(pk=alice.pk).last_login
    xuhui_office = Department.objects.create(organization=xuhui, name="法规科")
    client.force_login(adam)
    data = change_form_data(client, alice)
    assert "last_login" not in data and "date_joined" not in data  # shown, never posted back
    data.update(organization=xuhui.pk, department=xuhui_office.pk, groups=[Group.objects.get(name=roles.LEADER).pk])
    response = client.post(reverse("admin:accounts_user_change", args=[alice.pk]), data)
    assert response.status_code == 302, response.content.decode()[:1500]

    event = user_events(alice).get()
    assert (event.actor, event.action) == (adam, Action.UPDATE)
    assert event.changes == {
        "organization": ["上海市长宁区生态环境局", "上海市徐汇区生态环境局"],
        "department": ["执法大队", "法规科"],
        "groups": [[roles.SCORER], [roles.LEADER]],
    }
    assert (event.organization.code, event.other_organization.code) == ("xuhui", "changning")
    # the old district's leader and the new one's both read it
    assert AuditEvent.objects.for_user(lea).filter(pk=event.pk).exists()
    assert AuditEvent.objects.for_user(bella).filter(pk=event.pk).exists()
    # and the admin's organisation filter finds it under either
    for org in (xuhui, alice.organization):
        assert events_for(adam, Filters(organization_id=org.pk)).filter(pk=event.pk).exists()
    moved = User.objects.get(pk=alice.pk)
    assert (moved.date_joined, moved.last_login) == (joined, last_login)  # to the microsecond


def test_disabling_and_enabling_are_events_with_old_and_new_values(client, adam, alice):
    client.force_login(adam)
    for active in (False, True):
        data = change_form_data(client, alice)
        data["is_active"] = "on" if active else ""
        assert client.post(reverse("admin:accounts_user_change", args=[alice.pk]), data).status_code == 302
    assert [e.changes for e in user_events(alice).order_by("pk")] == [
        {"is_active": [True, False]},
        {"is_active": [False, True]},
    ]


def test_a_user_added_in_the_admin_is_one_event_with_organisation_and_roles(client, adam, changning):
    client.force_login(adam)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newbie",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "organization": changning.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    newbie = User.objects.get(username="newbie")
    created = user_events(newbie, Action.CREATE).get()
    assert created.changes["organization"] == [None, "上海市长宁区生态环境局"]
    assert created.organization == changning
    password = user_events(newbie, Action.PASSWORD).get()
    assert password.actor == adam
    assert newbie.password_must_change  # the admin knows it


def test_a_password_an_admin_sets_is_audited_and_must_be_changed_at_the_next_sign_in(client, adam, lea, changning):
    client.force_login(lea)  # leaves lea her authenticator
    client.force_login(adam)
    url = reverse("admin:auth_user_password_change", args=[lea.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:1500]
    event = user_events(lea, Action.PASSWORD).get()
    assert (event.actor, event.organization) == (adam, changning)
    assert event.changes["password_must_change"] == [False, True]
    assert "下次登录时须修改密码" in event.note
    assert NEW_PASSWORD not in str(event.changes) + event.note

    # lea signs in with it, passes her second factor, and reaches nothing but the password page
    browser, _ = sign_in("lea", NEW_PASSWORD)
    device = TOTPDevice.objects.get(user=lea, confirmed=True)
    assert browser.post(reverse("accounts:otp-verify"), {"token": code(device)}).status_code == 302
    blocked = browser.get("/assessments/")
    assert blocked.status_code == 302 and blocked["Location"] == reverse("accounts:password-change")
    changed = browser.post(
        reverse("accounts:password-change"),
        {"old_password": NEW_PASSWORD, "new_password1": "Eigenes-Wort-77", "new_password2": "Eigenes-Wort-77"},
    )
    assert changed.status_code == 302
    assert not User.objects.get(pk=lea.pk).password_must_change
    assert browser.get("/assessments/").status_code == 200
    own = user_events(lea, Action.PASSWORD).latest("pk")
    assert (own.actor, own.note) == (lea, "本人修改了密码")


def test_a_password_set_on_the_command_line_is_audited_and_must_be_changed(alice, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)
    call_command("changepassword", "alice", stdout=io.StringIO())
    event = user_events(alice, Action.PASSWORD).get()
    assert event.actor is None and event.actor_name.startswith("系统")
    assert User.objects.get(pk=alice.pk).password_must_change


def test_deleting_and_enrolling_an_authenticator_are_events_without_the_secret(client, adam, lea, changning):
    client.force_login(lea)  # leaves lea a confirmed device
    device = TOTPDevice.objects.get(user=lea)
    client.force_login(adam)
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEvent.objects.get(object_type="otp_totp.totpdevice", action=Action.DELETE)
    assert (deleted.actor, deleted.organization) == (adam, changning)
    assert set(deleted.changes) == {"user", "name", "confirmed"}
    assert device.key not in str(deleted.changes)

    browser, _ = sign_in("lea")
    browser.get(reverse("accounts:otp-setup"))
    new = TOTPDevice.objects.get(user=lea)
    assert browser.post(reverse("accounts:otp-setup"), {"token": code(new)}).status_code == 302
    enrolled = AuditEvent.objects.get(object_type="otp_totp.totpdevice", action=Action.CREATE)
    assert (enrolled.actor, enrolled.organization, enrolled.changes["confirmed"]) == (lea, changning, [None, True])
    assert new.key not in str(enrolled.changes)


def test_releasing_a_lockout_is_an_event_in_the_users_organisation(client, adam, alice, changning):
    for _ in range(5):
        Client(REMOTE_ADDR="10.9.9.9").post(reverse("accounts:login"), {"username": "alice", "password": "x"})
    attempt = AccessAttempt.objects.get(username="alice")
    client.force_login(adam)
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=Action.UNLOCK)
    assert (event.actor, event.organization) == (adam, changning)
    assert event.changes["username"] == ["alice", None]
    assert "失败5次" in event.note


def test_every_admin_that_can_change_anything_writes_the_audit_trail(adam):
    """The class: a model registered in the admin with any add, change or delete page for anyone (a superuser
    included) must save and delete through AuditedAdminMixin."""
    superuser = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    unaudited = [
        f"{model._meta.label_lower}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
        and not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []
