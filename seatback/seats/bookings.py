"""What the seat rule needs to know of bookings, and where a booking system plugs in.

The seat rule sits below reservations: it cannot import them. Reservations registers
itself here when the app starts (reservations/apps.py), and adds the `checkin` intent
through seats.services.plug_in_intent. Without a booking system no seat is ever booked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from seatback.core.sql import Statement


class Booking(Protocol):
    """A booking not yet checked in, as the seat rule sees it."""

    pk: int
    reader_id: int
    start: datetime
    end: datetime
    checkin_from: datetime
    checkin_until: datetime


class BookingSource(Protocol):
    def upcoming_statement(self, seat_id: int, now: datetime) -> Statement:
        """The statement that reads the seat's bookings not yet checked in whose check-in
        deadline is still ahead, soonest first (sent with the situation's other reads, in
        one round trip: core.sql.batch)."""
        ...

    def upcoming_from(self, rows: Sequence[tuple[Any, ...]]) -> Sequence[Booking]:
        """Those bookings, from the statement's rows."""
        ...

    def reserved_seat_ids(self, room_ids: Iterable[int], now: datetime) -> set[int]:
        """Seats whose booking is waiting for its reader to check in at `now`."""
        ...


class NoBookings:
    def upcoming_statement(self, seat_id: int, now: datetime) -> Statement:
        return Statement("SELECT 1 WHERE 1 = 0")

    def upcoming_from(self, rows: Sequence[tuple[Any, ...]]) -> Sequence[Booking]:
        return []

    def reserved_seat_ids(self, room_ids: Iterable[int], now: datetime) -> set[int]:
        return set()


_source: BookingSource = NoBookings()


def register(source: BookingSource) -> None:
    global _source
    _source = source


def source() -> BookingSource:
    return _source
