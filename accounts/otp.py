"""The second factor (TOTP, django-otp): who needs it, and reading a user's devices.

Leaders (领导) sign the annual report and approve assessments; admins (管理员) change the standard's weights,
users and roles; the municipal reviewer (市局复核) reads every district's evidence, records and audit trail: all
must prove a second factor after their password (等保 2.0 8.1.4.1 d: 采用两种或两种以上
组合的鉴别技术). Staff users (the Django admin) need it too, whatever their group.
"""

from __future__ import annotations

from base64 import b32encode
from typing import TYPE_CHECKING

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from accounts.models import User

# Decided by what a user may do, so whoever is given one of these later needs the second factor too. Every
# 领导 has the first two, every 管理员 the next three, every 市局复核 the last two (reading every district's data
# is as sensitive as changing one's): tests/accounts/test_otp.py checks it against roles.py.
SECOND_FACTOR_PERMISSIONS = frozenset(
    {
        "assessment.sign_report",
        "assessment.review_selfassessment",
        "assessment.change_indicator",
        "assessment.publish_standard",
        "accounts.change_user",
        "accounts.view_all_organizations",
        "audit.view_all_auditevents",
    }
)


def needs_second_factor(user: User) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    # the permission cache the views fill anyway: no query of its own
    return not SECOND_FACTOR_PERMISSIONS.isdisjoint(user.get_all_permissions())


def is_verified(user: User) -> bool:
    """True when this session has passed the second factor (OTPMiddleware put the device on the user)."""
    return getattr(user, "otp_device", None) is not None


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def base32_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app wants it typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URI as an inline SVG QR code, made here: the secret never leaves the server
    for a QR service, and the markup has no script and no style attribute (the CSP allows neither)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=4, title="身份验证器二维码")
