"""GET /api/v1/occupancy gains `inside` once gates exist (spec §5)."""

from __future__ import annotations

from django.test import Client

from seatback.core import clock
from seatback.gates.models import Gate
from seatback.readers.models import Reader
from tests.conftest import at
from tests.gates.conftest import deliver, passage


def test_without_gates_occupancy_has_no_inside(room: object) -> None:
    clock.travel_to(at("09:00"))
    data = Client().get("/api/v1/occupancy").json()
    assert "inside" not in data["building"] and "gates" not in data


def test_entries_and_exits_through_the_gates_show_as_inside(
    gate: Gate, room: object, alice: Reader, bob: Reader
) -> None:
    clock.travel_to(at("09:00"))
    deliver(
        gate,
        passage("e1", "in", alice.card_number, at("08:30")),
        passage("e2", "in", bob.card_number, at("08:40")),
        passage("e3", "out", bob.card_number, at("08:50")),
    )
    data = Client().get("/api/v1/occupancy").json()
    assert data["building"]["inside"] == 1
    (head,) = data["gates"]
    assert (head["building"], head["inside"], head["entries_today"], head["exits_today"]) == (
        "逸夫楼",
        1,
        2,
        1,
    )
