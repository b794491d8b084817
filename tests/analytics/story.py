"""A small constructed history on DAY (Tuesday 2026-12-01) in the test room's two seats,
with the default policy (open 07:00-22:30, 20-minute clock, 15-minute claim window).

  09:00 alice starts the clock on `seat` (nobody known there); 09:05 bob answers it and
        holds the seat                                   → returned, 5 min recovered
  10:00 bob steps out; 10:20 bob is back                 → one step-out
  14:00 carol starts the clock on bob's seat; 14:25 claims → claimed, 25 min recovered
  15:00 alice starts the clock on `other_seat`; nobody claims by 15:35 → lapsed
  16:00 carol leaves (releases)
  bookings on `other_seat`: one ended, one no-show, one cancelled; violations: a no-show
  and an overrun step-out in the room, one manual without a seat; lin bans alice once.

Held seat-minutes: bob 09:05-14:25 (320), carol 14:25-16:00 (95).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from seatback.analytics.history import write_days
from seatback.analytics.simulation import Behaviour
from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from seatback.readers import services as reader_services
from seatback.readers.models import Reader, Violation
from seatback.reservations.models import Reservation
from seatback.seats.services import perform
from tests.conftest import DAY, at, make_reader

AFTER = at("00:00", DAY + timedelta(days=1))


def book(seat: Seat, reader: Reader, start: str, end: str, status: str) -> Reservation:
    return Reservation.objects.create(
        seat=seat,
        reader=reader,
        start=at(start),
        end=at(end),
        checkin_from=at(start) - timedelta(minutes=15),
        checkin_until=at(start) + timedelta(minutes=30),
        status=status,
        created_at=at("07:00"),
    )


def play(
    seat: Seat, other_seat: Seat, alice: Reader, bob: Reader, carol: Reader, lin: Reader
) -> datetime:
    """Plays the day; returns an instant after it (midnight)."""
    for who, where, intent, hhmm in (
        (alice, seat, "challenge", "09:00"),
        (bob, seat, "return", "09:05"),
        (bob, seat, "step-out", "10:00"),
        (bob, seat, "return", "10:20"),
        (carol, seat, "challenge", "14:00"),
        (carol, seat, "claim", "14:25"),
        (alice, other_seat, "challenge", "15:00"),
        (carol, seat, "release", "16:00"),
    ):
        perform(where, who, intent, now=at(hhmm))
    book(other_seat, bob, "18:00", "19:00", Reservation.Status.ENDED)
    book(other_seat, carol, "19:00", "20:00", Reservation.Status.NO_SHOW)
    book(other_seat, alice, "20:00", "21:00", Reservation.Status.CANCELLED)
    for kind, where, key in (
        (Violation.Kind.NO_SHOW, other_seat, "t:1"),
        (Violation.Kind.OVERDUE_STEP_OUT, seat, "t:2"),
        (Violation.Kind.MANUAL, None, "t:3"),
    ):
        Violation.objects.create(reader=carol, kind=kind, at=at("19:30"), seat=where, key=key)
    reader_services.ban(
        lin, alice, reason="hogging", until=at("21:00") + timedelta(days=7), now=at("21:00")
    )
    return AFTER


def recorded_room(library: Library, days: int, behaviour: Behaviour) -> Room:
    """A room of 30 seats with `days` simulated days of records before DAY, the clock at
    09:00 on DAY."""
    room = Room.objects.create(library=library, name="四楼阅览室", floor="4")
    Seat.objects.bulk_create(Seat(room=room, label=f"S-{n:02d}") for n in range(30))
    readers = [make_reader(f"2025{n:04d}", f"reader {n}") for n in range(30)]
    first, last = DAY - timedelta(days=days), DAY - timedelta(days=1)
    write_days(room, first, last, seed=2, behaviour=behaviour, readers=readers)
    clock.travel_to(at("09:00"))
    return room


@pytest.fixture
def played(
    seat: Seat, other_seat: Seat, alice: Reader, bob: Reader, carol: Reader, lin: Reader
) -> None:
    """The story played, and the clock at 09:00 the next day."""
    play(seat, other_seat, alice, bob, carol, lin)
    clock.travel_to(AFTER + timedelta(hours=9))
