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
    from accounts.models import User

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
