"""The demo's second factor: one published secret, so anyone trying the demo can sign in as a leader or admin.

Only seed_demo gives it to anyone; ``python manage.py demo_totp USERNAME`` shows its current code, and refuses
for any device that does not use this secret.
"""

from __future__ import annotations

import time
from base64 import b32decode
from typing import TYPE_CHECKING

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from accounts.models import Organization, User

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # base32, as typed into an authenticator app
DEMO_TOTP_KEY = b32decode(DEMO_TOTP_SECRET).hex()  # hex, as TOTPDevice stores it
DEMO_DEVICE_NAME = "演示身份验证器"


def ensure_demo_totp_device(user: User) -> bool:
    """Give the user a confirmed device with the demo secret, unless they have a device already."""
    if TOTPDevice.objects.filter(user=user).exists():
        return False
    TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
    return True


def current_demo_code(at: float | None = None) -> tuple[str, int]:
    """The demo secret's code at ``at`` (default now), and the seconds it stays current."""
    generator = TOTP(bytes.fromhex(DEMO_TOTP_KEY), step=30, t0=0, digits=6)
    generator.time = time.time() if at is None else at
    return f"{generator.token():06d}", 30 - int(generator.time) % 30


def ensure_demo_accounts(
    *, departments: dict[str, list[tuple[str, str]]], users: list[tuple], password: str
) -> tuple[dict[str, Organization], dict[str, User]]:
    """The demo's organisations (the city, 长宁区, 徐汇区), their departments and the demo users; what exists is
    kept as it is. ``users``: (username, organisation code, role, department name or None, last, first name)."""
    from django.contrib.auth.models import Group

    from accounts import roles
    from accounts.models import Department, Organization, User

    city, _ = Organization.objects.get_or_create(
        code="shanghai",
        defaults={"name": "上海市生态环境局", "short_name": "上海市", "kind": Organization.Kind.MUNICIPAL},
    )
    changning, _ = Organization.objects.get_or_create(
        code="changning", defaults={"name": "上海市长宁区生态环境局", "short_name": "长宁区", "parent": city}
    )
    xuhui, _ = Organization.objects.get_or_create(
        code="xuhui", defaults={"name": "上海市徐汇区生态环境局", "short_name": "徐汇区", "parent": city}
    )
    orgs = {o.code: o for o in (city, changning, xuhui)}
    for code, listed in departments.items():
        for name, kind in listed:
            Department.objects.get_or_create(organization=orgs[code], name=name, defaults={"kind": kind})
    found = {}
    for username, org_code, role, department, last, first in users:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, last_name=last, first_name=first, organization=orgs[org_code])
            if department:
                user.department = Department.objects.get(organization=orgs[org_code], name=department)
            user.is_staff = role == roles.ADMIN
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        found[username] = user
    return orgs, found
