"""Per-client rate limits for work anyone can ask for (the public verification page).

A fixed window per client address, counted in the public site's cache (CACHES["public"], as the 执法公示 pages'
limit): local memory by default, so each gunicorn worker counts on its own (the limit is per worker); pointing
"public" at a shared cache (Redis, memcached) makes it exact. Behind nginx the address is the one nginx appended
(accounts.lockout.client_ip, the same rule as the login lockout).
"""

from __future__ import annotations

import time

from django.core.cache import caches
from django.http import HttpRequest

from accounts.lockout import client_ip


def allow(request: HttpRequest, *, scope: str, limit: int, per_seconds: int) -> bool:
    """Count this request; False once the client has made more than ``limit`` in the current window."""
    cache = caches["public"]
    window = int(time.time() // per_seconds)
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=per_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=per_seconds + 5)
        count = 1
    return count <= limit
