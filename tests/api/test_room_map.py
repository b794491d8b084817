"""GET /api/v1/rooms/{id}/map, /map/states and /route: a room's plan, its seats' states and
the walk to a seat, for anyone, never with a seat's code."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.plans import services as plan_services
from seatback.plans import shapes
from seatback.seats import services
from seatback.seats.models import Hold
from tests.api.conftest import at_clock
from tests.conftest import at
from tests.plans.conftest import ROOM

pytestmark = pytest.mark.django_db


def test_a_room_without_a_plan_is_a_grid_inside_walls_with_a_door(seat, other_seat):
    at_clock(at("09:00"))
    body = Client().get(f"/api/v1/rooms/{seat.room_id}/map").json()
    assert body["grid"] is True
    kinds = [s["kind"] for s in body["shapes"]]
    assert kinds == ["wall", "door"]
    left, top, width, height = body["view_box"]
    assert left < 1 and top < 1 and left + width > 2 and top + height > 1
    assert {s["label"]: (s["x"], s["y"]) for s in body["seats"]} == {
        "A-001": (1, 1),
        "A-002": (2, 1),
    }
    assert body["states"] == {str(seat.pk): "free", str(other_seat.pk): "free"}
    assert seat.code not in str(body)


def test_states_follow_a_scan_with_the_clocks_end(seat, other_seat, alice, bob):
    at_clock(at("09:00"))
    Hold.objects.create(
        seat=seat, reader=bob, source=Hold.Source.CHECKIN, since=at("08:00"), closes_at=at("22:00")
    )
    services.perform(seat, alice, "challenge", now=at("09:00"))
    body = Client().get(f"/api/v1/rooms/{seat.room_id}/map/states").json()
    assert body["states"][str(seat.pk)] == "challenged"
    assert body["until"][str(seat.pk)].startswith("2026-12-01T09:20:00+08:00")
    assert body["counts"]["challenged"] == 1 and body["counts"]["free"] == 1


def test_the_route_walks_from_the_door_to_the_seat_in_words(seat, other_seat, lin):
    at_clock(at("09:00"))
    plan_services.import_plan(lin, seat.room, shapes.clean(ROOM), now=at("08:00"))
    url = f"/api/v1/rooms/{seat.room_id}/route?to={seat.pk}"
    response = Client(headers={"Accept-Language": "en"}).get(url)
    assert "Accept-Language" in response["Vary"]  # a shared cache keeps languages apart
    body = response.json()
    assert body["seat"] == {"id": seat.pk, "label": "A-001"}
    assert body["steps"][0] == "Come in by 南门"
    assert body["steps"][-1] == "A-001 is here"
    assert any(step.startswith("Turn right and walk") for step in body["steps"])
    assert 17 < body["metres"] < 22
    first = body["points"][0]
    assert abs(first[0] - 6) < 0.5 and abs(first[1] - 8) < 0.5  # starts at the door
    chinese = Client().get(url).json()["steps"]  # the cached route, in the default language
    assert chinese[0] == "从南门进门" and chinese[-1] == "到达 A-001"


def test_bad_requests_are_refused(seat):
    client = Client()
    assert client.get("/api/v1/rooms/999/map").json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/rooms/{seat.room_id}/route?to=x").status_code == 400
    assert client.get(f"/api/v1/rooms/{seat.room_id}/route?to=999").status_code == 404
