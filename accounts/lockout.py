"""Login lockout with django-axes (等保 2.0 8.1.4.1 b: 登录失败处理 — 限制非法登录次数, 登录连接超时自动退出).

Settings: AXES_FAILURE_LIMIT failures within AXES_COOLOFF_TIME lock the username and, independently, the
address; the lock lifts by itself after AXES_COOLOFF_TIME, or at once when an admin deletes the attempt in
“标准与用户维护 › Axes › Access attempts”.
"""

from __future__ import annotations

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The address a lockout and a log line are about.

    Behind nginx (BEHIND_TLS_PROXY=1) REMOTE_ADDR is nginx itself, so every user would share one lockout; the
    client is the right-most X-Forwarded-For entry, the one nginx appended. Entries to its left come from the
    client and can be forged, so they are never used.
    """
    if settings.TRUST_X_FORWARDED_FOR:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "accounts/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
