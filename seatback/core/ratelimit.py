"""Fixed-window request counting in the cache (Redis when REDIS_URL is set)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

from seatback.core.errors import Refusal


def hit(scope: str, key: str, limit_per_minute: int) -> None:
    """Count one request for (scope, key); refuse with rate_limited past the limit."""
    window = int(time.time() // 60)
    # Keys carry what clients send (card numbers): hashed, any length or character is safe.
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    cache_key = f"rl:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, timeout=90):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=90)
            count = 1
    if count > limit_per_minute:
        retry_after = max(1, 60 - int(time.time()) % 60)
        raise Refusal("rate_limited", retry_after=retry_after)
