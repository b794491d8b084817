"""Maps and occupancy (docs/maps.md): shared answers that anyone may read, thousands of
phones poll, and that never carry a seat's code. Rate-limited per address like every
anonymous read (api decorator and the anonymous middleware)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from seatback.api.decorators import api
from seatback.core.errors import Refusal
from seatback.gates.selectors import inside_counts
from seatback.library.models import Room, Seat
from seatback.library.policy import Policy
from seatback.plans import selectors
from seatback.readers.models import Reader
from seatback.seats.selectors import shared_read


def _room(room_id: int) -> Room:
    room = Room.objects.select_related("library").filter(pk=room_id, active=True).first()
    if room is None:
        raise Refusal("not_found")
    return room


def _shared(data: object) -> JsonResponse:
    response = JsonResponse(data, safe=False)
    # The same answer for everyone for a second: proxies may keep it that long.
    response["Cache-Control"] = "public, max-age=1"
    return response


@api("GET", signed_in=False)
def occupancy(request: HttpRequest, *, reader: Reader | None, now: datetime) -> JsonResponse:
    data = dict(selectors.occupancy(now))
    heads = shared_read("occupancy-inside", now, lambda: _inside(now))
    if heads:  # once gates exist (docs/gates.md): people inside, building and floors
        data["building"] = {**data["building"], "inside": sum(int(h["inside"]) for h in heads)}
        floors: dict[str, int] = {}
        for head in heads:
            for floor, count in head["floors"].items():
                floors[floor] = floors.get(floor, 0) + count
        data["floors"] = [
            {**f, "inside": floors[f["floor"]]} if f["floor"] in floors else f
            for f in data["floors"]
        ]
        data["gates"] = heads
    return _shared(data)


def _inside(now: datetime) -> list[dict[str, Any]]:
    return [head.as_dict() for head in inside_counts(now).values()]


@api("GET", signed_in=False)
def room_map(
    request: HttpRequest, room_id: int, *, reader: Reader | None, now: datetime
) -> JsonResponse:
    return _shared(selectors.room_map(_room(room_id), now))


@api("GET", signed_in=False)
def room_states(
    request: HttpRequest, room_id: int, *, reader: Reader | None, now: datetime
) -> JsonResponse:
    found = selectors.room_states(room_id, now)  # no query when shared
    if found is None:
        raise Refusal("not_found")
    return _shared(found)


@api("GET", signed_in=False)
def room_route(
    request: HttpRequest, room_id: int, *, reader: Reader | None, now: datetime
) -> JsonResponse:
    room = _room(room_id)
    try:
        seat_id, door = int(request.GET.get("to", "")), int(request.GET.get("door", "0"))
    except ValueError:
        raise Refusal("invalid_request", _("Give the seat as to=<seat id>.")) from None
    seat = Seat.objects.filter(pk=seat_id, room=room, active=True).first()
    if seat is None:
        raise Refusal("not_found")
    walk = selectors.directions(room, seat, door)
    if walk is None:
        raise Refusal("not_found", _("No way to that seat is drawn on the plan."))
    response = _shared(walk)
    patch_vary_headers(response, ("Accept-Language",))  # the steps are in words
    return response


@api("GET", signed_in=False)
def occupancy_history(
    request: HttpRequest, *, reader: Reader | None, now: datetime
) -> JsonResponse:
    """The 15-minute steps of one day (the library's calendar day; today by default)."""
    zone = Policy.zone()
    text = request.GET.get("day", "")
    try:
        day = date.fromisoformat(text) if text else now.astimezone(zone).date()
    except ValueError:
        raise Refusal("invalid_request", _("Give the day as YYYY-MM-DD.")) from None
    since = datetime.combine(day, time(0), tzinfo=zone)
    steps = selectors.occupancy_history(since, since + timedelta(days=1))
    return _shared({"day": day.isoformat(), "steps": steps})
