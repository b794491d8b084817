"""POST /api/v1/reservations and DELETE /api/v1/reservations/{id} (spec §3)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from seatback.api.decorators import api, json_body
from seatback.api.serialize import me_extra, reservation_json
from seatback.core.errors import Refusal
from seatback.core.inputs import check_instant
from seatback.readers.models import Reader
from seatback.reservations import admission, services, taken
from seatback.reservations.models import Reservation
from seatback.seats.services import seat_with_room

log = logging.getLogger(__name__)


def instant(value: object, name: str) -> datetime:
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30 or 25:00
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Refusal(
            "invalid_request",
            _("%(name)s must be an ISO 8601 time with an offset.") % {"name": name},
        )
    return check_instant(moment, name)


@api("GET", "POST", limit="intents")
@json_body
def reservations(
    request: HttpRequest, *, reader: Reader, now: datetime, body: dict[str, Any]
) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse(me_extra(reader, now)["reservations"], safe=False)
    seat_id, start, end = booking_request(body)
    try:
        reservation = _book(seat_id, reader, start, end, now)
    except Refusal as refusal:
        room_id = taken.room_of(seat_id)
        if refusal.code == "seat_unavailable" and room_id is not None:
            raise offering_others(refusal, room_id, seat_id, start, end, now) from None
        raise
    return JsonResponse(reservation_json(reservation, now), status=201)


def booking_request(data: dict[str, Any]) -> tuple[int, datetime, datetime]:
    """The seat and times a booking asks for, or the Refusal that says what is wrong."""
    seat_id = data.get("seat_id")
    if not isinstance(seat_id, int) or isinstance(seat_id, bool):
        raise Refusal("invalid_request", _("seat_id must be a seat's id (a whole number)."))
    return seat_id, instant(data.get("start"), "start"), instant(data.get("end"), "end")


def _book(
    seat_id: int, reader: Reader, start: datetime, end: datetime, now: datetime
) -> Reservation:
    # In a rush most requests ask for a seat just booked: answered from memory, no query.
    if taken.known(seat_id, start, end, now):
        raise Refusal("seat_unavailable")
    seat = seat_with_room(seat_id)
    if seat is None or not seat.active:
        raise Refusal("unknown_seat", _("There is no seat with that id."))
    taken.note_room(seat.pk, seat.room_id)
    # A seat already taken is answered before queueing for admission: in a rush most are.
    refusal = services.seat_taken(seat, start, end, now)
    if refusal is not None:
        raise refusal
    with admission.bookings.enter():
        reservation = services.reserve(seat, reader, start, end, now=now, checked=True)
    reservation.seat = seat
    return reservation


def offering_others(
    refusal: Refusal,
    room_id: int,
    seat_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    free_seats: list[int] | None = None,
) -> Refusal:
    """A taken seat's refusal, saying how many other seats of the room are free then and
    offering a few (`free`, `free_seats`): `free` 0 is the definite "nothing left".
    `free_seats`: the room's free seats then, when the caller has them at hand."""
    try:
        if free_seats is None:
            free_seats = taken.free_seats(room_id, start, end, now)
        free, offered = taken.offer_from(free_seats, seat_id)
    except Exception:  # a database or cache outage: the offer is a courtesy, the refusal stands
        log.warning("no other seats offered for seat %s", seat_id, exc_info=True)
        return refusal
    if free == 0:
        message = _("This seat is taken then, and so is every other seat of this room.")
        return Refusal("seat_unavailable", message, free=0, free_seats=[])
    refusal.extra.update(free=free, free_seats=offered)
    return refusal


@api("DELETE", limit="intents")
def reservation(
    request: HttpRequest, reservation_id: int, *, reader: Reader, now: datetime
) -> HttpResponse:
    found = (
        Reservation.objects.select_related("seat__room__library")
        .filter(pk=reservation_id, reader=reader)
        .first()
    )
    if found is None:
        raise Refusal("not_found")
    late = services.cancel(found, reader, now=now)
    found.refresh_from_db()
    return JsonResponse({**reservation_json(found, now), "late": late})
