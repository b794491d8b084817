"""The room display (/display/rooms/<id>?key=…) and its code poll.

The display needs the room's display key: an open endpoint could be polled from bed and
the rotating check would stop nobody. The poll is rate-limited per room, wrong keys per
address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address, refusal_response
from seatback.library.models import Room
from seatback.presence.services import ShownCode, room_for_key, shown_code

# A display polls about once a window and after each failure; a few displays in one room
# stay far below this, a key leaked to many phones does not.
DISPLAY_POLLS_PER_MINUTE = 60
WRONG_KEYS_PER_MINUTE = 20


def qr_svg(text: str) -> str:
    import qrcode.image.svg  # here: only these pages draw QR codes

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return str(image.to_string(encoding="unicode"))


def _room(request: HttpRequest, room_id: int) -> Room:
    room = room_for_key(room_id, request.GET.get("key", ""))
    if room is None:
        ratelimit.hit("display-key", f"a{client_address(request)}", WRONG_KEYS_PER_MINUTE)
        raise Http404
    return room


def _code_json(shown: ShownCode) -> dict[str, object]:
    now = clock.now()
    return {
        "code": shown.code,
        "url": shown.here_url,
        "qr": qr_svg(shown.here_url),
        "changes_at": shown.changes_at.isoformat(),
        "valid_until": shown.valid_until.isoformat(),
        "seconds": shown.seconds,
        "server_time": now.isoformat(),
    }


@require_GET
def display(request: HttpRequest, room_id: int) -> HttpResponse:
    try:
        room = _room(request, room_id)
    except Refusal as refusal:  # too many wrong keys from this address
        response = HttpResponse(refusal.message, status=refusal.status, content_type="text/plain")
        response["Retry-After"] = str(refusal.retry_after or 60)
        return response
    shown = shown_code(room, clock.now())
    key = request.GET.get("key", "")
    poll = reverse("screens:display-code", args=[room.pk]) + "?" + urlencode({"key": key})
    response = render(
        request,
        "screens/room_display.html",
        {"room": room, "shown": _code_json(shown), "poll": poll},
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the key is in the URL
    return response


def keyed_poll(
    request: HttpRequest,
    find: Callable[[], Any],
    scope: str,
    per_minute: int,
    answer: Callable[[Any], dict[str, Any]],
) -> HttpResponse:
    """A screen's JSON poll: the screen found by its key (else 404), polls limited per
    screen, refusals in the JSON error shape, never cached."""
    try:
        found = find()
        ratelimit.hit(scope, f"{scope}{found.pk}", per_minute)
    except Http404:
        return refusal_response(request, Refusal("not_found"), as_json=True)
    except Refusal as refusal:
        return refusal_response(request, refusal, as_json=True)
    response = JsonResponse(answer(found))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def display_code(request: HttpRequest, room_id: int) -> HttpResponse:
    return keyed_poll(
        request,
        lambda: _room(request, room_id),
        "display",
        DISPLAY_POLLS_PER_MINUTE,
        lambda room: _code_json(shown_code(room, clock.now())),
    )
