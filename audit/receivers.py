"""Sign-in events, from django.contrib.auth's signals and (when installed) django-axes's lockout signal.

These have no data change to belong to, so they are written on their own, outside any transaction of ours.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from audit.services import record

Action = AuditEvent.Action


def _organization_of_username(username: str):
    if not username:
        return None
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).values_list("organization_id", flat=True).first()


def _username(credentials: dict | None) -> str:
    field = get_user_model().USERNAME_FIELD
    return str((credentials or {}).get(field) or (credentials or {}).get("username") or "")[:150]


def logged_in(sender, request, user, **kwargs) -> None:
    record(actor=user, action=Action.LOGIN, obj=user, organization=user.organization_id, request=request)


def logged_out(sender, request, user, **kwargs) -> None:
    if user is None:  # the session had no user: nothing was signed out
        return
    record(actor=user, action=Action.LOGOUT, obj=user, organization=user.organization_id, request=request)


def _refused_by_lockout(request) -> bool:
    """The attempt never reached a password check: django-axes refused it (AxesBackend marks the request before
    Django sends user_login_failed). Such attempts are counted in their lockout window (``locked_out``)."""
    # axes resets ``axes_failures_since_start`` to None per request and sets it only when it counts a failure
    return (
        bool(getattr(request, "axes_locked_out", False)) and getattr(request, "axes_failures_since_start", None) is None
    )


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The password is never passed on: Django has already replaced it with asterisks in ``credentials``.
    if _refused_by_lockout(request):
        return
    username = _username(credentials)
    record(
        actor=None,
        actor_name=username or "（未填写用户名）",
        action=Action.LOGIN_FAILED,
        organization=_organization_of_username(username),
        note=f"以用户名“{username}”登录失败" if username else "登录失败",
        request=request,
    )


def locked_out(sender, request=None, username: str | None = None, ip_address: str | None = None, **kwargs) -> None:
    """django-axes sends this when a lockout starts and again for every attempt refused during it: one event
    per lockout window; the refused attempts are counted in the window (accounts.models.LockoutWindow)."""
    from accounts.services import note_refused_login

    username = (username or "")[:150]
    window, opened = note_refused_login(username=username, ip_address=ip_address)
    if not opened:
        return
    record(
        actor=None,
        actor_name=username or "（未填写用户名）",
        action=Action.LOCKOUT,
        organization=_organization_of_username(username),
        note=(
            f"连续登录失败次数过多，{window.get_kind_display()}“{window.value}”已被暂时锁定"
            f"（用户名“{username}”，来源地址{ip_address or ''}）；锁定期间的尝试不再逐条记录，"
            f"其次数见“登录锁定”（第{window.pk}号）"
        ),
        request=request,
    )
