"""Fixed-window request counting in the cache (Redis when REDIS_URL is set)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from seatback.core.errors import Refusal

WINDOW_TTL = 90  # seconds: a minute's window, and then some


def hit(scope: str, key: str, limit_per_minute: int) -> None:
    """Count one request for (scope, key); refuse with rate_limited past the limit."""
    window = int(time.time() // 60)
    # Keys carry what clients send (card numbers): hashed, any length or character is safe.
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    count = _count(f"rl:{scope}:{digest}:{window}")
    if count > limit_per_minute:
        retry_after = max(1, 60 - int(time.time()) % 60)
        raise Refusal("rate_limited", retry_after=retry_after)


def _count(cache_key: str) -> int:
    """Add one to the window's counter and return it: with Redis one round trip (SET NX
    with its expiry, then INCR, pipelined); in the in-process cache add, else incr."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key(cache_key)
        client = backend._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        pipe.set(key, 0, ex=WINDOW_TTL, nx=True)
        pipe.incr(key)
        return int(pipe.execute()[1])
    if cache.add(cache_key, 1, timeout=WINDOW_TTL):
        return 1
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=WINDOW_TTL)
        return 1
