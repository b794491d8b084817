"""Our own middleware: the reader's language, and clean input (CleanInputMiddleware).

Language choice: the reader's choice (the language cookie, set by the language button)
wins; otherwise the browser's Accept-Language on pages and API alike (a first visit from
an English phone reads English); Simplified Chinese when it names neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from seatback.core.errors import Refusal
from seatback.core.http import API_PREFIX, refusal_response
from seatback.core.inputs import has_bad_text, refuse_text

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
    return language_from(
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
        request.headers.get("Accept-Language", ""),
    )


def language_from(chosen: str, accept_language: str) -> str:
    """The answer's language from the language cookie and the Accept-Language header."""
    if chosen in SUPPORTED:
        return chosen
    return _from_accept_language(accept_language) or settings.LANGUAGE_CODE


class ReaderLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class CleanInputMiddleware:
    """Refuse a request whose path, query, cookies or form fields carry characters no
    database stores (NUL, lone surrogates) or no log line should (control characters):
    400 with the JSON error under /api/, a sentence elsewhere, before any view or query.
    An API body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 before it is read. JSON bodies
    are checked by the API's body reader (api.decorators.read_json)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self.check(request)
        except Refusal as refusal:
            return refusal_response(request, refusal)
        return self.get_response(request)

    @staticmethod
    def check(request: HttpRequest) -> None:
        if has_bad_text(request.path_info, multiline=False):
            raise refuse_text(_("The address"))
        for source in (request.GET, request.COOKIES):
            for key, value in _pairs(source):
                if has_bad_text(key, multiline=False) or has_bad_text(value):
                    raise refuse_text(key if not has_bad_text(key) else _("A parameter"))
        api = request.path.startswith(API_PREFIX)
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if api and limit is not None and length.isdigit() and int(length) > limit:
            raise Refusal("too_large")
        if not api and request.method == "POST" and request.content_type in FORMS:
            try:
                fields = request.POST
            except RequestDataTooBig:
                raise Refusal("too_large") from None
            for key, value in _pairs(fields):
                if has_bad_text(key, multiline=False) or has_bad_text(value):
                    raise refuse_text(key if not has_bad_text(key) else _("A field"))


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _pairs(source: Any) -> Iterator[tuple[str, str]]:
    if hasattr(source, "lists"):
        for key, values in source.lists():
            for value in values:
                yield key, value
    else:
        yield from source.items()


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every answer (settings.CONTENT_SECURITY_POLICY): scripts
    only from our own static files, never inline, so injected markup cannot run. HSTS is
    Django's SecurityMiddleware (SECURE_HSTS_SECONDS, set when the base URL is https)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
