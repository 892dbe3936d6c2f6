"""Identity controls that apply to every request of a signed-in user (等保 2.0 8.1.4.1 身份鉴别, README "身份鉴别").

In MIDDLEWARE, in this order, after django_otp's OTPMiddleware and the messages middleware:

1. SessionTimeoutMiddleware: a session ends after 30 minutes without a request (SESSION_COOKIE_AGE) and 12 hours
   after the login however busy (SESSION_ABSOLUTE_SECONDS). The idle expiry is pushed on by saving the session
   at most once a minute (SESSION_IDLE_REFRESH_SECONDS) rather than on every request
   (SESSION_SAVE_EVERY_REQUEST): the same limit within a minute, without a database write per page.
2. SecondFactorMiddleware: a leader, admin or staff user who has not passed TOTP in this session reaches
   only the second-factor pages and logout.
3. PasswordExpiryMiddleware: a user whose password is older than PASSWORD_MAX_AGE_DAYS, or was set by someone
   else (User.password_must_change), reaches only the password-change page, the second-factor pages and logout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from accounts import otp

LOGIN_AT_SESSION_KEY = "accounts_login_at"
SEEN_AT_SESSION_KEY = "accounts_seen_at"

SECOND_FACTOR_URLS = ("accounts:otp-verify", "accounts:otp-setup")


def start_session_clock(session: SessionBase) -> None:
    """Called at login: the absolute lifetime and the idle time count from now."""
    now = int(time.time())
    session[LOGIN_AT_SESSION_KEY] = now
    session[SEEN_AT_SESSION_KEY] = now


def password_expired(user) -> bool:
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=max_age)


def _is_static(request: HttpRequest) -> bool:
    return request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/"))


def _allowed(request: HttpRequest, url_names: tuple[str, ...]) -> bool:
    return _is_static(request) or request.path_info in {reverse(name) for name in url_names}


def _redirect_with_next(request: HttpRequest, url_name: str) -> HttpResponseRedirect:
    url = reverse(url_name)
    if request.method == "GET":
        url += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(url)


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            login_at = session.get(LOGIN_AT_SESSION_KEY)
            seen_at = session.get(SEEN_AT_SESSION_KEY)
            if login_at is None:
                # a session made another way (the admin's login page, a test client): its clock starts now
                start_session_clock(session)
            elif now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                return self._end(
                    request, f"本次登录已超过 {settings.SESSION_ABSOLUTE_SECONDS / 3600:g} 小时，请重新登录。"
                )
            elif seen_at is not None and now - seen_at > settings.SESSION_COOKIE_AGE:
                # the session store expires it too; this also covers a store that does not
                return self._end(request, f"您已 {settings.SESSION_COOKIE_AGE // 60} 分钟未操作，请重新登录。")
            elif seen_at is None or now - seen_at >= settings.SESSION_IDLE_REFRESH_SECONDS:
                # a changed session is saved with a fresh expiry (SESSION_COOKIE_AGE from now)
                session[SEEN_AT_SESSION_KEY] = int(now)
        return self.get_response(request)

    @staticmethod
    def _end(request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path())


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not otp.is_verified(user)
            and not _allowed(request, (*SECOND_FACTOR_URLS, "accounts:logout"))
            and otp.needs_second_factor(user)
        ):
            return _redirect_with_next(request, "accounts:otp-verify")
        return self.get_response(request)


class PasswordExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or _allowed(
            request, ("accounts:password-change", *SECOND_FACTOR_URLS, "accounts:logout")
        ):
            return self.get_response(request)
        if user.password_must_change:
            messages.warning(request, "您的密码是由他人（如管理员）设置的，请先修改为只有您知道的密码后继续使用。")
            return HttpResponseRedirect(reverse("accounts:password-change"))
        if password_expired(user):
            messages.warning(
                request, f"您的密码已超过 {settings.PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码后继续使用。"
            )
            return HttpResponseRedirect(reverse("accounts:password-change"))
        return self.get_response(request)
