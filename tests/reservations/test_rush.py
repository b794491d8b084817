"""The morning rush (issue 7): a seat just booked is refused without a database query,
excess bookings get an immediate 503 `busy` with Retry-After, and the admission line is
first come, first served."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.reservations import admission, taken
from seatback.reservations.models import Reservation, ReservationSlot
from tests.api.conftest import at_clock, bearer, error_of
from tests.conftest import at
from tests.reservations.conftest import evening
from tests.reservations.test_api import post

pytestmark = pytest.mark.django_db


def _until(condition: Callable[[], bool]) -> None:
    """Wait (bounded, without sleeping) for another thread to reach a point."""
    for _ in range(50_000_000):
        if condition():
            return
    raise AssertionError("the other thread never got there")


def test_a_seat_just_booked_is_refused_without_asking_the_database(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    at_clock(evening("20:00"))
    bobs = bearer(bob)
    assert post(bearer(alice), bookable, "09:00", "11:00").status_code == 201
    # The first refusal for this time reads the room's free seats to offer (once a second
    # per room and time, however many readers are refused: taken.offer).
    assert post(bearer(alice), bookable, "10:00", "10:30").status_code == 409

    with CaptureQueriesContext(connection) as queries:
        taken = post(bobs, bookable, "10:00", "10:30")

    assert (taken.status_code, error_of(taken)["code"]) == (409, "seat_unavailable")
    assert error_of(taken)["free"] == 0
    touched = " ".join(query["sql"] for query in queries.captured_queries)
    assert "reservations_reservation" not in touched and "library_seat" not in touched
    # Only the bearer token was looked up.
    assert len(queries.captured_queries) == 1


def test_a_cancelled_booking_frees_the_seat_at_once(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    at_clock(evening("20:00"))
    alices, bobs = bearer(alice), bearer(bob)
    booked = post(alices, bookable, "09:00", "11:00").json()
    assert post(bobs, bookable, "09:00", "11:00").status_code == 409

    assert alices.delete(f"/api/v1/reservations/{booked['id']}").status_code == 200
    again = post(bobs, bookable, "09:00", "11:00")

    assert again.status_code == 201
    assert Reservation.objects.get(pk=again.json()["id"]).reader == bob


def test_the_view_of_taken_seats_lasts_only_seconds(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    at_clock(evening("20:00"))
    bobs = bearer(bob)
    booked = post(bearer(alice), bookable, "09:00", "11:00").json()
    # Freed behind this server's back (e.g. by a librarian on another server).
    Reservation.objects.filter(pk=booked["id"]).update(status=Reservation.Status.CANCELLED)
    ReservationSlot.objects.filter(reservation_id=booked["id"]).update(active=False)

    assert post(bobs, bookable, "09:00", "11:00").status_code == 409  # still remembered
    at_clock(evening("20:00") + timedelta(seconds=4))
    assert post(bobs, bookable, "09:00", "11:00").status_code == 201


def test_bookings_past_the_queue_get_an_immediate_busy_with_retry_after(
    alice: Reader, bookable: Seat, settings: Any
) -> None:
    settings.BOOKING_CONCURRENCY, settings.BOOKING_QUEUE = 1, 1
    settings.BOOKING_QUEUE_WAIT_SECONDS = 60
    at_clock(evening("20:00"))
    alices = bearer(alice)
    with admission.bookings.enter():  # a booking in progress
        waiter = threading.Thread(target=_enter_and_leave)
        waiter.start()
        _until(lambda: admission.bookings.waiting == 1)  # and one in the line

        response = post(alices, bookable, "09:00", "11:00")

        assert response.status_code == 503
        assert error_of(response)["code"] == "busy"
        assert int(response["Retry-After"]) >= 1
        assert not Reservation.objects.exists()
    waiter.join(timeout=10)
    assert not waiter.is_alive()
    # With the line clear, the same request books.
    assert post(alices, bookable, "09:00", "11:00").status_code == 201


def _enter_and_leave(order: list[int] | None = None, n: int = 0) -> None:
    with admission.bookings.enter():
        if order is not None:
            order.append(n)


def test_the_admission_line_is_first_come_first_served(settings: Any) -> None:
    settings.BOOKING_CONCURRENCY, settings.BOOKING_QUEUE = 1, 8
    settings.BOOKING_QUEUE_WAIT_SECONDS = 60
    order: list[int] = []
    waiters = []
    with admission.bookings.enter():
        for n in range(6):
            waiter = threading.Thread(target=_enter_and_leave, args=(order, n))
            waiter.start()
            waiters.append(waiter)
            _until(lambda n=n: admission.bookings.waiting == n + 1)  # type: ignore[misc]
    for waiter in waiters:
        waiter.join(timeout=10)
    assert order == [0, 1, 2, 3, 4, 5]
    assert admission.bookings.waiting == 0


def test_a_room_s_free_seats_are_read_once_however_many_refusals_miss_them_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In a rush hundreds of refusals a second find the room's list expired at the same
    moment: one thread per process reads it, the others wait for its answer."""
    reads: list[int] = []
    release = threading.Event()

    def slow_read(room_id: int, *_: Any) -> tuple[list[int], list[int]]:
        reads.append(room_id)
        release.wait(10)
        return [1, 2, 3], [2, 3]

    monkeypatch.setattr(taken, "_read_free", slow_read)
    start, end, now = at("09:00"), at("11:00"), at("08:00")
    answers: list[list[int]] = []
    readers = [
        threading.Thread(target=lambda: answers.append(taken.free_seats(7, start, end, now)))
        for _ in range(5)
    ]
    for thread in readers:
        thread.start()
    key = taken._free_key(7, start, end)
    _until(lambda: len(reads) == 1 and len(taken._reading[key]._cond._waiters) == 4)  # type: ignore[attr-defined]
    release.set()
    for thread in readers:
        thread.join(timeout=10)

    assert answers == [[2, 3]] * 5
    assert reads == [7]
