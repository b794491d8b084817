"""Live updates: every change to a seat gives it a new change token.

Pages poll the token (one cache read, no database) and reload the seat when it differs.
With REDIS_URL the tokens live in Redis, so every server process sees every change.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache

TOKEN_TTL = 24 * 3600
log = logging.getLogger(__name__)


# Bumped with every seat: reads over many seats (room counts, seat maps) cache by it.
LIBRARY_KEY = "seats-v"


def _key(seat_id: int) -> str:
    return f"seat-v:{seat_id}"


def bump(seat_id: int) -> None:
    """Called after a seat's change has committed: a cache outage must not turn a done
    scan into an error; watchers then see the change at their next full load."""
    try:
        value = secrets.token_hex(6)
        cache.set_many({_key(seat_id): value, LIBRARY_KEY: value}, timeout=TOKEN_TTL)
    except Exception:  # redis.ConnectionError and kin; the cache is advisory here
        log.warning("could not publish a change of seat %s", seat_id, exc_info=True)


def token(seat_id: int) -> str:
    return _token(_key(seat_id))


def seat_key(seat_id: int) -> str:
    """Where the seat's change token is kept (for callers reading it with other keys)."""
    return _key(seat_id)


def library_token() -> str:
    """Changes whenever any seat changes (a scan committed)."""
    return _token(LIBRARY_KEY)


def new_token(key: str) -> None:
    """Give `key` a new token (anything cached under the old one is then out of date)."""
    cache.set(key, secrets.token_hex(6), timeout=TOKEN_TTL)


def cached_token(key: str) -> str:
    """The token under `key`, made on first use."""
    return _token(key)


def _token(key: str) -> str:
    value = cache.get(key)
    if value is None:
        # An evicted or never-set token gets a fresh value: a watcher reloads once, harmless.
        value = secrets.token_hex(6)
        if not cache.add(key, value, timeout=TOKEN_TTL):
            value = cache.get(key, value)
    return str(value)
