"""Fifty readers book the same seat and slot at the same instant through real HTTP requests
(a live server, one connection each, released by a barrier): exactly one booking is made.
The control run drops the locks and shows that several requests then pass the availability
check together, so it is the database (the partial unique constraint on the seat's slots,
or SQLite's single writer) that keeps the second booking out."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any

import pytest
from django.test import override_settings

from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.reservations import services
from seatback.reservations.models import Reservation, ReservationSlot
from tests.concurrency.conftest import (  # noqa: F401 - fixtures
    _quiet_request_log,
    new_readers,
    phones,
    race_room,
    vendor,
)
from tests.concurrency.race import TIMEOUT, Phone, Reply, tally, together
from tests.conftest import at

READERS = 50
ROUNDS = 3


def book(phone: Phone, seat: Seat, start: datetime, end: datetime) -> Reply:
    started = time.perf_counter()
    response = phone.session.post(
        f"{phone.base_url}/api/v1/reservations",
        json={"seat_id": seat.pk, "start": start.isoformat(), "end": end.isoformat()},
        timeout=TIMEOUT,
    )
    seconds = time.perf_counter() - started
    body: dict[str, Any] = response.json()
    if response.status_code == 201:
        body = {"outcome": "booked", **body}
    return Reply(response.status_code, body, response.headers.get("Retry-After"), seconds)


@pytest.fixture
def bookable_seats(race_room: Room) -> Callable[[int], list[Seat]]:  # noqa: F811
    made = iter(range(10_000))

    def make(count: int) -> list[Seat]:
        return [
            Seat.objects.create(room=race_room, label=f"RB-{next(made):04d}", reservable=True)
            for _ in range(count)
        ]

    return make


@contextmanager
def passers() -> Iterator[Counter[int]]:
    """Counts, per seat, the transactions that passed the booking check and went on to write."""
    counts: Counter[int] = Counter()
    lock = threading.Lock()
    original = services._book

    def counted(seat: Seat, *args: Any) -> Reservation:
        with lock:
            counts[seat.pk] += 1
        return original(seat, *args)

    services._book = counted  # type: ignore[assignment]
    try:
        yield counts
    finally:
        services._book = original  # type: ignore[assignment]


def _race(seat: Seat, devices: list[Phone]) -> list[Reply]:
    """Half ask for 10:00-11:00, half for 10:30-12:00: all overlap at 10:30-11:00."""
    calls = [
        partial(book, phone, seat, at("10:00"), at("11:00"))
        if i % 2 == 0
        else partial(book, phone, seat, at("10:30"), at("12:00"))
        for i, phone in enumerate(devices)
    ]
    return together(calls)


def _assert_invariants() -> None:
    active = ReservationSlot.objects.filter(active=True)
    for column in ("seat", "reader"):
        per = Counter(active.values_list(column, "slot_start"))
        assert all(count == 1 for count in per.values()), (column, per)


def test_fifty_readers_book_one_seat_exactly_one_wins(
    bookable_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],  # noqa: F811
    phones: Callable[[list[Reader]], list[Phone]],  # noqa: F811
) -> None:
    devices = phones(new_readers(READERS))
    with passers() as passed:
        for seat in bookable_seats(ROUNDS):
            replies = _race(seat, devices)
            assert tally(replies) == {"201 booked": 1, "409 seat_unavailable": 49}, tally(replies)
            for reply in replies:
                assert reply.status != 409 or reply.body["error"]["message"]
            assert Reservation.objects.filter(seat=seat).count() == 1
            assert passed[seat.pk] == 1
            _assert_invariants()
            # Free the readers for the next round (one booking each at a time).
            winner = next(r for r in replies if r.status == 201)
            Reservation.objects.filter(pk=winner.body["id"]).update(status="cancelled")
            ReservationSlot.objects.filter(reservation_id=winner.body["id"]).update(active=False)


def test_control_without_locks_several_pass_the_check_and_the_database_keeps_one(
    bookable_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],  # noqa: F811
    phones: Callable[[list[Reader]], list[Phone]],  # noqa: F811
    vendor: str,  # noqa: F811
) -> None:
    """SEAT_LOCKING=False: no FOR UPDATE (PostgreSQL), a deferred BEGIN (SQLite). Several
    transactions then see the seat free at once; each extra passer's insert is stopped by
    the database (PostgreSQL: the unique constraint one_booking_per_seat_slot; SQLite: the
    stale reader cannot become the writer) and its reader is told `busy` (503). Never two
    bookings, never a 500."""
    devices = phones(new_readers(READERS))
    raced = 0
    rows = []
    with override_settings(SEAT_LOCKING=False), passers() as passed:
        for seat in bookable_seats(5):
            replies = _race(seat, devices)
            counts = tally(replies)
            assert set(counts) <= {"201 booked", "409 seat_unavailable", "503 busy"}, counts
            assert counts["201 booked"] == 1, counts
            assert Reservation.objects.filter(seat=seat).count() == 1
            assert counts.get("503 busy", 0) >= passed[seat.pk] - 1
            for reply in replies:
                if reply.status == 503:
                    assert reply.retry_after_header == "1"
            _assert_invariants()
            raced += passed[seat.pk] > 1
            rows.append((passed[seat.pk], counts.get("503 busy", 0)))
            winner = next(r for r in replies if r.status == 201)
            Reservation.objects.filter(pk=winner.body["id"]).update(status="cancelled")
            ReservationSlot.objects.filter(reservation_id=winner.body["id"]).update(active=False)
    print(f"\ncontrol on {vendor}: (passed the check, busy) per round: {rows}")
    assert raced >= 1, rows
