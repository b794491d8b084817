"""Back-office pages about rooms: live overview, create and edit, open and close, policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.backoffice import services
from seatback.backoffice.access import (
    administrator_required,
    change_and_go_back,
    librarian_required,
    staff,
)
from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.library.models import Library, Room
from seatback.library.policy import DEFAULTS, KEYS, Policy, PolicyError, clean
from seatback.seats.selectors import STATES, room_counts, seat_states

LIVE_REFRESH_SECONDS = 5
# Seats on the floor plan: one unit of x/y is this many pixels.
GRID_UNIT = 44


def _live(room: Room, now: Any) -> dict[str, Any]:
    """The room's counts and every seat's state ("disabled" for a closed seat)."""
    states = seat_states([room], now)
    seats = [
        {
            "id": seat.pk,
            "label": seat.label,
            "x": seat.x,
            "y": seat.y,
            "state": states.get(seat.pk, "disabled"),
        }
        for seat in room.seats.order_by("label")
    ]
    return {"counts": room_counts([room], now)[room.pk], "seats": seats}


@librarian_required
def room_live(request: HttpRequest, room_id: int) -> HttpResponse:
    """A room at a glance: counts and the seat grid, refreshing itself."""
    now = clock.now()
    room = get_object_or_404(Room.objects.select_related("library"), pk=room_id)
    live = _live(room, now)
    xs = [seat["x"] for seat in live["seats"]] or [0.0]
    ys = [seat["y"] for seat in live["seats"]] or [0.0]
    left, top = min(xs), min(ys)
    for seat in live["seats"]:
        seat["left"] = round((seat["x"] - left) * GRID_UNIT)
        seat["top"] = round((seat["y"] - top) * GRID_UNIT)
    return render(
        request,
        "backoffice/room_live.html",
        {
            "room": room,
            "now": now,
            "live": live,
            "states": STATES,
            "width": round((max(xs) - left + 1) * GRID_UNIT),
            "height": round((max(ys) - top + 1) * GRID_UNIT),
            "refresh": LIVE_REFRESH_SECONDS,
        },
    )


@librarian_required
def room_live_json(request: HttpRequest, room_id: int) -> JsonResponse:
    now = clock.now()
    room = get_object_or_404(Room.objects.select_related("library"), pk=room_id)
    live = _live(room, now)
    return JsonResponse(
        {
            "at": now.isoformat(),
            "time": formats.time_format(now.astimezone(Policy.zone()), "H:i:s"),
            "counts": live["counts"],
            "seats": {str(seat["id"]): seat["state"] for seat in live["seats"]},
        }
    )


@administrator_required
def room_new(request: HttpRequest) -> HttpResponse:
    return _room_form(request, None)


@administrator_required
def room_edit(request: HttpRequest, room_id: int) -> HttpResponse:
    return _room_form(request, get_object_or_404(Room, pk=room_id))


def _room_form(request: HttpRequest, room: Room | None) -> HttpResponse:
    values: dict[str, Any] = {
        "name": room.name if room else "",
        "floor": room.floor if room else "",
        "latitude": room.latitude if room and room.latitude is not None else "",
        "longitude": room.longitude if room and room.longitude is not None else "",
    }
    error = ""
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        try:
            saved = services.save_room(staff(request), room, values, now=clock.now())
        except Refusal as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Room saved."))
            return redirect("backoffice:room-edit", room_id=saved.pk)
    return render(
        request,
        "backoffice/room_form.html",
        {"room": room, "values": values, "error": error},
        status=400 if error else 200,
    )


@administrator_required
@require_POST
def room_active(request: HttpRequest, room_id: int) -> HttpResponse:
    room = get_object_or_404(Room, pk=room_id)
    active, reason = request.POST.get("active") == "1", request.POST.get("reason", "")
    return change_and_go_back(
        request,
        lambda: services.set_room_active(
            staff(request), room, active=active, reason=reason, now=clock.now()
        ),
        done=_("Room opened.") if active else _("Room closed."),
        back=reverse("backoffice:room-edit", args=[room.pk]),
    )


def policy_rows(library: Library, overrides: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per policy key: built-in default, library value, room override, effective."""
    rows = []
    for key in KEYS:
        library_value = library.policy.get(key, DEFAULTS[key])
        override = overrides.get(key)
        rows.append(
            {
                "key": key,
                "library": library_value,
                "override": "" if override is None else override,
                "effective": library_value if override is None else override,
                "overridden": override is not None,
            }
        )
    return rows


@administrator_required
def room_policy(request: HttpRequest, room_id: int) -> HttpResponse:
    """Edit a room's overrides; "preview" validates and shows the effective values, "save"
    stores them. An empty field means "use the library's value"."""
    room = get_object_or_404(Room.objects.select_related("library"), pk=room_id)
    library = room.library
    overrides = dict(room.policy)
    error = ""
    preview = False
    if request.method == "POST":
        asked = {key: request.POST.get(key, "").strip() for key in KEYS}
        values = {key: value for key, value in asked.items() if value}
        unset = [key for key, value in asked.items() if not value]
        if request.POST.get("action") == "save":
            try:
                services.change_room_policy(staff(request), room, values, unset, now=clock.now())
            except Refusal as refusal:
                error = refusal.message
                overrides = values
            else:
                messages.success(request, _("Policy saved."))
                return redirect("backoffice:room-policy", room_id=room.pk)
        else:
            preview = True
            try:
                overrides = clean(values, base=library.policy)
            except PolicyError as exc:
                error = str(exc)
                overrides = values
    return render(
        request,
        "backoffice/room_policy.html",
        {
            "room": room,
            "rows": policy_rows(library, overrides),
            "error": error,
            "preview": preview,
        },
        status=400 if error else 200,
    )
