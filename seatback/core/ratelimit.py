"""Fixed-window request counting in the cache (Redis when REDIS_URL is set)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from seatback.core.errors import Refusal


def _cache_key(scope: str, key: str) -> str:
    window = int(time.time() // 60)
    # Keys carry what clients send (card numbers): hashed, any length or character is safe.
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{window}"


def hit(scope: str, key: str, limit_per_minute: int) -> None:
    """Count one request for (scope, key); refuse with rate_limited past the limit."""
    cache_key = _cache_key(scope, key)
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


# Seat codes are unguessable only while nobody may try them by the thousand: each
# unknown code someone looks up counts against them, and past the limit every code
# lookup of theirs (known codes too, so the answer tells nothing) waits out the minute.
GUESSES = "code-misses"


def _count(scope: str, key: str) -> int:
    return int(cache.get(_cache_key(scope, key)) or 0)


def seat_code_looked_up(who: str, *, found: bool) -> None:
    """Call after looking a seat code up for `who` ("r{reader id}" or "a{address}"): an
    unknown code counts against them, and past the limit any lookup is refused."""
    if not found:
        hit(GUESSES, who, settings.RATE_LIMIT_UNKNOWN_CODES_PER_MINUTE)
    elif _count(GUESSES, who) >= settings.RATE_LIMIT_UNKNOWN_CODES_PER_MINUTE:
        raise Refusal("rate_limited", retry_after=max(1, 60 - int(time.time()) % 60))
