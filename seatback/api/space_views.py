"""Spaces through the API: the spaces, a day's free times, group bookings, confirmations,
cancelling and ending, and check-in at the door (spec §5, docs/spaces.md)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from seatback.api.decorators import api, json_body
from seatback.api.reservation_views import instant
from seatback.api.serialize import iso
from seatback.core.errors import Refusal
from seatback.readers.models import Reader
from seatback.spaces import services
from seatback.spaces.models import Space, SpaceBooking


def space_json(space: Space) -> dict[str, Any]:
    return {
        "id": space.pk,
        "name": space.name,
        "kind": space.kind,
        "room": space.room.name if space.room else None,
        "capacity": space.capacity,
        "min_group": space.min_group,
        "features": space.features,
        "slot_minutes": space.slot_minutes,
        "longest_minutes": space.longest_minutes,
    }


def booking_json(booking: SpaceBooking) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "space": {"id": booking.space_id, "name": booking.space.name},
        "organiser": booking.organiser.card_number,
        "start": iso(booking.start),
        "end": iso(booking.end),
        "status": booking.status,
        "confirm_by": iso(booking.confirm_by),
        "checkin_from": iso(booking.checkin_from),
        "checkin_until": iso(booking.checkin_until),
        "members": [
            {"card_number": m.reader.card_number, "confirmed": m.confirmed_at is not None}
            for m in booking.members.select_related("reader")
        ],
    }


def _space(space_id: int) -> Space:
    space = Space.objects.select_related("room__library").filter(pk=space_id, active=True).first()
    if space is None:
        raise Refusal("not_found")
    return space


def _mine(booking_id: int, reader: Reader) -> SpaceBooking:
    booking = (
        SpaceBooking.objects.select_related("space__room__library", "organiser")
        .filter(pk=booking_id, members__reader=reader)
        .first()
    )
    if booking is None:
        raise Refusal("not_found")
    return booking


@api("GET")
def spaces(request: HttpRequest, *, reader: Reader, now: datetime) -> JsonResponse:
    found = Space.objects.filter(active=True).select_related("room")
    return JsonResponse([space_json(s) for s in found], safe=False)


@api("GET")
def space_day(
    request: HttpRequest, space_id: int, *, reader: Reader, now: datetime
) -> JsonResponse:
    space = _space(space_id)
    try:
        day = date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else None
    except ValueError:
        raise Refusal("invalid_request", _("date must be YYYY-MM-DD.")) from None
    day = day or services.policy_of(space).local_day(now)
    cells = services.day_grid(space, day, now, reader)
    return JsonResponse(
        {
            "space": space_json(space),
            "date": day.isoformat(),
            "slots": [
                {"start": iso(c.start), "state": c.state, "note": c.note, "mine": c.mine}
                for c in cells
            ],
        }
    )


@api("GET", "POST", limit="intents")
@json_body
def bookings(
    request: HttpRequest, *, reader: Reader, now: datetime, body: dict[str, Any]
) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse(
            [booking_json(b) for b in services.bookings_of(reader, now)], safe=False
        )
    space_id = body.get("space_id")
    if not isinstance(space_id, int) or isinstance(space_id, bool):
        raise Refusal("invalid_request", _("space_id must be a space's id (a whole number)."))
    companions = body.get("companions", [])
    if not isinstance(companions, list) or not all(isinstance(c, str) for c in companions):
        raise Refusal("invalid_request", _("companions must be a list of card numbers."))
    made = services.book(
        _space(space_id),
        reader,
        instant(body.get("start"), "start"),
        instant(body.get("end"), "end"),
        companions,
        now=now,
    )
    return JsonResponse(booking_json(made), status=201)


@api("POST", "DELETE", limit="intents")
def booking(
    request: HttpRequest, booking_id: int, action: str, *, reader: Reader, now: datetime
) -> HttpResponse:
    found = _mine(booking_id, reader)
    if action == "confirm" and request.method == "POST":
        return JsonResponse(booking_json(services.confirm(found, reader, now=now)))
    if action == "end" and request.method == "POST":
        services.end_early(found, reader, now=now)
    elif action == "cancel" and request.method in ("POST", "DELETE"):
        services.cancel(found, reader, now=now)
    else:
        raise Refusal("invalid_request", _("Unknown action."))
    found.refresh_from_db()
    return JsonResponse(booking_json(found))


@api("POST", limit="intents")
def door(request: HttpRequest, code: str, *, reader: Reader, now: datetime) -> JsonResponse:
    space = Space.objects.select_related("room__library").filter(code=code, active=True).first()
    if space is None:
        raise Refusal("not_found")
    scan = services.checkin(space, reader, now=now)
    return JsonResponse({"outcome": scan.outcome, "booking": booking_json(scan.booking)})
