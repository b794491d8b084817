"""Entrance and floor screens (/display/screens/<id>?key=…): each floor filling up, in large
type, for a kiosk that runs all day (docs/maps.md). The key keeps strangers from listing
the library's screens; wrong keys are limited per address, polls per screen."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address
from seatback.plans.models import Screen
from seatback.plans.selectors import screen_for_key, screen_view
from seatback.screens.views import WRONG_KEYS_PER_MINUTE, keyed_poll, qr_svg

# A screen polls every second (60 a minute); two screens sharing a key stay below this.
SCREEN_POLLS_PER_MINUTE = 150
POLL_SECONDS = 1
ROTATE_SECONDS = 8


def _screen(request: HttpRequest, screen_id: int) -> Screen:
    screen = screen_for_key(screen_id, request.GET.get("key", ""))
    if screen is None:
        ratelimit.hit("display-key", f"a{client_address(request)}", WRONG_KEYS_PER_MINUTE)
        raise Http404
    return screen


def _data(screen: Screen) -> dict[str, Any]:
    now = clock.now()
    return {**screen_view(screen, now), "server_time": now.isoformat()}


@require_GET
def entrance(request: HttpRequest, screen_id: int) -> HttpResponse:
    try:
        screen = _screen(request, screen_id)
    except Refusal as refusal:
        response = HttpResponse(refusal.message, status=refusal.status, content_type="text/plain")
        response["Retry-After"] = str(refusal.retry_after or 60)
        return response
    key = request.GET.get("key", "")
    poll = reverse("screens:entrance-data", args=[screen.pk]) + "?" + urlencode({"key": key})
    site = settings.BASE_URL + reverse("pages:building")
    response = render(
        request,
        "screens/entrance.html",
        {
            "screen": screen,
            "data": _data(screen),
            "poll": poll,
            "qr": qr_svg(site),
            "site": site,
            "every": POLL_SECONDS,
            "rotate": ROTATE_SECONDS,
            "zone": settings.TIME_ZONE,
            "say_floor": _("Floor %(floor)s"),
        },
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the key is in the URL
    return response


@require_GET
def entrance_data(request: HttpRequest, screen_id: int) -> HttpResponse:
    return keyed_poll(
        request, lambda: _screen(request, screen_id), "screen", SCREEN_POLLS_PER_MINUTE, _data
    )
