"""Named test users, as in healthchecks: alice scores in 长宁区, bob is in another district."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Department, Organization, User

STANDARD_FILE = Path(__file__).resolve().parent.parent / "assessment" / "standards" / "shanghai.yaml"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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
