"""Signing in: password, then the second factor for leaders and admins; changing the password."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp, services
from accounts.forms import PasswordChangeForm, TokenForm
from accounts.middleware import start_session_clock


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _second_factor_passed(request: HttpRequest, device: TOTPDevice) -> None:
    otp_login(request, device)
    # the session now carries more privilege than before: give it a new key (as Django does at login)
    request.session.cycle_key()


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)  # Django's login(): a new session key
        start_session_clock(self.request.session)
        if otp.needs_second_factor(self.request.user):
            return HttpResponseRedirect(_with_next("accounts:otp-verify", self.get_success_url()))
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已退出登录。")  # stored for the login page, in the new (anonymous) session
        return response


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    user = request.user
    if otp.is_verified(user) or not otp.needs_second_factor(user):
        return redirect(next_url)
    if otp.confirmed_device(user) is None:
        return redirect(_with_next("accounts:otp-setup", next_url))

    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.check_totp(user=user, token=form.cleaned_data["token"])
        if check.device is not None:
            _second_factor_passed(request, check.device)
            return redirect(next_url)
        form.add_error("token", check.error)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    user = request.user
    if not otp.needs_second_factor(user):
        return redirect(next_url)
    if otp.confirmed_device(user) is not None:
        # a password alone must not be able to replace the second factor: re-enrolment needs an admin to
        # delete the old device first (README "身份鉴别")
        return redirect(_with_next("accounts:otp-verify", next_url))

    device = services.start_totp_enrolment(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.confirm_totp_enrolment(user=user, token=form.cleaned_data["token"])
        if check.device is not None:
            _second_factor_passed(request, check.device)
            messages.success(request, "已绑定身份验证器。以后每次登录都需输入其上显示的验证码。")
            return redirect(next_url)
        form.add_error("token", check.error)
    context = {
        "form": form,
        "next": next_url,
        "secret": otp.base32_secret(device),
        "config_url": device.config_url,
        # made by segno from our own URI: no user-supplied markup
        "qr_svg": mark_safe(otp.qr_code_svg(device)),
    }
    return render(request, "accounts/otp_setup.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(max_age_days=settings.PASSWORD_MAX_AGE_DAYS, **kwargs)

    @transaction.atomic  # the new password and its audit event (AuditPasswordChange) together
    def form_valid(self, form) -> HttpResponse:
        # Django keeps this session (with a new key) and every other session of the user stops matching the
        # password hash, so those are logged out on their next request.
        response = super().form_valid(form)
        messages.success(self.request, "密码已修改。您在其他浏览器或设备上的登录已失效。")
        return response


password_change = login_required(PasswordChangeView.as_view())
