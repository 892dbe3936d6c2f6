"""The second factor (TOTP) for leaders, admins and staff.

These tests use a plain django.test.Client, on which nobody has passed the second factor: tests/conftest.py's
``client`` completes it for the tests of other features.
"""

from __future__ import annotations

import io
import time
from urllib.parse import urlencode

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, services
from accounts.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET, ensure_demo_totp_device
from accounts.otp import SECOND_FACTOR_PERMISSIONS, needs_second_factor
from assessment import services as assessment_services
from assessment.models import SelfAssessment, WorkflowEvent
from assessment.standard_files import read_standard_file
from tests.assessment.conftest import score_all
from tests.conftest import STANDARD_FILE, make_user

PASSWORD = "Test-pass-2024"  # tests/conftest.py make_user
VERIFY = reverse("accounts:otp-verify")
SETUP = reverse("accounts:otp-setup")
PAGE = "/assessments/"


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    accepted = {code(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def sign_in(username: str, password: str = PASSWORD) -> tuple[Client, object]:
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302
    return browser, response


# --- who -------------------------------------------------------------------------------------------------


def test_leaders_admins_reviewers_and_staff_need_the_second_factor_others_do_not(
    alice, lea, bob, bella, rita, adam, city
):
    assert [needs_second_factor(u) for u in (lea, bella, adam, rita)] == [True, True, True, True]
    assert [needs_second_factor(u) for u in (alice, bob)] == [False, False]
    staff = make_user("ed", city, None)
    staff.is_staff = True
    assert needs_second_factor(staff)


def test_the_roles_that_need_it_hold_one_of_its_permissions_and_the_others_none(db):
    def permissions(role: str) -> set[str]:
        return {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }

    for role in (roles.LEADER, roles.ADMIN, roles.MUNICIPAL_REVIEWER):
        assert permissions(role) & SECOND_FACTOR_PERMISSIONS, role
    assert not permissions(roles.SCORER) & SECOND_FACTOR_PERMISSIONS


@pytest.fixture
def submitted_2024(changning, alice) -> SelfAssessment:
    standard, _ = assessment_services.load_standard(spec=read_standard_file(STANDARD_FILE))
    assessment = assessment_services.create_self_assessment(organization=changning, year=2024, standard=standard)
    score_all(assessment, alice)
    return assessment_services.move_assessment(assessment=assessment, user=alice, action=WorkflowEvent.Action.SUBMIT)


# --- the control -----------------------------------------------------------------------------------------


def test_a_leader_without_the_second_factor_reaches_no_page(lea, submitted_2024):
    browser = Client()
    browser.force_login(lea)
    for path in (PAGE, reverse("assessment:detail", args=[submitted_2024.pk]), reverse("inspections:statistics")):
        response = browser.get(path)
        assert response.status_code == 302
        assert response["Location"] == f"{VERIFY}?{urlencode({'next': path})}"
    # and can change nothing: approving is refused before the view runs
    approve = reverse("assessment:approve", args=[submitted_2024.pk])
    refused = browser.post(approve)
    assert refused.status_code == 302 and refused["Location"] == VERIFY
    submitted_2024.refresh_from_db()
    assert submitted_2024.status == SelfAssessment.Status.SUBMITTED
    assert not submitted_2024.events.filter(action=WorkflowEvent.Action.APPROVE).exists()

    # with the second factor passed, the same request approves
    device = TOTPDevice.objects.create(user=lea, name="手机")
    assert browser.post(VERIFY, {"token": code(device)}).status_code == 302
    browser.post(approve)
    submitted_2024.refresh_from_db()
    assert submitted_2024.status == SelfAssessment.Status.APPROVED


def test_the_admin_site_needs_the_second_factor(adam):
    browser = Client()
    browser.force_login(adam)
    for path in (reverse("admin:index"), reverse("admin:assessment_standard_changelist")):
        response = browser.get(path)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), path

    device = TOTPDevice.objects.create(user=adam, name="x")
    assert browser.post(VERIFY, {"token": code(device)}).status_code == 302
    assert browser.get(reverse("admin:index")).status_code == 200


def test_a_scorer_is_not_asked_for_a_code(alice):
    browser, response = sign_in("alice")
    assert response["Location"] == reverse("home")
    assert browser.get(PAGE).status_code == 200
    assert browser.get(VERIFY)["Location"] == reverse("home")


# --- enrolment -------------------------------------------------------------------------------------------


def test_a_leader_without_a_device_enrols_one_at_the_first_login(lea):
    browser, response = sign_in("lea")
    assert response["Location"] == f"{VERIFY}?{urlencode({'next': reverse('home')})}"
    to_setup = browser.get(response["Location"])
    assert to_setup["Location"] == f"{SETUP}?{urlencode({'next': reverse('home')})}"

    page = browser.get(to_setup["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=lea)
    assert device.confirmed is False
    secret = services.otp.base32_secret(device)
    assert secret in html and len(secret.replace(" ", "")) == 32
    assert "otpauth://totp/" in html and "secret=" in html
    assert "<svg" in html and "身份验证器二维码" in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither
    # reloading the page keeps the same secret while the app is being set up
    assert services.otp.base32_secret(device) in browser.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=lea).count() == 1

    refused = browser.post(SETUP, {"token": wrong_code(device), "next": "/assessments/"})
    assert refused.status_code == 200
    assert "验证码不正确或已过期" in refused.content.decode()
    assert DEVICE_ID_SESSION_KEY not in browser.session
    assert browser.get(PAGE).status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0  # the failure above throttles the next try for a second
    device.save()
    done = browser.post(SETUP, {"token": code(device), "next": "/assessments/"})
    assert done.status_code == 302 and done["Location"] == "/assessments/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert browser.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert browser.get(PAGE).status_code == 200


def test_a_password_alone_cannot_replace_an_enrolled_device(lea):
    TOTPDevice.objects.create(user=lea, name="手机")
    browser, _ = sign_in("lea")
    response = browser.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=lea).count() == 1
    with pytest.raises(ValueError):
        services.start_totp_enrolment(user=lea)


# --- verification ----------------------------------------------------------------------------------------


def test_a_wrong_code_is_refused_and_the_right_one_accepted(lea):
    device = TOTPDevice.objects.create(user=lea, name="手机")
    browser, response = sign_in("lea")
    page = browser.get(response["Location"])
    assert page.status_code == 200 and "第二步：输入验证码" in page.content.decode()

    refused = browser.post(VERIFY, {"token": wrong_code(device), "next": PAGE})
    assert refused.status_code == 200 and "验证码不正确或已过期" in refused.content.decode()
    assert browser.get(PAGE).status_code == 302
    malformed = browser.post(VERIFY, {"token": "12ab56", "next": PAGE})
    assert "请输入 6 位数字。" in malformed.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    key_before = browser.cookies["sessionid"].value
    accepted = browser.post(VERIFY, {"token": code(device), "next": PAGE})
    assert accepted.status_code == 302 and accepted["Location"] == PAGE
    assert browser.cookies["sessionid"].value != key_before  # more privilege, new session key
    assert browser.get(PAGE).status_code == 200


def test_a_code_is_accepted_once(lea):
    device = TOTPDevice.objects.create(user=lea, name="手机")
    first, _ = sign_in("lea")
    token = code(device)
    assert first.post(VERIFY, {"token": token}).status_code == 302
    second, _ = sign_in("lea")
    replay = second.post(VERIFY, {"token": token})
    assert replay.status_code == 200 and "验证码不正确或已过期" in replay.content.decode()


def test_repeated_wrong_codes_are_throttled(lea):
    device = TOTPDevice.objects.create(user=lea, name="手机")
    browser, _ = sign_in("lea")
    # ten wrong codes just now: django-otp makes the next try wait 2^9 seconds
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    response = browser.post(VERIFY, {"token": code(device)})
    assert response.status_code == 200 and "验证码错误次数过多，请稍候再试。" in response.content.decode()
    assert browser.get(PAGE).status_code == 302


def test_next_may_not_lead_off_the_site(lea):
    device = TOTPDevice.objects.create(user=lea, name="手机")
    browser, _ = sign_in("lea")
    response = browser.post(VERIFY, {"token": code(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_logout_is_reachable_before_the_second_factor(lea):
    browser, _ = sign_in("lea")
    assert browser.post(reverse("accounts:logout")).status_code == 302
    assert SESSION_KEY not in browser.session


# --- the demo --------------------------------------------------------------------------------------------


def test_the_demo_command_prints_the_code_of_the_demo_secret_only(lea, alice):
    assert DEMO_TOTP_KEY == "48656c6c6f21deadbeef"  # JBSWY3DPEHPK3PXP, base32
    assert ensure_demo_totp_device(lea) is True
    assert ensure_demo_totp_device(lea) is False  # idempotent
    out, err = io.StringIO(), io.StringIO()
    call_command("demo_totp", "lea", stdout=out, stderr=err)
    printed = out.getvalue().strip()
    assert len(printed) == 6 and printed.isdigit()
    assert DEMO_TOTP_SECRET in err.getvalue()

    browser, _ = sign_in("lea")
    assert browser.post(VERIFY, {"token": printed}).status_code == 302
    assert browser.get(PAGE).status_code == 200

    real = make_user("lena", lea.organization, roles.LEADER)
    TOTPDevice.objects.create(user=real, name="手机")
    for username in ("lena", "alice"):
        with pytest.raises(CommandError):
            call_command("demo_totp", username, stdout=io.StringIO())


def test_seed_demo_gives_the_demo_leaders_admin_and_reviewer_the_demo_authenticator(db, settings, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    devices = TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, confirmed=True)
    assert sorted(devices.values_list("user__username", flat=True)) == [
        "admin",
        "changning_leader",
        "city_reviewer",
        "xuhui_leader",
    ]

    browser, response = sign_in("changning_leader", "Demo@2024cn")
    out = io.StringIO()
    call_command("demo_totp", "changning_leader", stdout=out, stderr=io.StringIO())
    verified = browser.post(response["Location"], {"token": out.getvalue().strip()})
    assert verified.status_code == 302
    assert browser.get(PAGE).status_code == 200


def test_the_municipal_reviewer_reaches_no_district_data_with_a_password_alone(rita):
    browser, response = sign_in("rita")
    assert response["Location"].startswith(VERIFY)
    for page in ("/assessments/", "/audit/", "/records/sources/"):
        refused = browser.get(page)
        assert refused.status_code == 302 and refused["Location"].startswith(VERIFY), page
