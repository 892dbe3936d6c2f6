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


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The password is never passed on: Django has already replaced it with asterisks in ``credentials``.
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
    username = (username or "")[:150]
    record(
        actor=None,
        actor_name=username or "（未填写用户名）",
        action=Action.LOCKOUT,
        organization=_organization_of_username(username),
        note=f"连续登录失败次数过多，用户名“{username}”或来源地址{ip_address or ''}已被暂时锁定",
        request=request,
    )
