"""The JSON shapes of spec §3."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from seatback.library.models import Room
from seatback.library.policy import Policy
from seatback.readers.models import Reader
from seatback.reservations.models import Reservation
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


def seat_reservation_json(reservation: Reservation | None, reader: Reader | None) -> Any:
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
