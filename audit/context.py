"""Where a change comes from, without passing the request down to every service.

``AuditContextMiddleware`` puts the client's address in a context variable for the length of each request;
``audit.services.record`` reads it. Service signatures stay as they are, and a service called outside a
request (a management command, the task worker) records no address unless its caller opens a context with
``using_ip`` — the task worker does, with the address stored when the job was requested.

The address is the socket's peer (``REMOTE_ADDR``). Behind a reverse proxy that is the proxy, so the proxy
must hand over the client's address: either set REMOTE_ADDR itself (uWSGI/mod_wsgi, or gunicorn with
``--forwarded-allow-ips``), or set ``TRUST_X_FORWARDED_FOR`` (on with ``BEHIND_TLS_PROXY=1``), in which case
only the right-most X-Forwarded-For entry — the one our nginx appended — is used. Entries to its left come
from the client and can be forged, so they are never trusted; without the setting the header is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)
_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            return _valid(hops[-1])
    return _valid(request.META.get("REMOTE_ADDR"))


def current_ip() -> str | None:
    return _client_ip.get()


@contextmanager
def using_ip(address: str | None) -> Iterator[None]:
    token = _client_ip.set(_valid(address))
    try:
        yield
    finally:
        _client_ip.reset(token)


def current_user():
    """The signed-in user of the request being served, or None (a command, the task worker, anonymous).

    For writes that happen below any service that takes an actor: a password set through Django's own forms
    (accounts.password_validation.AuditPasswordChange). ``request.user`` is read now, after authentication.
    """
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


@contextmanager
def serving(request: HttpRequest) -> Iterator[None]:
    token = _request.set(request)
    try:
        with using_ip(client_ip(request)):
            yield
    finally:
        _request.reset(token)
