"""The Django admin (/admin/) in the authorization picture; tests/test_authorization_matrix.py leaves out ``admin:``.

* Anonymous users and every account that is not staff — a 填报人 (alice), a 领导 (lea), a user of another district
  (bob), a 市局复核 (rita) — are sent to the admin's login page (302, with ``next``) from every admin page: the index,
  each app's index, and the changelist, add, change, delete and history pages of every registered model (read from
  ``admin.site._registry``, so a newly registered model is covered without an edit here); a POST to an add, change
  or delete page changes nothing.
* The admin (adam: 管理员, is_staff, second factor passed) reads the changelists his role grants (accounts/roles.py:
  the standard, users and departments, organisations, signing credentials, the audit trail, lockouts and
  authenticators, self-assessments) and gets 403 on the rest (the districts' enforcement records, task results,
  login logs, the roles themselves). ``ADMIN_CHANGELISTS`` lists the granted ones; a new model must be placed.
* A superuser reaches every changelist and every add page the admin offers at all (the pages render).
* The admin assigns roles but cannot make anyone — himself included — a superuser, give single permissions, or
  change a superuser's account (its password): found by this test and fixed in accounts/admin.py.

The second factor on the admin site is tested in tests/accounts/test_otp.py (test_the_admin_site_needs_the_second_factor).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organization, User
from audit.models import AuditEvent

NON_STAFF = ("anonymous", "alice", "lea", "bob", "rita")

# app_label.model_name of the changelists adam (管理员) may read; every other registered model answers 403.
ADMIN_CHANGELISTS = {
    "accounts.department",
    "accounts.organization",
    "accounts.user",
    "assessment.indicator",
    "assessment.selfassessment",
    "assessment.signingcredential",
    "assessment.standard",
    "assessment.system",
    "audit.auditevent",
    "axes.accessattempt",
    "disclosure.bureaucontact",
    "disclosure.calendarday",
    "accounts.lockoutwindow",
    "inspections.equipmentrequirement",
    "inspections.exemptionlistitem",
    "inspections.reviewitem",
    "otp_totp.totpdevice",
    # the districts' 随机抽查事项清单 and the 回避 relations every draw honours (docs/plans.md)
    "plans.checkitem",
    "plans.officerrelation",
}
# and the add pages he may open (the audit trail and the others are never added through the admin)
ADMIN_ADDS = {
    "accounts.department",
    "accounts.user",
    "assessment.indicator",
    "assessment.signingcredential",
    "assessment.standard",
    "assessment.system",
    "disclosure.bureaucontact",
    "disclosure.calendarday",
    "inspections.equipmentrequirement",
    "plans.checkitem",
    "plans.officerrelation",
    "inspections.exemptionlistitem",
    "inspections.reviewitem",
}
# what the admin offers nobody, not even a superuser: records made by the system, never typed in
NOBODY_ADDS = {
    "accounts.lockoutwindow",
    "assessment.selfassessment",
    "audit.auditevent",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "django_tasks_database.dbtaskresult",
    # 执法公示: written by the leader's desk and the expiry command only (disclosure/services.py)
    "disclosure.penaltypublication",
    "disclosure.penaltywithdrawal",
    # plans are made and draws run on the plans pages, never in the admin
    "plans.annualplan",
    "plans.monthlyplan",
    "plans.draw",
}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def _password_url(user: User) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])  # Django's name, whatever the user model


def _device_urls() -> list[str]:
    """django-otp's pages that show a TOTP device's key (OTP_ADMIN_HIDE_SENSITIVE_DATA turns them off)."""
    return [
        reverse(f"admin:otp_totp_totpdevice_{page}", args=[device.pk])
        for device in TOTPDevice.objects.order_by("pk")[:1]
        for page in ("config", "qrcode")
    ]


def admin_pages() -> list[str]:
    """Every page of the admin site for the objects that exist: index, app indexes, and per registered model its
    changelist and add page and, for its first object, the change, delete and history pages."""
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    pages += sorted({reverse("admin:app_list", args=[m._meta.app_label]) for m in admin.site._registry})
    for model in admin.site._registry:
        pages += [_url(model, "changelist"), _url(model, "add")]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages += [_url(model, page, obj.pk) for page in ("change", "delete", "history")]
    user = User.objects.order_by("pk").first()
    return [*pages, _password_url(user), *_device_urls()]


def assert_sent_to_admin_login(response, path: str) -> None:
    assert response.status_code == 302, (path, response.status_code)
    location = urlsplit(response["Location"])
    assert location.path == reverse("admin:login"), (path, response["Location"])
    assert parse_qs(location.query)["next"] == [path], (path, response["Location"])


@pytest.fixture
def world(changning, xuhui, alice, lea, bob, rita, adam, client):
    """Objects for every admin page to show: both districts, the five users, their TOTP devices, login events."""
    for user in (alice, lea, bob, rita, adam):
        client.force_login(user)  # leaves a TOTP device for lea and adam
    client.logout()
    return {"alice": alice, "lea": lea, "bob": bob, "rita": rita, "adam": adam}


def test_every_registered_model_has_a_decision_for_the_admin_role(db):
    registered = {_label(model) for model in admin.site._registry}
    assert registered >= ADMIN_CHANGELISTS
    assert ADMIN_ADDS <= ADMIN_CHANGELISTS
    # The rest are refused on purpose: the districts' records, task results, login logs, the roles.
    assert registered - ADMIN_CHANGELISTS == {
        "auth.group",
        "axes.accesslog",
        "axes.accessfailurelog",
        "django_tasks_database.dbtaskresult",
        "disclosure.penaltypublication",
        "disclosure.penaltywithdrawal",
        "inspections.casemeasure",
        "inspections.dispatch",
        "inspections.equipment",
        "inspections.inspection",
        "inspections.ledgerimport",
        "inspections.officer",
        "inspections.penaltycase",
        "inspections.pollutionsource",
        "inspections.training",
        "plans.annualplan",
        "plans.monthlyplan",
        "plans.draw",
    }


@pytest.mark.parametrize("who", NON_STAFF)
def test_anonymous_and_non_staff_users_are_sent_to_the_admin_login_from_every_admin_page(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    pages = admin_pages()
    assert len(pages) > 3 * len(admin.site._registry)
    for path in pages:
        assert_sent_to_admin_login(client.get(path), path)


@pytest.mark.parametrize("who", NON_STAFF)
def test_anonymous_and_non_staff_users_change_nothing_through_the_admin(client, world, changning, who):
    if who != "anonymous":
        client.force_login(world[who])
    before = {model: sorted(map(repr, model._default_manager.values_list())) for model in admin.site._registry}
    before.pop(AuditEvent)  # the logins above add to the trail; the admin must not
    events = AuditEvent.objects.count()
    attempts = [
        (_url(Organization, "add"), {"code": "h5x", "name": "<b>假机构</b>", "short_name": "假", "kind": "district"}),
        (_url(Organization, "change", changning.pk), {"code": "changning", "name": "改名", "short_name": "改"}),
        (_url(Organization, "delete", changning.pk), {"post": "yes"}),
        (_url(User, "change", world["alice"].pk), {"username": "alice", "is_staff": "on", "is_superuser": "on"}),
        (_password_url(world["alice"]), {"password1": "Xx-12345678", "password2": "Xx-12345678"}),
        (_url(User, "add"), {"username": "mallory", "password1": "Xx-12345678", "password2": "Xx-12345678"}),
    ]
    for model in admin.site._registry:
        attempts.append((_url(model, "add"), {}))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            attempts.append((_url(model, "delete", obj.pk), {"post": "yes"}))
    for path, data in attempts:
        assert_sent_to_admin_login(client.post(path, data), path)
    after = {model: sorted(map(repr, model._default_manager.values_list())) for model in admin.site._registry}
    after.pop(AuditEvent)
    assert after == before
    assert AuditEvent.objects.count() == events


def test_the_admin_reads_the_changelists_of_his_role_and_is_refused_the_rest(client, world):
    client.force_login(world["adam"])
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for model in admin.site._registry:
        label = _label(model)
        changelist = client.get(_url(model, "changelist"))
        assert changelist.status_code == (200 if label in ADMIN_CHANGELISTS else 403), label
        add = client.get(_url(model, "add"))
        assert add.status_code == (200 if label in ADMIN_ADDS else 403), label
        # the index links exactly the models he may read
        assert (_url(model, "changelist") in index.content.decode()) == (label in ADMIN_CHANGELISTS), label
    # nor does any page show an authenticator's key (README 身份鉴别)
    device_pages = _device_urls()
    assert device_pages
    for path in device_pages:
        assert client.get(path).status_code == 403, path


@pytest.fixture
def root(city, client) -> User:
    """A superuser (as `createsuperuser` makes one), with the second factor passed."""
    user = User.objects.create_superuser(username="root5", password="Test-pass-2024", organization=city)
    client.force_login(user)
    return user


def test_a_superuser_reaches_every_admin_page(client, world, root):
    """Every page renders; refused only what the admin offers nobody, and an authenticator's key."""
    refused = {_url(model, "add") for model in admin.site._registry if _label(model) in NOBODY_ADDS}
    refused |= {_url(AuditEvent, "delete", AuditEvent.objects.order_by("pk").first().pk), *_device_urls()}
    for path in admin_pages():
        assert client.get(path).status_code == (403 if path in refused else 200), path
    for device in TOTPDevice.objects.all():
        page = client.get(_url(TOTPDevice, "change", device.pk)).content.decode()
        assert device.key not in page and device.config_url not in page


