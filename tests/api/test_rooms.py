"""GET /api/v1/rooms: reading rooms with live counts (spec §3)."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from tests.api.conftest import at_clock
from tests.conftest import at, make_reader
from tests.seats.scans import scan, seat_held_by

pytestmark = pytest.mark.django_db


def counts_by_name(client: Client) -> dict[str, dict]:  # type: ignore[type-arg]
    response = client.get("/api/v1/rooms")
    assert response.status_code == 200
    return {room["name"]: room for room in response.json()}


def test_rooms_with_their_counts_by_state(
    library: Library, room: Room, alice: Reader, bob: Reader, carol: Reader, as_alice: Client
) -> None:
    seats = [Seat.objects.create(room=room, label=f"B-{n:03}") for n in range(6)]
    Seat.objects.create(room=room, label="B-999", active=False)  # retired: not counted
    seat_held_by(seats[0], bob, at("08:00"))  # held
    seat_held_by(seats[1], carol, at("08:00"))
    scan(seats[1], carol, "step-out", at("09:00"))  # away
    scan(seats[2], alice, "challenge", at("09:00"))  # challenged (holder unknown)
    dave = make_reader("20230004", "Dave")
    seat_held_by(seats[3], dave, at("08:00"))
    scan(seats[3], bob, "challenge", at("08:55"))  # challenged (a known holder)
    at_clock(at("09:05"))

    listed = counts_by_name(as_alice)["二楼自习室"]

    assert listed == {
        "id": room.pk,
        "name": "二楼自习室",
        "floor": "2",
        "open": True,
        "opening_hours": "07:00-22:30",
        "counts": {"free": 2, "held": 1, "challenged": 2, "reserved": 0, "away": 1},
    }


def test_a_closed_room_is_marked_and_its_seats_count_as_free(
    room: Room, seat: Seat, bob: Reader, as_alice: Client
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    at_clock(at("22:45"))

    listed = counts_by_name(as_alice)["二楼自习室"]

    assert listed["open"] is False
    assert listed["counts"] == {"free": 1, "held": 0, "challenged": 0, "reserved": 0, "away": 0}


def test_rooms_have_their_own_hours_and_inactive_rooms_are_not_listed(
    library: Library, room: Room, as_alice: Client
) -> None:
    Room.objects.create(
        library=library, name="四楼研讨室", floor="4", policy={"opening_hours": "08:00-18:00"}
    )
    Room.objects.create(library=library, name="旧馆", floor="1", active=False)
    at_clock(at("07:30"))

    listed = counts_by_name(as_alice)

    assert set(listed) == {"二楼自习室", "四楼研讨室"}
    assert listed["二楼自习室"]["open"] is True
    assert (listed["四楼研讨室"]["open"], listed["四楼研讨室"]["opening_hours"]) == (
        False,
        "08:00-18:00",
    )
