"""Room screens' reads are shared through the cache, and a change still shows within 2 s.

GET /api/v1/rooms and /rooms/{id}/seats are polled by many screens at once; within one
second of seatback's clock they share one computation, unless a scan committed meanwhile
(it changes the library's change token). A change that no scan announces (time running
out, a row written by other code) shows once the clock moves on by a second.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from seatback.core import clock
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.seats.models import Hold
from tests.api.conftest import at_clock
from tests.conftest import at

pytestmark = pytest.mark.django_db


def state_of(client: Client, room: Room, seat: Seat) -> str:
    response = client.get(f"/api/v1/rooms/{room.pk}/seats")
    assert response.status_code == 200
    return next(s["state"] for s in response.json() if s["id"] == seat.pk)


def challenged_in(client: Client, room: Room) -> int:
    response = client.get("/api/v1/rooms")
    assert response.status_code == 200
    return next(r["counts"]["challenged"] for r in response.json() if r["id"] == room.pk)


def test_a_scan_shows_on_the_room_screens_at_the_next_read(
    room: Room,
    seat: Seat,
    as_alice: Client,
    as_carol: Client,
    django_capture_on_commit_callbacks: TestCase.captureOnCommitCallbacks,
) -> None:
    at_clock(at("09:00"))
    assert state_of(as_carol, room, seat) == "free"
    assert challenged_in(as_carol, room) == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert (
            as_alice.post(
                f"/api/v1/seats/{seat.code}/challenge", content_type="application/json"
            ).status_code
            == 200
        )

    # Same instant of the clock: the committed scan is seen, not the shared copy.
    assert state_of(as_carol, room, seat) == "challenged"
    assert challenged_in(as_carol, room) == 1


def test_screens_polling_within_a_second_share_one_reading(
    room: Room, seat: Seat, other_seat: Seat, as_alice: Client, as_carol: Client
) -> None:
    at_clock(at("09:00"))
    as_alice.get(f"/api/v1/rooms/{room.pk}/seats")
    as_alice.get("/api/v1/rooms")

    with CaptureQueriesContext(connection) as first:
        as_carol.get(f"/api/v1/rooms/{room.pk}/seats")
        as_carol.get("/api/v1/rooms")
    tables = ('"library_seat"', '"seats_hold"', '"seats_challenge"')
    reread = [q["sql"] for q in first.captured_queries if any(t in q["sql"] for t in tables)]
    assert reread == []  # no seat, hold or clock was read again


def test_a_change_no_scan_announced_shows_within_two_seconds(
    room: Room, seat: Seat, bob: Reader, as_carol: Client
) -> None:
    at_clock(at("09:00"))
    assert state_of(as_carol, room, seat) == "free"
    # Written by other code (say the back office), without a change token.
    Hold.objects.create(
        seat=seat, reader=bob, source="claim", since=clock.now(), closes_at=at("22:30")
    )

    clock.travel(timedelta(seconds=2))

    assert state_of(as_carol, room, seat) == "held"


def test_a_clock_running_out_shows_within_two_seconds(
    room: Room,
    seat: Seat,
    as_alice: Client,
    as_carol: Client,
    django_capture_on_commit_callbacks: TestCase.captureOnCommitCallbacks,
) -> None:
    at_clock(at("09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        body = as_alice.post(
            f"/api/v1/seats/{seat.code}/challenge", content_type="application/json"
        ).json()
    claim_until = body["seat"]["challenge"]["claim_until"]
    at_clock(datetime.fromisoformat(claim_until) - timedelta(milliseconds=500))
    assert state_of(as_carol, room, seat) == "challenged"

    clock.travel(timedelta(seconds=2))

    assert state_of(as_carol, room, seat) == "free"
