"""What the public site does to every response: the rate limit per client address, the page cache and
``Cache-Control``.

The public site is where load and scraping come from. Each client address may make ``DISCLOSURE_RATE_LIMIT``
requests per ``DISCLOSURE_RATE_WINDOW`` seconds (default 120 per 60 s; 0 switches the limit off) and gets 429 with
``Retry-After`` beyond that. The count lives in the ``public`` cache: with the default local-memory cache each
server process counts on its own, so N processes allow at most N times the limit; a shared cache (Redis,
memcached) in CACHES["public"] makes it exact (docs/disclosure.md).

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

from audit.context import client_ip
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
    slot = int(time.time()) // window
    key = f"gongshi-rate:{client_ip(request) or 'unknown'}:{slot}"
    cache = _cache()
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count <= limit:
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
