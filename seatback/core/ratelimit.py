"""Fixed-window request counting in the cache (Redis when REDIS_URL is set)."""

from __future__ import annotations

import contextlib
import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches

from seatback.core.errors import Refusal
from seatback.core.rediscache import KeptClientRedisCache

WINDOW_TTL = 90  # seconds: a minute's window, and then some


def _cache_key(scope: str, key: str) -> str:
    window = int(time.time() // 60)
    # Keys carry what clients send (card numbers): hashed, any length or character is safe.
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{window}"


def hit(scope: str, key: str, limit_per_minute: int) -> None:
    """Count one request for (scope, key); refuse with rate_limited past the limit."""
    hit_fetching(scope, key, limit_per_minute, [])


def hit_fetching(scope: str, key: str, limit_per_minute: int, fetch: list[str]) -> dict[str, Any]:
    """hit(), and the cache entries under the keys `fetch` (as get_many), in one round trip
    with Redis."""
    count, found = _count_and_get(_cache_key(scope, key), fetch)
    if count > limit_per_minute:
        retry_after = max(1, 60 - int(time.time()) % 60)
        raise Refusal("rate_limited", retry_after=retry_after)
    return found


def take_back(scope: str, key: str) -> None:
    """Undo one hit_fetching count: the caller counted before it knew the request was not
    its to answer, and whoever answers it counts it again."""
    with contextlib.suppress(ValueError):  # the window has gone meanwhile
        cache.decr(_cache_key(scope, key))


def _count_and_get(cache_key: str, fetch: list[str]) -> tuple[int, dict[str, Any]]:
    """Add one to the window's counter and return it, with what `fetch` found: with Redis
    one round trip (SET NX with its expiry, INCR and MGET, pipelined); in the in-process
    cache add, else incr."""
    backend = caches["default"]
    if isinstance(backend, KeptClientRedisCache):
        return backend.count_and_get(cache_key, WINDOW_TTL, fetch)
    found = cache.get_many(fetch) if fetch else {}
    if cache.add(cache_key, 1, timeout=WINDOW_TTL):
        return 1, found
    try:
        return int(cache.incr(cache_key)), found
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=WINDOW_TTL)
        return 1, found


# Seat codes are unguessable only while nobody may try them by the thousand: each
# unknown code someone looks up counts against them, and past the limit every code
# lookup of theirs (known codes too, so the answer tells nothing) waits out the minute.
GUESSES = "code-misses"


def code_guesses_key(who: str) -> str:
    """Where `who`'s unknown seat codes this minute are counted (to read with other keys)."""
    return _cache_key(GUESSES, who)


def seat_code_looked_up(who: str, *, found: bool, guesses: int | None = None) -> None:
    """Call after looking a seat code up for `who` ("r{reader id}" or "a{address}"): an
    unknown code counts against them, and past the limit any lookup is refused.
    `guesses`: what the cache held under code_guesses_key(who), if the caller read it."""
    if not found:
        hit(GUESSES, who, settings.RATE_LIMIT_UNKNOWN_CODES_PER_MINUTE)
        return
    if guesses is None:
        guesses = cache.get(code_guesses_key(who))
    if int(guesses or 0) >= settings.RATE_LIMIT_UNKNOWN_CODES_PER_MINUTE:
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
