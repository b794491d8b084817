"""Django's error handlers (handler400/403/404/500 in seatback/urls.py), at the top of the
floor plan because they join two doors: the JSON error shape under /api/ and a Redis
outage as a 503 to retry (ops.errors), the reader pages' own error pages elsewhere
(pages.error_views)."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse

from seatback.core.cachehealth import is_outage
from seatback.core.http import API_PREFIX
from seatback.ops import errors as json_errors
from seatback.pages import error_views as pages


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return json_errors.bad_request(request, exception)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return json_errors.forbidden(request, exception)
    return pages.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return json_errors.not_found(request, exception)
    return pages.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request) or is_outage(sys.exc_info()[1]):
        return json_errors.server_error(request)
    return pages.server_error(request)
