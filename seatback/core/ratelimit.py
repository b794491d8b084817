"""Fixed-window request counting in the cache (Redis when REDIS_URL is set)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from seatback.core.errors import Refusal

WINDOW_TTL = 90  # seconds: a minute's window, and then some


def _cache_key(scope: str, key: str) -> str:
    window = int(time.time() // 60)
    # Keys carry what clients send (card numbers): hashed, any length or character is safe.
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{window}"


def hit(scope: str, key: str, limit_per_minute: int) -> None:
    """Count one request for (scope, key); refuse with rate_limited past the limit."""
    count = _incr(_cache_key(scope, key))
    if count > limit_per_minute:
        retry_after = max(1, 60 - int(time.time()) % 60)
        raise Refusal("rate_limited", retry_after=retry_after)


def _incr(cache_key: str) -> int:
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


# Increasing delays (sign-in): the first `free` failures cost nothing, then each one makes
# the next try wait twice as long, up to `cap` seconds; forgotten a day after the last
# failure, or at once on success.
BACKOFF_MEMORY = 24 * 3600


def _backoff_key(scope: str, key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"bo:{scope}:{digest}"


def backoff_failures(scope: str, key: str) -> int:
    state = cache.get(_backoff_key(scope, key))
    return int(state[0]) if state else 0


def backoff_check(scope: str, key: str) -> None:
    """Refuse with rate_limited (and how long to wait) while `key` must still wait."""
    state = cache.get(_backoff_key(scope, key))
    if state:
        wait = int(state[1] - time.time() + 0.999)
        if wait > 0:
            raise Refusal("rate_limited", retry_after=wait)


def backoff_failed(scope: str, key: str, *, free: int, cap: int) -> None:
    failures = backoff_failures(scope, key) + 1
    delay = 0 if failures <= free else min(cap, 2 ** (failures - free))
    cache.set(_backoff_key(scope, key), (failures, time.time() + delay), timeout=BACKOFF_MEMORY)


def backoff_clear(scope: str, key: str) -> None:
    cache.delete(_backoff_key(scope, key))
