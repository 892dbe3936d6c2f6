"""Writes about identity: ending a user's sessions, enrolling and checking a TOTP device, and the audit
trail of accounts (every change of who a user is, where they belong and what they may do, passwords, second
factors and lockouts)."""

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
    from accounts.models import LockoutWindow, User

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
        from audit import services as audit
        from audit.models import AuditEvent

        audit.record(
            actor=user,
            action=AuditEvent.Action.CREATE,
            obj=device,
            organization=user.organization_id,
            changes=audit.created(device, DEVICE_AUDIT_FIELDS),
            note="绑定身份验证器（第二重身份鉴别）",
        )
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


# --- the audit trail of accounts ----------------------------------------------------------------------

#: What an account change is audited by: who the user is, where they belong, what they may do.
USER_AUDIT_FIELDS = (
    "username",
    "last_name",
    "first_name",
    "email",
    "organization",
    "department",
    "groups",
    "is_active",
    "is_staff",
    "is_superuser",
    "user_permissions",
)
#: A TOTP device's secret (``key``) and its throttling counters never go into the trail.
DEVICE_AUDIT_FIELDS = ("user", "name", "confirmed")


def record_password_set(*, user: User, actor) -> None:
    """After any save that set ``user``'s password (accounts.password_validation.AuditPasswordChange).

    A password set by anyone but the user is known to whoever set it: the user must replace it at the next
    sign-in. A new account made by a command or the demo data (no signed-in actor, no earlier password) is
    not a change of anyone's password.
    """
    from audit import services as audit
    from audit.models import AuditEvent

    replacing = getattr(user, "_replacing_password", True)
    if actor is None and not replacing:
        return
    by_self = actor is not None and actor.pk == user.pk
    must_change = not by_self
    if user.password_must_change != must_change:
        type(user)._default_manager.filter(pk=user.pk).update(password_must_change=must_change)
    before_flag, user.password_must_change = user.password_must_change, must_change
    who = "本人" if by_self else (audit.actor_label(actor) or "系统（命令行）")
    note = f"{who}{'修改' if replacing else '设置'}了密码"
    if must_change:
        note += "；用户下次登录时须修改密码"
    changes = {"password": ["（原密码）" if replacing else "（无）", "（新密码）"]}
    if before_flag != must_change:
        changes["password_must_change"] = [before_flag, must_change]
    audit.record(
        actor=actor,
        action=AuditEvent.Action.PASSWORD,
        obj=user,
        organization=user.organization_id,
        changes=changes,
        note=note,
    )


def note_refused_login(*, username: str, ip_address: str | None) -> tuple[LockoutWindow, bool]:
    """Count one login attempt refused by a lockout in its window; (window, whether it opened just now).

    The window is the address's when the address is locked (an address locked for trying many usernames
    opens one window, not one per username it tries), else the username's.
    """
    from axes.helpers import get_cool_off, get_failure_limit
    from axes.models import AccessAttempt
    from django.db.models import F, Sum

    from accounts.models import LockoutWindow

    now = timezone.now()
    since = now - (get_cool_off() or timezone.timedelta(minutes=15))
    address_failures = (
        AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        or 0
    )
    if ip_address and address_failures >= get_failure_limit(None, None):
        kind, value = LockoutWindow.Kind.ADDRESS, ip_address
    else:
        kind, value = LockoutWindow.Kind.USERNAME, username[:150]
    with transaction.atomic():
        window = (
            LockoutWindow.objects.select_for_update()
            .filter(kind=kind, value=value, started_at__gte=since)
            .order_by("-started_at")
            .first()
        )
        if window is not None:
            LockoutWindow.objects.filter(pk=window.pk).update(
                refused_attempts=F("refused_attempts") + 1, last_attempt_at=now
            )
            window.refresh_from_db()
            return window, False
        from accounts.models import User as UserModel

        # the organisation of the username tried when the lock began (none for an unknown one)
        organization_id = UserModel.objects.filter(username=username).values_list("organization_id", flat=True).first()
        window = LockoutWindow.objects.create(
            kind=kind, value=value, organization_id=organization_id, started_at=now, last_attempt_at=now
        )
        return window, True
