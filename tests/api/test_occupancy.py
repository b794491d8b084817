"""GET /api/v1/occupancy: the building, each floor and each room by state, for anyone,
without a seat's code, shared, and rate-limited per address."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from seatback.library.models import Room, Seat
from seatback.seats import services
from seatback.seats.models import Hold
from tests.api.conftest import at_clock
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def third_floor(library) -> Room:
    room = Room.objects.create(library=library, name="三楼阅览室", floor="3")
    Seat.objects.create(room=room, label="C-001", x=1, y=1)
    Seat.objects.create(room=room, label="C-002", x=2, y=1, active=False)
    return room


def test_counts_by_state_for_building_floors_and_rooms(seat, other_seat, third_floor, bob, alice):
    at_clock(at("09:00"))
    Hold.objects.create(
        seat=seat, reader=bob, source=Hold.Source.CHECKIN, since=at("08:00"), closes_at=at("22:00")
    )
    services.perform(seat, alice, "challenge", now=at("09:00"))
    response = Client().get("/api/v1/occupancy")
    assert response.status_code == 200
    body = response.json()
    assert body["building"]["total"] == 4
    assert body["building"]["counts"]["challenged"] == 1
    assert body["building"]["counts"]["free"] == 2
    assert body["building"]["counts"]["closed"] == 1  # the closed seat C-002
    floors = {f["floor"]: f for f in body["floors"]}
    assert list(floors) == ["2", "3"]
    assert floors["2"]["counts"]["challenged"] == 1 and floors["2"]["total"] == 2
    assert floors["3"]["rooms"][0]["name"] == "三楼阅览室"
    assert seat.code not in response.content.decode()


def test_a_scan_shows_at_the_next_read(seat, alice, bob, django_capture_on_commit_callbacks):
    at_clock(at("09:00"))
    first = Client().get("/api/v1/occupancy").json()
    assert first["building"]["counts"]["held"] == 0
    Hold.objects.create(
        seat=seat, reader=bob, source=Hold.Source.CHECKIN, since=at("08:00"), closes_at=at("22:00")
    )
    with django_capture_on_commit_callbacks(execute=True):  # a scan bumps the token
        services.perform(seat, alice, "challenge", now=at("09:00"))
    again = Client().get("/api/v1/occupancy").json()
    assert again["building"]["counts"]["challenged"] == 1


@override_settings(RATE_LIMIT_READS_PER_MINUTE=3)
def test_anyone_may_read_it_but_not_without_limit(seat, frozen_minute):
    client = Client()
    assert [client.get("/api/v1/occupancy").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/api/v1/occupancy").json()["error"]["code"] == "rate_limited"
