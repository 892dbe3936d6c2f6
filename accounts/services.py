"""Writes about identity: ending a user's sessions, enrolling and checking a TOTP device."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp

if TYPE_CHECKING:
    from accounts.models import User

DEVICE_NAME = "身份验证器"


def end_user_sessions(*, user: User) -> int:
    """Delete every live session of ``user`` (等保: a disabled account keeps no session). Returns how many.

    Sessions are not indexed by user, so each live one is decoded; a bureau has hundreds, not millions.
    Django would already refuse a disabled user's session on its next request (ModelBackend.get_user); this
    removes them from the store at once, so none survives a later re-activation either.
    """
    engine = import_module(settings.SESSION_ENGINE)
    session_model = engine.SessionStore.get_model_class()
    ended = 0
    live = session_model.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            # through the store, so a cached_db engine forgets it too
            engine.SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first call: the secret stays the same while they set up
    their app, and only becomes a second factor once they prove it with a code (confirm_totp_enrolment)."""
    if otp.confirmed_device(user) is not None:
        raise ValueError("该用户已绑定身份验证器")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class TokenCheck:
    device: TOTPDevice | None
    error: str = ""


THROTTLED = "验证码错误次数过多，请稍候再试。"
WRONG = "验证码不正确或已过期，请输入身份验证器上当前显示的 6 位数字。"


def confirm_totp_enrolment(*, user: User, token: str) -> TokenCheck:
    """Confirm the user's unconfirmed device with a first code from their app."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            return TokenCheck(None, "请先打开绑定页面获取密钥。")
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return TokenCheck(None, THROTTLED)
        if not device.verify_token(token):
            return TokenCheck(None, WRONG)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # an abandoned second attempt at enrolment is not left lying around as a spare secret
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TokenCheck(device)


def check_totp(*, user: User, token: str) -> TokenCheck:
    """Check a code against the user's confirmed device (throttled, each code accepted once: django-otp)."""
    device = otp.confirmed_device(user)
    if device is None:
        return TokenCheck(None, "尚未绑定身份验证器。")
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return TokenCheck(None, THROTTLED)
    verified = verify_token(user, device.persistent_id, token)
    if verified is None:
        return TokenCheck(None, WRONG)
    return TokenCheck(verified)
