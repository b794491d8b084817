"""The booking front door (seatback/reservations/front.py) around a WSGI application.

The application inside is a plain WSGI callable that holds each booking until released,
so the test controls exactly how many are inside; no clock, no sleep.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from prometheus_client import REGISTRY

from seatback.api.front import BOOKING_PATH, BookingFront
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.reservations import taken
from seatback.reservations.models import Reservation
from tests.api.conftest import Answer, at_clock, token_of
from tests.api.conftest import call as wsgi_call
from tests.conftest import at
from tests.reservations.conftest import book, evening


class HeldApplication:
    """Answers 201 once `release` is set; counts the requests that reached it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.arrived = threading.Semaphore(0)
        self.reached = 0

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        self.reached += 1
        self.arrived.release()
        self.release.wait(timeout=10)
        start_response("201 Created", [("Content-Type", "application/json")])
        return [b"{}"]


def call(app: BookingFront, method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": method, "PATH_INFO": path}, start_response))
    return seen["status"], seen["headers"], body


@override_settings(BOOKING_FRONT=2, LANGUAGE_CODE="en")
def test_past_the_cap_a_booking_is_told_busy_at_once_and_others_pass() -> None:
    inner = HeldApplication()
    front = BookingFront(inner)
    answers: list[str] = []
    inside = [
        threading.Thread(target=lambda: answers.append(call(front, "POST", BOOKING_PATH)[0]))
        for _ in range(2)
    ]
    for thread in inside:
        thread.start()
    for _ in inside:
        assert inner.arrived.acquire(timeout=10)

    status, headers, body = call(front, "POST", BOOKING_PATH)
    assert status.startswith("503")
    assert headers["Retry-After"] == "1"
    assert json.loads(body)["error"]["code"] == "busy"
    assert inner.reached == 2  # the third never reached the application

    inner.release.set()  # other requests are never capped: this GET passes straight through
    assert call(front, "GET", BOOKING_PATH)[0].startswith("201")
    for thread in inside:
        thread.join(timeout=10)
    assert sorted(answers) == ["201 Created", "201 Created"]

    # Once they are done, the places are free again, even after many requests.
    assert call(front, "POST", BOOKING_PATH)[0].startswith("201")
    assert call(front, "POST", BOOKING_PATH)[0].startswith("201")


@override_settings(BOOKING_FRONT=1)
def test_a_failing_booking_gives_its_place_back() -> None:
    failures = [RuntimeError("the application failed")] * 3

    def flaky(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if failures:
            raise failures.pop()
        start_response("201 Created", [])
        return [b"{}"]

    front = BookingFront(flaky)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            call(front, "POST", BOOKING_PATH)
    assert call(front, "POST", BOOKING_PATH)[0].startswith("201")  # not told busy


# Bookings for seats known to be taken, refused before Django ---------------------------------
# These go through the server's WSGI application (seatback.wsgi), as gunicorn calls it.


def booking(seat: Seat, start: str, end: str) -> bytes:
    return json.dumps(
        {"seat_id": seat.pk, "start": at(start).isoformat(), "end": at(end).isoformat()}
    ).encode()


def book_through_front(reader_headers: dict[str, str], body: bytes) -> Answer:
    return wsgi_call(BOOKING_PATH, "POST", body, **reader_headers)


@pytest.mark.django_db
def test_a_booking_for_a_taken_seat_is_refused_before_django_exactly_as_django_refuses_it(
    alice: Reader, bob: Reader, carol: Reader, bookable: Seat, bookable2: Seat
) -> None:
    at_clock(evening("20:00"))
    wanted = booking(bookable, "09:00", "11:00")
    status, _headers, _body = book_through_front(token_of(alice), wanted)
    assert status.startswith("201")
    bobs = token_of(bob)
    django_answer = book_through_front(bobs, wanted)  # Django's: it reads the room's free seats
    assert django_answer[0] == "409 Conflict"

    carols = token_of(carol)

    def counted(status: str) -> float:
        labels = {"route": BOOKING_PATH, "status": status}
        return REGISTRY.get_sample_value("seatback_requests_total", labels) or 0.0

    before = counted("409"), counted("503")
    # The door into Django shut (as when it is full in a rush): only the front answers.
    with override_settings(BOOKING_FRONT=0), CaptureQueriesContext(connection) as queries:
        front_answer = book_through_front(carols, wanted)
        free_one = book_through_front(carols, booking(bookable2, "09:00", "11:00"))

    assert free_one[0].startswith("503")  # a seat that may be free needs Django: busy
    # Both answered here, and counted in /metrics as Django's middleware would count them.
    assert (counted("409") - before[0], counted("503") - before[1]) == (1, 1)
    # Only carol's token was read (then the cache knows it): no seat, no booking.
    assert ["readers_apitoken" in query["sql"] for query in queries.captured_queries] == [True]
    assert front_answer[0] == django_answer[0]
    without_length = {k: v for k, v in django_answer[1].items() if k != "content-length"}
    assert {k: v for k, v in front_answer[1].items() if k != "content-length"} == without_length
    assert front_answer[1]["content-length"] == str(len(front_answer[2]))
    error = json.loads(front_answer[2])["error"]
    assert error == json.loads(django_answer[2])["error"]
    assert (error["code"], error["free"], error["free_seats"]) == (
        "seat_unavailable",
        1,
        [bookable2.pk],
    )
    assert Reservation.objects.count() == 1


@pytest.fixture(autouse=True)
def _rooms_unseen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with a server that has seen no seat's room (the map is process
    memory: another test's seat with the same id must not count)."""
    monkeypatch.setattr(taken, "_ROOM_OF", {})


@pytest.fixture
def _lists_last(monkeypatch: pytest.MonkeyPatch) -> None:
    """A room's list of free seats is kept for a second of wall time; a slow test machine
    must not see it expire between two requests."""
    monkeypatch.setattr(taken, "FREE_SECONDS", 60)


@pytest.mark.django_db
@pytest.mark.usefixtures("_lists_last")
def test_once_a_room_is_full_the_front_says_nothing_left_until_a_booking_is_cancelled(
    alice: Reader, bob: Reader, carol: Reader, lin: Reader, bookable: Seat, bookable2: Seat
) -> None:
    at_clock(evening("20:00"))
    english = {"accept_language": "en"}
    alices = {**token_of(alice), **english}
    assert book_through_front(alices, booking(bookable, "09:00", "11:00"))[0].startswith("201")
    assert book_through_front(token_of(bob), booking(bookable2, "09:00", "11:00"))[0].startswith(
        "201"
    )
    carols, lins = {**token_of(carol), **english}, {**token_of(lin), **english}
    first = book_through_front(carols, booking(bookable, "09:00", "11:00"))
    assert first[0] == "409 Conflict" and json.loads(first[2])["error"]["free"] == 0
    # Seconds later the bookings just made are no longer remembered one by one; the room's
    # list (read for carol's refusal) still says that no seat is free.
    at_clock(evening("20:00") + timedelta(seconds=5))

    with override_settings(BOOKING_FRONT=0):
        full = book_through_front(lins, booking(bookable2, "09:00", "11:00"))
    error = json.loads(full[2])["error"]
    assert (full[0], error["code"], error["free"], error["free_seats"]) == (
        "409 Conflict",
        "seat_unavailable",
        0,
        [],
    )
    assert error["message"] == "This seat is taken then, and so is every other seat of this room."
    assert full[1]["content-language"] == "en"

    # Alice cancels: the list read before that is no longer trusted for her seat.
    mine = Reservation.objects.get(reader=alice)
    cancelled = wsgi_call(f"/api/v1/reservations/{mine.pk}", "DELETE", **alices)
    assert cancelled[0].startswith("200")
    with override_settings(BOOKING_FRONT=0):
        assert book_through_front(lins, booking(bookable, "09:00", "11:00"))[0].startswith("503")
    booked = book_through_front(lins, booking(bookable, "09:00", "11:00"))
    assert booked[0].startswith("201")
    assert Reservation.objects.get(pk=json.loads(booked[2])["id"]).reader == lin


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_minute")
def test_a_booking_the_front_hands_to_django_counts_once_against_the_reader_s_limit(
    alice: Reader, bob: Reader, carol: Reader, bookable: Seat, bookable2: Seat
) -> None:
    at_clock(evening("20:00"))
    assert book_through_front(token_of(bob), booking(bookable, "09:00", "11:00"))[0].startswith(
        "201"
    )
    # Django's first refusal: from here on the front answers taken seats itself.
    carols = token_of(carol)
    assert book_through_front(carols, booking(bookable, "09:00", "11:00"))[0] == "409 Conflict"

    alices = token_of(alice)
    with override_settings(RATE_LIMIT_INTENTS_PER_MINUTE=2):
        first = book_through_front(alices, booking(bookable2, "09:00", "10:00"))
        second = book_through_front(alices, booking(bookable2, "14:00", "15:00"))
        third = book_through_front(alices, booking(bookable, "09:00", "11:00"))

    assert first[0].startswith("201") and second[0].startswith("201")
    assert third[0].startswith("429")  # the third intent of the minute, answered by Django
    assert Reservation.objects.filter(reader=alice).count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("_lists_last")
def test_a_refusal_from_the_front_carries_no_header_of_another_refusal(
    bob: Reader, carol: Reader, lin: Reader, alice: Reader, bookable: Seat, bookable2: Seat
) -> None:
    at_clock(evening("19:00"))  # bookings for tomorrow open at 20:00
    book(bookable, bob, "09:00", "11:00", evening("20:05"))
    lins = token_of(lin)
    # This server sees the seat (a time that is free then) ...
    later = book_through_front(lins, booking(bookable, "12:00", "13:00"))
    assert json.loads(later[2])["error"]["code"] == "outside_booking_window"
    # ... and refuses its taken time, offering from the room's list.
    taken_one = booking(bookable, "09:00", "11:00")
    assert book_through_front(token_of(carol), taken_one)[0] == "409 Conflict"
    # Django's last refusal says when bookings open: it carries Retry-After.
    early = book_through_front(lins, booking(bookable2, "09:00", "11:00"))
    assert json.loads(early[2])["error"]["code"] == "outside_booking_window"
    assert "retry-after" in early[1]

    with override_settings(BOOKING_FRONT=0):  # only the front answers
        status, headers, body = book_through_front(token_of(alice), taken_one)

    assert (status, json.loads(body)["error"]["code"]) == ("409 Conflict", "seat_unavailable")
    assert "retry-after" not in headers
    assert headers["content-type"] == "application/json"


@pytest.mark.django_db
@pytest.mark.usefixtures("_lists_last")
def test_a_list_read_for_other_times_never_answers_for_these(
    bob: Reader, carol: Reader, lin: Reader, bookable: Seat
) -> None:
    """The room's list is kept for the exact times asked: one read for 08:00 to 10:00:00.5
    (the seat is booked from 10:00) must not refuse 08:00 to 10:00."""
    at_clock(evening("20:00"))
    assert book_through_front(token_of(bob), booking(bookable, "10:00", "11:00"))[0].startswith(
        "201"
    )
    odd = {
        "seat_id": bookable.pk,
        "start": at("08:00").isoformat(),
        "end": (at("10:00") + timedelta(milliseconds=500)).isoformat(),
    }
    carols = token_of(carol)
    assert book_through_front(carols, json.dumps(odd).encode())[0] == "409 Conflict"

    booked = book_through_front(token_of(lin), booking(bookable, "08:00", "10:00"))

    assert booked[0].startswith("201")
    assert Reservation.objects.get(pk=json.loads(booked[2])["id"]).reader == lin


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["127.0.0.1", "testserver"])
def test_a_host_django_would_refuse_is_left_to_django(
    alice: Reader, bob: Reader, carol: Reader, bookable: Seat
) -> None:
    at_clock(evening("20:00"))
    wanted = booking(bookable, "09:00", "11:00")
    assert book_through_front(token_of(alice), wanted)[0].startswith("201")
    assert book_through_front(token_of(bob), wanted)[0] == "409 Conflict"

    status, _headers, _body = book_through_front(
        {**token_of(carol), "host": "evil.example"}, wanted
    )

    assert status.startswith("400")  # Django's DisallowedHost, as before the front
