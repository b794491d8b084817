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


def _key(seat_id: int) -> str:
    return f"seat-v:{seat_id}"


def bump(seat_id: int) -> None:
    """Called after a seat's change has committed: a cache outage must not turn a done
    scan into an error; watchers then see the change at their next full load."""
    try:
        cache.set(_key(seat_id), secrets.token_hex(6), timeout=TOKEN_TTL)
    except Exception:  # redis.ConnectionError and kin; the cache is advisory here
        log.warning("could not publish a change of seat %s", seat_id, exc_info=True)


def token(seat_id: int) -> str:
    value = cache.get(_key(seat_id))
    if value is None:
        # An evicted or never-set token gets a fresh value: a watcher reloads once, harmless.
        value = secrets.token_hex(6)
        if not cache.add(_key(seat_id), value, timeout=TOKEN_TTL):
            value = cache.get(_key(seat_id), value)
    return str(value)
