"""/display/rooms/<id>/here: what a phone opens by scanning the code on a room's screen."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import refusal_response
from seatback.library.models import Room
from seatback.presence.checks import check_rotating, normalise_code
from seatback.presence.evidence import SESSION_KEY
from seatback.presence.services import shown_code

HERE_TRIES_PER_MINUTE = 10


@require_GET
def here(request: HttpRequest, room_id: int) -> HttpResponse:
    """What a phone opens by scanning the QR code on the room's screen.

    A signed-in reader's session keeps the code for this room; their next seat scans in
    the room send it, and it is checked again then, so it counts only while it is current
    (at most two windows after it was first shown).
    """
    room = get_object_or_404(Room, pk=room_id, active=True)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("pages:login"))
    now = clock.now()
    try:
        # Six digits are few: a reader may not try codes from bed without limit.
        ratelimit.hit("here", f"r{request.user.pk}", HERE_TRIES_PER_MINUTE)
    except Refusal as refusal:
        return refusal_response(request, refusal)  # the 429 page, with Retry-After
    seconds = int(room.effective_policy().values["rotating_seconds"])
    code = normalise_code(request.GET.get("c", ""))
    verdict = check_rotating(code, room.pk, seconds, now)
    valid_until = None
    if verdict.ok:
        codes = dict(request.session.get(SESSION_KEY, {}))
        codes[str(room.pk)] = code
        request.session[SESSION_KEY] = codes
        shown_at = shown_code(room, now)
        valid_until = shown_at.valid_until if verdict.detail["age"] == 0 else shown_at.changes_at
    return render(
        request,
        "pages/here.html",
        {
            "room": room,
            "ok": verdict.ok,
            "valid_until": valid_until,
            "now": now,
            "title": _("In the room") if verdict.ok else _("Code expired"),
        },
        status=200 if verdict.ok else 400,
    )
