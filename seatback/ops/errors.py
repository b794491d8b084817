"""Django's error pages (handler400/403/404/500 in seatback/urls.py): the JSON error shape
under /api/, Django's own pages elsewhere; a cache (Redis) that does not answer is a 503
with Retry-After everywhere, not a 500 (issue 22)."""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from seatback.core.cachehealth import is_outage
from seatback.core.errors import Refusal
from seatback.core.http import API_PREFIX, refusal_response

log = logging.getLogger(__name__)
RETRY_AFTER_OUTAGE = 5


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return refusal_response(request, Refusal("too_large"))
    if _api(request):
        return refusal_response(request, Refusal("invalid_request"))
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return refusal_response(request, Refusal("forbidden"))
    return defaults.permission_denied(request, exception)  # type: ignore[arg-type]


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return refusal_response(request, Refusal("not_found"))
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    """Called while the exception is being handled: Redis gone, or a database that cannot
    be reached (down, or out of connections in a rush), is a 503 to retry."""
    exception = sys.exc_info()[1]
    if is_outage(exception):
        return refusal_response(request, Refusal("unavailable", retry_after=RETRY_AFTER_OUTAGE))
    if _api(request):
        return refusal_response(request, Refusal("server_error"))
    return defaults.server_error(request)
