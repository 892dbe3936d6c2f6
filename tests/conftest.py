"""Named test users, as in healthchecks: alice scores in 长宁区, bob is in another district."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.http import HttpRequest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from accounts.middleware import start_session_clock
from accounts.models import Department, Organization, User
from accounts.otp import needs_second_factor

STANDARD_FILE = Path(__file__).resolve().parent.parent / "assessment" / "standards" / "shanghai.yaml"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Cached figures are keyed by data versions that start again at 0 in every test's database.
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # each test its own cache (rate-limit counters): production's file cache would carry counts between tests
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)},
        "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"{tmp_path}-public"},
    }
    # The test client speaks plain HTTP; production redirects to HTTPS (tests/test_deploy.py checks that).
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEMO_PKI_DIR = tmp_path / "pki"
    settings.REPORT_TRUST_ROOTS = [str(tmp_path / "pki" / "demo-ca.pem")]
    # Pages render without a collectstatic run; tests/test_static.py checks the production manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # the public site's page cache and rate-limit counts (disclosure/public_http.py) start empty in every test
    caches["public"].clear()


@pytest.fixture
def city(db) -> Organization:
    return Organization.objects.create(
        code="shanghai", name="上海市生态环境局", short_name="上海市", kind=Organization.Kind.MUNICIPAL
    )


@pytest.fixture
def changning(city) -> Organization:
    return Organization.objects.create(
        code="changning", name="上海市长宁区生态环境局", short_name="长宁区", parent=city
    )


@pytest.fixture
def xuhui(city) -> Organization:
    return Organization.objects.create(code="xuhui", name="上海市徐汇区生态环境局", short_name="徐汇区", parent=city)


def make_user(username: str, org: Organization | None, role: str | None, department: Department | None = None) -> User:
    user = User.objects.create_user(
        username=username, password="Test-pass-2024", organization=org, department=department
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def brigade(changning) -> Department:
    return Department.objects.create(organization=changning, name="执法大队", kind=Department.Kind.ENFORCEMENT)


@pytest.fixture
def alice(changning, brigade) -> User:
    """A scorer (填报人) of 长宁区's 执法大队."""
    return make_user("alice", changning, roles.SCORER, brigade)


@pytest.fixture
def lea(changning) -> User:
    """A leader (领导) of 长宁区."""
    return make_user("lea", changning, roles.LEADER)


@pytest.fixture
def bob(xuhui) -> User:
    """A scorer of another district (徐汇区)."""
    return make_user("bob", xuhui, roles.SCORER)


@pytest.fixture
def bella(xuhui) -> User:
    """A leader of another district."""
    return make_user("bella", xuhui, roles.LEADER)


@pytest.fixture
def rita(city) -> User:
    """A municipal reviewer (市局复核): reads every district."""
    return make_user("rita", city, roles.MUNICIPAL_REVIEWER)


@pytest.fixture
def adam(city) -> User:
    """An admin (管理员) who maintains the standard."""
    user = make_user("adam", city, roles.ADMIN)
    user.is_staff = True
    user.save()
    return user


class FullyAuthenticatedClient(Client):
    """The test client for tests of other features: force_login() also completes the second factor.

    Leaders, admins and staff must pass TOTP before they reach any page (accounts/middleware.py). A test of the
    workflow or the admin logs in as a leader or admin who has done that, as a real one would have, so this
    client does what django_otp.login() does after a right code: it gives the user a confirmed TOTP device and
    records it in the session, and starts the session clock as the login page does. login() passes a request,
    as django-axes requires of every authenticate() call.

    Tests of the sign-in controls themselves (tests/accounts/) use a plain django.test.Client, on which the
    second factor is not completed.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        session = self.session
        start_session_clock(session)  # as accounts.views.LoginView does
        # a fresh copy, so the fixture's user object keeps no permission cache from this check
        if needs_second_factor(type(user).objects.get(pk=user.pk)):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="测试身份验证器"
            )
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def login(self, **credentials):
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        user = authenticate(request, **credentials)
        if user is None:
            return False
        self.force_login(user, backend=user.backend)
        return True


@pytest.fixture
def client() -> FullyAuthenticatedClient:
    """Overrides pytest-django's ``client``: see FullyAuthenticatedClient."""
    return FullyAuthenticatedClient()