def _user_form(client, user: User) -> dict:
    from tests.test_bad_input_corpus import form_fields

    page = client.get(_url(User, "change", user.pk))
    assert page.status_code == 200
    data = form_fields(page.content.decode(), "")
    data.pop("user_permissions", None)  # the parser picks a multiple select's first option; none is chosen
    return data


def test_the_admin_cannot_make_anyone_a_superuser_or_give_single_permissions(client, world):
    adam, alice = world["adam"], world["alice"]
    client.force_login(adam)
    delete_any = Permission.objects.get(codename="delete_inspection")
    for target in (adam, alice):
        data = _user_form(client, target) | {"is_superuser": "on", "user_permissions": [str(delete_any.pk)]}
        assert client.post(_url(User, "change", target.pk), data).status_code == 302
        target.refresh_from_db()
        assert not target.is_superuser, target
        assert not target.user_permissions.exists(), target
    # what the role is for stays possible: assigning roles, making a new admin staff
    data = _user_form(client, alice) | {"last_name": "爱丽丝", "is_staff": "on"}
    assert client.post(_url(User, "change", alice.pk), data).status_code == 302
    alice.refresh_from_db()
    assert (alice.last_name, alice.is_staff) == ("爱丽丝", True)


def test_the_admin_cannot_change_or_delete_a_superusers_account(client, world, city):
    root = User.objects.create_superuser(username="root5", password="Test-pass-2024", organization=city)
    client.force_login(world["adam"])
    hashed = root.password
    view = client.get(_url(User, "change", root.pk))
    assert view.status_code == 200  # he may still see that the account exists (view_user)
    assert 'name="username"' not in view.content.decode()  # read-only
    for path, data in (
        (_password_url(root), {"password1": "Xx-12345678", "password2": "Xx-12345678"}),
        (_url(User, "change", root.pk), {"username": "root5", "is_active": ""}),
        (_url(User, "delete", root.pk), {"post": "yes"}),
    ):
        assert client.post(path, data).status_code == 403, path
    root.refresh_from_db()
    assert (root.password, root.is_active) == (hashed, True)


def test_no_admin_url_is_left_out_of_these_tests():
    """Per-model pages beyond changelist/add/change/delete/history (a custom admin view) would need a row here."""
    known = {"changelist", "add", "change", "delete", "history", "auth_user_password_change", "config", "qrcode"}
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        names = {p.name for p in model_admin.get_urls() if p.name}
        extra = {n.removeprefix(prefix) for n in names} - known
        assert not extra, (model, extra)
