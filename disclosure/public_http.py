"""What the public site does to every response: the rate limit per client address, the page cache and
``Cache-Control``.

The public site is where load and scraping come from. Each client address may make ``DISCLOSURE_RATE_LIMIT``
requests per ``DISCLOSURE_RATE_WINDOW`` seconds (default 120 per 60 s; 0 switches the limit off) and gets 429 with
``Retry-After`` beyond that. The count is ``changning_enforce.ratelimit``'s, in CACHES["public"]: local memory by
default, so each server process counts on its own and N processes allow at most N times the limit; a shared
cache (Redis, memcached) there makes it exact (docs/disclosure.md).

A page is cached under a key that includes ``selectors.site_stamp`` (the newest publication and withdrawal and
today's date): publishing or withdrawing changes the stamp, so no process serves the old page afterwards,
whichever cache backend is used. Browsers and proxies may keep a page ``PUBLIC_MAX_AGE`` seconds.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.cache import patch_cache_control

from changning_enforce import ratelimit
from disclosure import selectors

PUBLIC_MAX_AGE = 60
DOWNLOAD_MAX_AGE = 300
CACHE_SECONDS = 600

View = Callable[..., HttpResponse]


def _cache():
    return caches["public"]


def rate_limited(request: HttpRequest) -> HttpResponse | None:
    limit = settings.DISCLOSURE_RATE_LIMIT
    if limit <= 0:
        return None
    window = settings.DISCLOSURE_RATE_WINDOW
    if ratelimit.allow(request, scope="gongshi", limit=limit, per_seconds=window):
        return None
    retry = window - int(time.time()) % window
    response = HttpResponse(
        f"访问过于频繁：每个地址每{window}秒最多{limit}次请求，请{retry}秒后再试。".encode(),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry)
    return response


def public_view(max_age: int = PUBLIC_MAX_AGE) -> Callable[[View], View]:
    """Reads only; rate-limit, then serve from the cache or render and cache; mark the response cacheable."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            refused = rate_limited(request)
            if refused is not None:
                return refused
            stamp = selectors.site_stamp(today=timezone.localdate())
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            key = f"gongshi-page:{stamp}:{view.__name__}:{path}"
            cached = _cache().get(key)
            if cached is not None:
                status, content_type, headers, content = cached
                response = HttpResponse(content, status=status, content_type=content_type)
                for name, value in headers.items():
                    response[name] = value
            else:
                response = view(request, *args, **kwargs)
                if response.status_code in (200, 404) and not response.streaming:
                    headers = {k: v for k, v in response.items() if k in ("Content-Disposition",)}
                    cached = (response.status_code, response["Content-Type"], headers, response.content)
                    _cache().set(key, cached, CACHE_SECONDS)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=max_age)
            else:
                patch_cache_control(response, no_cache=True)
            return response

        return wrapper

    return decorate
