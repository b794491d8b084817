"""JSON shapes of reservations, violations and notices (spec §3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from seatback.api.serialize import iso
from seatback.notifications.models import Notice
from seatback.notifications.services import sentence
from seatback.readers.models import Reader, Violation
from seatback.reservations.models import Reservation
from seatback.reservations.selectors import reader_reservations


def status_at(reservation: Reservation, now: datetime) -> str:
    """The stored status, with a booking past its check-in deadline shown as a no-show
    even before any worker has marked it."""
    if reservation.status == Reservation.Status.BOOKED and reservation.checkin_until <= now:
        return str(Reservation.Status.NO_SHOW)
    return str(reservation.status)


def reservation_json(reservation: Reservation, now: datetime) -> dict[str, Any]:
    seat = reservation.seat
    return {
        "id": reservation.pk,
        "seat": {
            "id": seat.pk,
            "label": seat.label,
            "room": {"id": seat.room.pk, "name": seat.room.name},
        },
        "start": iso(reservation.start),
        "end": iso(reservation.end),
        "status": status_at(reservation, now),
        "checkin_from": iso(reservation.checkin_from),
        "checkin_until": iso(reservation.checkin_until),
    }


def violation_json(violation: Violation) -> dict[str, Any]:
    return {
        "kind": violation.kind,
        "at": iso(violation.at),
        "seat": violation.seat.label if violation.seat else None,
        "forgiven": violation.forgiven_at is not None,
    }


def me_extra(reader: Reader, now: datetime) -> dict[str, Any]:
    """What /me adds for reservations: bookings, violations and notices."""
    violations = Violation.objects.filter(reader=reader).select_related("seat")[:50]
    notices = Notice.objects.filter(reader=reader)[:20]
    return {
        "reservations": [reservation_json(r, now) for r in reader_reservations(reader.pk, now)],
        "violations": [violation_json(v) for v in violations],
        "notices": [
            {"kind": n.kind, "at": iso(n.created_at), "message": sentence(n)} for n in notices
        ],
    }
