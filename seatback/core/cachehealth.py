"""Is the shared cache (Redis, when REDIS_URL is set) answering? (issue 22) And did a
request fail because the database could not be reached? (issue 17)

Sessions, rate limits and live seat tokens live in the cache. When Redis goes away the
server answers 503 with Retry-After (ops.errors) and /healthz names the cache; when Redis
comes back, the next request reconnects by itself (redis-py's connection pool)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection


def is_outage(exception: BaseException | None) -> bool:
    """A service Seatback needs did not answer (Redis, or the database when connecting):
    the request is a 503 to retry, not a 500."""
    return exception is not None and (is_cache_outage(exception) or is_database_outage(exception))


def is_cache_outage(exception: BaseException) -> bool:
    """An error from the Redis client: connection refused, reset or timed out."""
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(exception, RedisError) and bool(settings.REDIS_URL)


def is_database_outage(exception: BaseException) -> bool:
    """The database could not be reached: connecting failed (PostgreSQL down, or full:
    "sorry, too many clients already"), as opposed to a statement failing on a live
    connection, which is a bug or a race and stays a 500."""
    return isinstance(exception, OperationalError) and connection.connection is None


def cache_problem() -> str | None:
    """None when the cache answers, else one line saying why not."""
    if not settings.REDIS_URL:
        return None
    try:
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means the cache is down
        return " ".join(str(exc).split()) or type(exc).__name__
    return None
