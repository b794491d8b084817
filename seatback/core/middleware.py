"""Language choice: the reader's choice (cookie) wins; pages default to Simplified Chinese.

Django's LocaleMiddleware would follow the browser's Accept-Language; a library in China
wants Chinese unless the reader picks English, so pages ignore it. API clients may ask
with Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from seatback.core.errors import Refusal

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _from_accept_language(header: str) -> str | None:
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag in SUPPORTED:
            return tag
        if tag.startswith("zh"):
            return "zh-hans"
        if tag.startswith("en"):
            return "en"
    return None


def language_for(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in SUPPORTED:
        return chosen
    if request.path.startswith("/api/"):
        asked = _from_accept_language(request.headers.get("Accept-Language", ""))
        if asked:
            return asked
    return settings.LANGUAGE_CODE


class ReaderLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class AnonymousRateLimitMiddleware:
    """Everything reachable without signing in is rate-limited per client address.

    The limit is generous (a campus NAT puts many phones behind one address); it exists to
    stop a script, not a crowd. Signed-in traffic has its own per-reader limits.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from seatback.core import clock
        from seatback.readers.services import bearer_reader

        # Signed in means a session or a token that names a reader, not merely the header.
        signed_in = request.user.is_authenticated or bearer_reader(request, clock.now()) is not None
        if not signed_in and not request.path.startswith(settings.STATIC_URL):
            from seatback.core import ratelimit
            from seatback.core.http import client_address

            try:
                ratelimit.hit(
                    "anonymous",
                    str(client_address(request)),
                    settings.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
                )
            except Refusal as refusal:
                return refused(request, refusal)
        return self.get_response(request)


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """A refusal outside a view: JSON for the API, a short sentence for pages."""
    from django.http import JsonResponse

    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": refusal.as_dict()}, status=refusal.status)
    else:
        response = HttpResponse(
            refusal.message, status=refusal.status, content_type="text/plain; charset=utf-8"
        )
    if refusal.retry_after is not None:
        response["Retry-After"] = str(refusal.retry_after)
    return response
