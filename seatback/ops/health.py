"""GET /healthz, answered before any other middleware (issue 22).

Everything after it may need the cache (sessions, rate limits): with Redis gone those
would fail before a view ran. Here the database and the cache are each asked, and the
answer names which part is down: 200 `{"status": "ok", ...}` or 503 with
`{"status": "error", "database": "ok" | "down", "cache": "ok" | "down" | "local"}`.
It is rate-limited per address like anything anonymous, while the cache answers."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from seatback.core import clock, ratelimit
from seatback.core.cachehealth import cache_problem
from seatback.core.errors import Refusal
from seatback.core.http import client_address, refusal_response

log = logging.getLogger(__name__)
PATH = "/healthz"


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return " ".join(str(exc).split()) or type(exc).__name__
    return None


def healthz(request: HttpRequest) -> HttpResponse:
    """For monitors and load balancers: are the database and the cache answering?"""
    cache_down = cache_problem()
    if cache_down is None:
        try:
            ratelimit.hit(
                "anonymous", str(client_address(request)), settings.RATE_LIMIT_ANONYMOUS_PER_MINUTE
            )
        except Refusal as refusal:
            return refusal_response(request, refusal, as_json=True)
    database_down = database_problem()
    report = {
        "database": connection.vendor if database_down is None else "down",
        "cache": ("redis" if settings.REDIS_URL else "local") if cache_down is None else "down",
    }
    # The reasons go to the log, not to whoever asked.
    for part, problem in (("database", database_down), ("cache", cache_down)):
        if problem is not None:
            log.error("healthz: the %s does not answer: %s", part, problem)
    if database_down or cache_down:
        return JsonResponse({"status": "error", **report}, status=503, headers={"Retry-After": "5"})
    return JsonResponse({"status": "ok", **report, "time": clock.now().isoformat()})


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
