"""The reader's maps (docs/maps.md): a room's live plan, the building's floors, and finding
a free seat with walking directions. Open to everyone (the anonymous middleware limits
them per address); the live parts come from the public map API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from seatback.core import clock
from seatback.library.models import Room
from seatback.plans import selectors
from seatback.seats.words import STATE_WORDS


def feature_words() -> dict[str, str]:
    # Built per request, so that each reader gets their language.
    return {
        "power": _("Socket"),
        "window": _("Window"),
        "quiet": _("Quiet"),
        "standing": _("Standing desk"),
        "accessible": _("Accessible"),
        "lamp": _("Lamp"),
    }


def _map_words() -> dict[str, Any]:
    """Everything the map's script says, in the reader's language."""
    return {
        "states": {state: str(words) for state, words in STATE_WORDS.items()},
        "features": feature_words(),
        "free": _("Free: sit down, there is nothing to scan. Leaving needs nothing either."),
        "held": _("Someone's seat. If nobody is there, scan its code to start the clock."),
        "challenged": _(
            "Someone started the clock on this seat: it runs until %(time)s (%(left)s left)."
        ),
        "away": _("Its holder stepped out until %(time)s (%(left)s left)."),
        "reserved": _("Booked: it is kept for whoever booked it."),
        "closed": _("Closed now."),
        "book": _("Book it"),
        "walk": _("Walk there"),
        "close": _("Close"),
        "min": _("%(n)s min"),
        "updated": _("Updated"),
        "offline": _("Reconnecting…"),
    }


@require_GET
def room_map(request: HttpRequest, room_id: int) -> HttpResponse:
    room = Room.objects.select_related("library").filter(pk=room_id, active=True).first()
    if room is None:
        raise Http404
    now = clock.now()
    to = request.GET.get("to", "")
    found = selectors.room_map(room, now)
    return render(
        request,
        "pages/room_map.html",
        {
            "room": room,
            "map": found,
            # the frame takes the plan's shape (a wide room is not drawn in a tall box)
            "aspect": f"{found['view_box'][2]:.2f} / {found['view_box'][3]:.2f}",
            "words": _map_words(),
            "states": [
                (state, STATE_WORDS[state], found["counts"][state])
                for state in selectors.MAP_STATES
            ],
            "to": int(to) if to.isdigit() else None,
            "states_url": reverse("api:room-states", args=[room.pk]),
            "route_url": reverse("api:room-route", args=[room.pk]),
            "book_url": reverse("reservations:book"),
            "zone": settings.TIME_ZONE,
        },
    )


@require_GET
def building(request: HttpRequest) -> HttpResponse:
    found = selectors.occupancy(clock.now())
    for floor in found["floors"]:
        for row in [floor, *floor["rooms"]]:
            row["free"] = row["counts"]["free"]
            row["used"] = row["total"] - row["counts"]["free"] - row["counts"]["closed"]
            row["percent"] = round(100 * row["used"] / row["total"]) if row["total"] else 0
            row["shut"] = row["total"] > 0 and row["counts"]["closed"] == row["total"]
    return render(request, "pages/building.html", {"occupancy": found})


@require_GET
def find_seat(request: HttpRequest) -> HttpResponse:
    """Free seats by feature, floor and room, nearest to the door first; `go=1` walks to
    the first at once (the two-tap "nearest free seat with a socket")."""
    wanted = [f for f in request.GET.getlist("feature") if f in selectors.FEATURES]
    floor = request.GET.get("floor", "")
    room = request.GET.get("room", "")
    room_id = int(room) if room.isdigit() else None
    now = clock.now()
    found = selectors.free_seats(now, features=wanted, floor=floor, room_id=room_id)
    if request.GET.get("go") == "1" and found:
        first = found[0]
        url = reverse("pages:room-map", args=[first["room"].pk])
        return redirect(f"{url}?to={first['seat'].pk}")
    rooms = list(Room.objects.filter(active=True))
    words = feature_words()
    return render(
        request,
        "pages/find_seat.html",
        {
            "found": [
                {
                    **f,
                    "features": [words.get(x, x) for x in f["seat"].features],
                    "metres": round(f["metres"]) if f["metres"] != float("inf") else None,
                }
                for f in found
            ],
            "features": [(key, words[key], key in wanted) for key in selectors.FEATURES],
            "floors": sorted({r.floor for r in rooms if r.floor}),
            "rooms": rooms,
            "floor": floor,
            "room_id": room_id,
            "asked": bool(request.GET),
        },
    )
