"""The API's two decorators: `api` (method, clock, reader, rate limit, refusals as JSON)
and `json_body` (the request body, read and validated once)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address, refusal_response
from seatback.core.inputs import check_json
from seatback.readers.middleware import hit_anonymous
from seatback.readers.models import Reader, cached_reader, reader_cache_key
from seatback.readers.services import bearer_reader_id

View = Callable[..., HttpResponse]


def _csrf_ok(request: HttpRequest) -> bool:
    # The CSRF check reads request.POST, which consumes a multipart body; read the body
    # first so that it stays available to json_body (otherwise a RawPostDataException, a 500).
    request.body  # noqa: B018
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {}) is None  # type: ignore[arg-type]


def _session_reader(request: HttpRequest) -> Reader | None:
    """The session's reader (which must carry CSRF on unsafe methods)."""
    if request.user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS") and not _csrf_ok(request):
            raise Refusal("forbidden", _("CSRF check failed: send the X-CSRFToken header."))
        return request.user  # type: ignore[return-value]
    return None


# What a view wants read from the cache with the rate limit, in the same round trip: the
# keys, from the view's URL arguments and who is counted ("r{reader id}" or "a{address}").
Fetch = Callable[[dict[str, Any], str], list[str]]


def _reader_counted(
    request: HttpRequest,
    now: datetime,
    limit: str,
    kwargs: dict[str, Any],
    fetch: Fetch | None,
    signed_in: bool,
) -> tuple[Reader | None, dict[str, Any]]:
    """The request's reader, counted against the limit, and what `fetch` asked for.

    A bearer token: its reader's id (from the cache, one round trip, already asked by the
    anonymous limit), then the count, the reader and the view's keys in one more; a token
    whose reader is gone or inactive counts as no reader. Else the session's reader, then
    the count with the view's keys."""
    per_minute = {
        "intents": settings.RATE_LIMIT_INTENTS_PER_MINUTE,
        "reads": settings.RATE_LIMIT_READS_PER_MINUTE,
        "search": settings.RATE_LIMIT_SEARCH_PER_MINUTE,
    }[limit]
    if request.headers.get("Authorization", "").startswith("Bearer "):
        reader_id = bearer_reader_id(request, now)
        if reader_id is not None:
            who = f"r{reader_id}"
            reader_key = reader_cache_key(reader_id)
            keys = [reader_key, *(fetch(kwargs, who) if fetch else [])]
            found = ratelimit.hit_fetching(limit, who, per_minute, keys)
            reader = found.get(reader_key) or cached_reader(reader_id)
            if reader is not None and reader.is_active:
                return reader, found
            # The token's reader is gone or inactive: not signed in after all. The count
            # goes back, and the request is counted as the anonymous limit would have.
            ratelimit.take_back(limit, who)
            hit_anonymous(request)
        reader = None
    else:
        reader = _session_reader(request)
    if signed_in and reader is None:
        raise Refusal("not_authenticated")
    who = f"r{reader.pk}" if reader else f"a{client_address(request)}"
    return reader, ratelimit.hit_fetching(
        limit, who, per_minute, fetch(kwargs, who) if fetch else []
    )


def api(
    *methods: str, signed_in: bool = True, limit: str = "reads", fetch: Fetch | None = None
) -> Callable[[View], View]:
    """Method check, clock read once, authentication, rate limit, refusals as JSON.
    fetch: the view also gets `fetched`, what the cache holds under the keys it names, read
    with the rate limit (one round trip)."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = refusal_response(
                    request, Refusal("invalid_request", _("Method not allowed.")), as_json=True
                )
                response.status_code = 405
                response["Allow"] = ", ".join(methods)
                return response
            now = clock.now()
            try:
                reader, found = _reader_counted(request, now, limit, kwargs, fetch, signed_in)
                extra = {"fetched": found} if fetch else {}
                return view(request, *args, reader=reader, now=now, **extra, **kwargs)
            except Refusal as refusal:
                return refusal_response(request, refusal, as_json=True)

        return wrapper

    return decorate


def json_body(view: View) -> View:
    """Pass the request's JSON object as `body` ({} when there is none); anything else is
    refused with `invalid_request` before the view runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, body=read_json(request), **kwargs)

    return wrapper


def read_json(request: HttpRequest) -> dict[str, Any]:
    try:
        body = request.body
    except RequestDataTooBig:
        raise Refusal("too_large") from None
    return parse_json(body, request.content_type)


def parse_json(body: bytes, content_type: str | None) -> dict[str, Any]:
    """A request body as the API's JSON object ({} when empty), or the Refusal saying why not."""
    if not body:
        return {}
    # JSON only: a cross-site form cannot send it without a CORS preflight, so a page
    # elsewhere cannot sign a phone into someone else's card (login CSRF).
    if content_type != "application/json":
        raise Refusal(
            "invalid_request", _("Send the body as JSON (Content-Type: application/json).")
        )
    try:
        data = json.loads(body, parse_constant=_no_constant, parse_float=_number)
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, NaN, or nested too deep
        raise Refusal("invalid_request", _("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refusal("invalid_request", _("The body must be a JSON object."))
    # Surrogates, control characters, huge numbers: refused here, before any query.
    check_json(data)
    return data


def _number(text: str) -> int | float:
    """JSON Schema's integer includes 1215.0: a whole number is one, however written."""
    value = float(text)
    return int(value) if value.is_integer() and abs(value) <= 2**53 else value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
