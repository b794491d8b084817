"""/rooms/{id}/map: the reader's map page carries the plan, the states, the words its script
needs, and never a seat's code."""

from __future__ import annotations

import json
import re

import pytest

from tests.pages.conftest import zh

pytestmark = pytest.mark.django_db


def _json(response, name: str):
    match = re.search(
        rf'<script id="{name}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_the_map_page_draws_the_room_for_anyone(client_for, seat, other_seat):
    response = client_for().get(f"/rooms/{seat.room_id}/map")
    assert response.status_code == 200
    data = _json(response, "map-data")
    assert [s["label"] for s in data["seats"]] == ["A-001", "A-002"]
    assert data["states"][str(seat.pk)] == "free"
    words = _json(response, "map-words")
    assert words["states"]["challenged"] == zh("Clock running")
    assert seat.code not in response.content.decode()
    assert f'data-states-url="/api/v1/rooms/{seat.room_id}/map/states"' in response.content.decode()


def test_directions_are_asked_for_a_chosen_seat(client_for, seat):
    response = client_for().get(f"/rooms/{seat.room_id}/map?to={seat.pk}")
    assert f'data-to="{seat.pk}"' in response.content.decode()


def test_a_closed_or_unknown_room_has_no_map(client_for, room):
    assert client_for().get("/rooms/999/map").status_code == 404
    room.active = False
    room.save()
    assert client_for().get(f"/rooms/{room.pk}/map").status_code == 404
