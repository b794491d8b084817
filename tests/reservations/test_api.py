"""POST/GET /api/v1/reservations, DELETE /api/v1/reservations/{id}, and what /me, the seat
and the room map say about bookings (spec §3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.reservations.models import Reservation
from tests.api.conftest import CJK, assert_instant, at_clock, bearer, error_of
from tests.conftest import at, make_reader
from tests.reservations.conftest import evening

pytestmark = pytest.mark.django_db


def post(client: Client, seat: Seat, start: str, end: str, **extra: Any) -> Any:
    body = {"seat_id": seat.pk, "start": at(start).isoformat(), "end": at(end).isoformat()}
    return client.post("/api/v1/reservations", {**body, **extra}, content_type="application/json")


def test_booking_answers_201_with_the_spec_shape(alice: Reader, bookable: Seat) -> None:
    at_clock(evening("20:00"))
    response = post(bearer(alice), bookable, "09:00", "10:30")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "seat", "start", "end", "status", "checkin_from", "checkin_until"}
    assert body["seat"]["id"] == bookable.pk and body["seat"]["label"] == "B-001"
    assert body["status"] == "booked"
    assert_instant(body["start"], at("09:00"))
    assert_instant(body["end"], at("10:30"))
    assert_instant(body["checkin_from"], at("08:45"))
    assert_instant(body["checkin_until"], at("09:30"))
    assert Reservation.objects.get(pk=body["id"]).reader == alice


@pytest.mark.parametrize(
    ("when", "start", "end", "code"),
    [
        ("19:00", "09:00", "10:00", "outside_booking_window"),
        ("20:00", "09:10", "10:00", "invalid_request"),
    ],
)
def test_refusals_are_409_or_400_with_a_chinese_sentence(
    alice: Reader, bookable: Seat, when: str, start: str, end: str, code: str
) -> None:
    at_clock(evening(when))
    response = post(bearer(alice), bookable, start, end)
    error = error_of(response)
    assert error["code"] == code
    assert response.status_code == (409 if code != "invalid_request" else 400)
    assert CJK.search(error["message"])
    assert not Reservation.objects.exists()


def test_a_taken_seat_and_the_limit_are_refused_with_their_codes(
    alice: Reader, bob: Reader, bookable: Seat, bookable2: Seat, seat: Seat
) -> None:
    at_clock(evening("20:00"))
    assert post(bearer(alice), bookable, "09:00", "10:00").status_code == 201
    taken = post(bearer(bob), bookable, "09:30", "10:30")
    assert (taken.status_code, error_of(taken)["code"]) == (409, "seat_unavailable")
    twice = post(bearer(alice), bookable2, "09:00", "10:00")
    assert (twice.status_code, error_of(twice)["code"]) == (409, "limit_reached")
    plain = post(bearer(bob), seat, "09:00", "10:00")
    assert (plain.status_code, error_of(plain)["code"]) == (409, "not_reservable")


@pytest.mark.parametrize(
    "body",
    [
        {"seat_id": "1", "start": "2026-12-01T09:00:00+08:00", "end": "2026-12-01T10:00:00+08:00"},
        {"seat_id": 1, "start": "2026-12-01T09:00:00", "end": "2026-12-01T10:00:00+08:00"},
        {"seat_id": 1, "start": "tomorrow", "end": "2026-12-01T10:00:00+08:00"},
        # well-formed but impossible dates and times
        {"seat_id": 1, "start": "2026-02-30T09:00:00+08:00", "end": "2026-02-30T10:00:00+08:00"},
        {"seat_id": 1, "start": "2026-12-01T25:00:00+08:00", "end": "2026-12-01T26:00:00+08:00"},
        {"seat_id": 1},
    ],
)
def test_bad_input_is_400_and_changes_nothing(alice: Reader, body: dict[str, Any]) -> None:
    at_clock(evening("20:00"))
    response = bearer(alice).post("/api/v1/reservations", body, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"
    assert not Reservation.objects.exists()


def test_an_unknown_seat_is_404_and_signing_in_is_required(alice: Reader) -> None:
    at_clock(evening("20:00"))
    response = bearer(alice).post(
        "/api/v1/reservations",
        {"seat_id": 999999, "start": at("09:00").isoformat(), "end": at("10:00").isoformat()},
        content_type="application/json",
    )
    assert (response.status_code, error_of(response)["code"]) == (404, "unknown_seat")
    anonymous = Client().post("/api/v1/reservations", {}, content_type="application/json")
    assert anonymous.status_code == 401


def test_me_lists_bookings_and_the_seat_shows_reserved(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    at_clock(evening("20:00"))
    booking_id = post(bearer(alice), bookable, "09:00", "10:00").json()["id"]
    me = bearer(alice).get("/api/v1/me").json()
    assert [r["id"] for r in me["reservations"]] == [booking_id]
    assert me["violations"] == []

    at_clock(at("08:50"))
    seat = bearer(bob).get(f"/api/v1/seats/{bookable.code}").json()
    assert seat["state"] == "reserved"
    assert seat["reservation"]["mine"] is False
    assert "challenge" not in seat["actions"]
    mine = bearer(alice).get(f"/api/v1/seats/{bookable.code}").json()
    assert mine["reservation"]["mine"] is True
    assert "checkin" in mine["actions"]
    room = bearer(bob).get(f"/api/v1/rooms/{bookable.room_id}/seats").json()
    assert {s["label"]: s["state"] for s in room}["B-001"] == "reserved"
    counts = bearer(bob).get("/api/v1/rooms").json()[0]["counts"]
    assert counts["reserved"] == 1


def test_check_in_through_the_api_then_me_shows_the_hold(alice: Reader, bookable: Seat) -> None:
    at_clock(evening("20:00"))
    post(bearer(alice), bookable, "09:00", "10:00")
    at_clock(at("09:05"))
    response = bearer(alice).post(
        f"/api/v1/seats/{bookable.code}/checkin", content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "checked_in"
    assert response.json()["seat"]["state"] == "held"
    me = bearer(alice).get("/api/v1/me").json()
    assert me["hold"]["seat"]["label"] == "B-001"
    assert_instant(me["hold"]["ends_at"], at("10:00"))
    assert me["reservations"][0]["status"] == "checked_in"


def test_no_show_shows_in_me_as_a_violation_after_the_worker(alice: Reader, bookable: Seat) -> None:
    from seatback.reservations.worker import run_once

    at_clock(evening("20:00"))
    post(bearer(alice), bookable, "09:00", "10:00")
    at_clock(at("09:30"))
    me = bearer(alice).get("/api/v1/me").json()
    assert me["reservations"] == []  # released at the deadline, before any worker ran
    run_once(at("09:30"))
    me = bearer(alice).get("/api/v1/me").json()
    assert [v["kind"] for v in me["violations"]] == ["no_show"]
    assert any("B-001" in notice["message"] for notice in me["notices"])


def test_delete_cancels_only_my_own_booking(alice: Reader, bob: Reader, bookable: Seat) -> None:
    at_clock(evening("20:00"))
    booking_id = post(bearer(alice), bookable, "09:00", "10:00").json()["id"]
    others = bearer(bob).delete(f"/api/v1/reservations/{booking_id}")
    assert (others.status_code, error_of(others)["code"]) == (404, "not_found")
    mine = bearer(alice).delete(f"/api/v1/reservations/{booking_id}")
    assert mine.status_code == 200
    assert (mine.json()["status"], mine.json()["late"]) == ("cancelled", False)
    again = bearer(alice).delete(f"/api/v1/reservations/{booking_id}")
    assert again.status_code == 404
    assert post(bearer(bob), bookable, "09:00", "10:00").status_code == 201


def test_a_banned_reader_is_refused_with_403(alice: Reader, bookable: Seat) -> None:
    at_clock(evening("20:00"))
    alice.banned_until = at("12:00")
    alice.save()
    response = post(bearer(alice), bookable, "09:00", "10:00")
    assert (response.status_code, error_of(response)["code"]) == (403, "banned")
    me = bearer(alice).get("/api/v1/me").json()
    assert me["ban"] is not None


def test_beyond_the_booking_queue_the_answer_is_a_quick_503_busy(
    alice: Reader, bookable: Seat, settings: Any
) -> None:
    """With every admission slot taken, a booking waits at most the queue wait, then is
    told busy with Retry-After; nothing is written. Then it goes through."""
    import time

    from seatback.reservations import admission

    settings.BOOKING_CONCURRENCY = 1
    settings.BOOKING_QUEUE = 1
    settings.BOOKING_QUEUE_WAIT_SECONDS = 0.2
    at_clock(evening("20:00"))
    with admission.bookings.enter():  # another booking is being written
        started = time.monotonic()
        response = post(bearer(alice), bookable, "09:00", "10:00")
        waited = time.monotonic() - started
    assert (response.status_code, error_of(response)["code"]) == (503, "busy")
    assert response["Retry-After"] == "1"
    assert waited < 2
    assert not Reservation.objects.exists()
    assert post(bearer(alice), bookable, "09:00", "10:00").status_code == 201


def test_a_taken_seat_offers_other_free_seats_of_its_room_and_says_when_none_is_left(
    alice: Reader, bob: Reader, carol: Reader, bookable: Seat, bookable2: Seat, seat: Seat
) -> None:
    """In a rush a refused reader is told where to go next (`free`, `free_seats`: other
    reservable seats of the room free then), and when nothing is left, so a phone stops."""
    third = Seat.objects.create(room=bookable.room, label="B-003", x=3, y=2, reservable=True)
    at_clock(evening("20:00"))
    assert post(bearer(alice), bookable, "09:00", "10:00").status_code == 201

    refused = post(bearer(bob), bookable, "09:00", "10:00")
    error = error_of(refused)
    assert (refused.status_code, error["code"]) == (409, "seat_unavailable")
    # Not the taken seat, not the plain seat (not reservable): the two others.
    assert error["free"] == 2
    assert sorted(error["free_seats"]) == sorted([bookable2.pk, third.pk])
    # Taking the offer books.
    assert post(bearer(bob), bookable2, "09:00", "10:00").status_code == 201
    assert post(bearer(carol), third, "09:00", "10:00").status_code == 201

    cache.clear()  # the offer is at most a second old; the test does not wait that second
    last = post(bearer(make_reader("20230009", "Dan 赵")), bookable, "09:30", "10:00")
    error = error_of(last)
    assert (last.status_code, error["code"]) == (409, "seat_unavailable")
    assert (error["free"], error["free_seats"]) == (0, [])
    with translation.override("zh-hans"):  # the reader's language (the default)
        assert error["message"] == gettext(
            "This seat is taken then, and so is every other seat of this room."
        )
    assert CJK.search(error["message"])
    # Another time of the same day is still open: the answer is per time.
    later = post(bearer(make_reader("20230010", "Eve 钱")), bookable, "11:00", "12:00")
    assert later.status_code == 201
    assert Reservation.objects.count() == 4
