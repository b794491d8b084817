"""GET /api/v1/rooms/{id}/seats: a room's seat map; QR codes are never listed (spec §3)."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from tests.api.conftest import at_clock, error_of
from tests.conftest import at
from tests.seats.scans import scan, seat_held_by

pytestmark = pytest.mark.django_db


def test_a_rooms_seats_with_positions_features_and_states(
    room: Room, seat: Seat, other_seat: Seat, alice: Reader, bob: Reader, as_carol: Client
) -> None:
    Seat.objects.filter(pk=other_seat.pk).update(reservable=True)
    seat_held_by(seat, bob, at("08:00"))
    scan(other_seat, alice, "challenge", at("09:00"))
    at_clock(at("09:01"))

    response = as_carol.get(f"/api/v1/rooms/{room.pk}/seats")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": seat.pk,
            "label": "A-001",
            "x": 1.0,
            "y": 1.0,
            "features": ["power"],
            "reservable": False,
            "state": "held",
        },
        {
            "id": other_seat.pk,
            "label": "A-002",
            "x": 2.0,
            "y": 1.0,
            "features": [],
            "reservable": True,
            "state": "challenged",
        },
    ]


def test_seat_codes_are_never_listed(
    room: Room, seat: Seat, other_seat: Seat, as_alice: Client
) -> None:
    body = as_alice.get(f"/api/v1/rooms/{room.pk}/seats").content.decode()
    for code in (seat.code, other_seat.code):
        assert code not in body


def test_retired_seats_are_left_out_and_a_closed_room_says_closed(
    room: Room, seat: Seat, other_seat: Seat, as_alice: Client
) -> None:
    Seat.objects.filter(pk=other_seat.pk).update(active=False)
    at_clock(at("23:00"))

    body = as_alice.get(f"/api/v1/rooms/{room.pk}/seats").json()

    assert [(s["label"], s["state"]) for s in body] == [("A-001", "closed")]


def test_an_unknown_or_inactive_room_is_404(room: Room, as_alice: Client) -> None:
    response = as_alice.get("/api/v1/rooms/999999/seats")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    Room.objects.filter(pk=room.pk).update(active=False)
    assert as_alice.get(f"/api/v1/rooms/{room.pk}/seats").status_code == 404
