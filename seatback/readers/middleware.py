"""Everything reachable without signing in is rate-limited per client address.

The limit is generous (a campus NAT puts many phones behind one address); it exists to
stop a script, not a crowd. Signed-in traffic has its own per-reader limits.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address, refusal_response
from seatback.readers.models import ApiToken
from seatback.readers.services import bearer_key, bearer_reader_id

_exempt: list[str] = []


def exempt(path: str) -> None:
    """Leave a path to its own view's limits: WeChat's callback comes from a few WeChat
    addresses for every reader at once, so it is limited per openid once signed."""
    _exempt.append(path)


def hit_anonymous(request: HttpRequest) -> None:
    """Count a request that no reader signed in for against its address's limit."""
    ratelimit.hit(
        "anonymous", str(client_address(request)), settings.RATE_LIMIT_ANONYMOUS_PER_MINUTE
    )


def _bearer_signed_in(request: HttpRequest) -> bool:
    """Whether the request's bearer token names an active reader. Under /api/ the token's
    reader id is enough here: the API reads the reader itself with its rate limit (one
    round trip) and, if that reader is inactive, counts the request with hit_anonymous
    after all (api.decorators). Elsewhere the reader is read now."""
    key = bearer_key(request)
    if not key:
        return False
    now = clock.now()
    if request.path.startswith("/api/"):
        return bearer_reader_id(request, now) is not None
    return ApiToken.reader_for(key, now) is not None


class AnonymousRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Signed in means a session or a token that names a reader, not merely the header.
        signed_in = request.user.is_authenticated or _bearer_signed_in(request)
        if (
            not signed_in
            and not request.path.startswith(settings.STATIC_URL)
            and request.path not in _exempt
        ):
            try:
                hit_anonymous(request)
            except Refusal as refusal:
                return refusal_response(request, refusal)
        return self.get_response(request)
