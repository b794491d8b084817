"""The JSON shapes of spec §3."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from seatback.library.models import Room
from seatback.library.policy import Policy
from seatback.notifications.models import Notice
from seatback.notifications.services import sentence
from seatback.readers.models import Reader, Violation
from seatback.reservations.models import Reservation
from seatback.reservations.selectors import reader_reservations, status_at
from seatback.seats.bookings import Booking
from seatback.seats.services import Situation


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in the library's time zone, with its offset."""
    return moment.astimezone(Policy.zone()).isoformat() if moment else None


def reader_json(reader: Reader) -> dict[str, Any]:
    return {
        "card_number": reader.card_number,
        "name": reader.name,
        "kind": reader.kind,
        "department": reader.department,
        "librarian": reader.is_staff,
    }


def seat_reservation_json(reservation: Booking | None, reader: Reader | None) -> Any:
    """The booking waiting for check-in on a seat, seen from the seat (never who booked)."""
    if reservation is None:
        return None
    return {
        "mine": reader is not None and reservation.reader_id == reader.pk,
        "start": iso(reservation.start),
        "end": iso(reservation.end),
        "checkin_from": iso(reservation.checkin_from),
        "checkin_until": iso(reservation.checkin_until),
    }


def seat_json(s: Situation) -> dict[str, Any]:
    holder = None
    if s.hold:
        holder = {
            "mine": s.is_mine(s.hold),
            "since": iso(s.hold.since),
            "away_until": iso(s.hold.away_until) if s.away else None,
        }
    challenge = None
    if s.challenge:
        challenge = {
            "mine": s.is_mine(s.challenge),
            "started_at": iso(s.challenge.started_at),
            "deadline": iso(s.challenge.deadline),
            "claim_until": iso(s.challenge.claim_until),
        }
    return {
        "code": s.seat.code,
        "label": s.seat.label,
        "room": {"id": s.seat.room.pk, "name": s.seat.room.name},
        "state": s.state,
        "holder": holder,
        "challenge": challenge,
        "reservation": seat_reservation_json(s.reservation, s.reader),
        "cooldown_until": iso(s.cooldown_until),
        "actions": s.actions(),
        "server_time": iso(s.now),
    }


def room_json(room: Room, counts: dict[str, int], now: datetime) -> dict[str, Any]:
    policy = room.effective_policy()
    return {
        "id": room.pk,
        "name": room.name,
        "floor": room.floor,
        "open": room.active and policy.is_open(now),
        "opening_hours": policy.values["opening_hours"],
        "counts": counts,
    }


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
