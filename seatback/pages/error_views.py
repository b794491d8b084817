"""Error pages in the reader's language, phone-sized and on WeUI: 403, 404 (with the
display-key case), 429 (a refusal for too many requests) and 500.

Wired by handler403/404/500 in seatback.urls; rate-limit refusals reach `refusal_page`
through core.http's page renderer, registered in PagesConfig.ready().
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from seatback.core.errors import Refusal
from seatback.pages.wording import refusal_sentence

DISPLAY_PREFIX = "/display/"


def _page(request: HttpRequest, status: int, title: str, message: str, icon: str) -> HttpResponse:
    return render(
        request,
        "pages/error.html",
        {"title": title, "message": message, "icon": icon, "status": status},
        status=status,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(DISPLAY_PREFIX):
        return _page(
            request,
            404,
            _("This display link is not valid"),
            _(
                "The room display's link is wrong or its key was changed. Ask a librarian "
                "for the display's current link."
            ),
            "warn",
        )
    return _page(
        request,
        404,
        _("Page not found"),
        _("There is no page at this address. It may have moved, or the link is mistyped."),
        "info",
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("You may not open this page"),
        _(
            "This page is for library staff, or for another reader. "
            "Sign in with another card if you have one."
        ),
        "warn",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context: the database may be what failed."""
    body = render_to_string("pages/500.html")
    return HttpResponse(body, status=500)


def refusal_page(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """A refusal met before any page (too many requests): the sentence on a page."""
    title = _("Too many requests") if refusal.status == 429 else _("Not possible now")
    response = _page(request, refusal.status, title, refusal_sentence(refusal), "waiting")
    if refusal.retry_after is not None:
        response["Retry-After"] = str(refusal.retry_after)
    return response
