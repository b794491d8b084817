"""GET /api/v1/occupancy/history?day=…: one day's 15-minute steps, for anyone."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.reservations.worker import run_once
from tests.api.conftest import at_clock
from tests.conftest import at

pytestmark = pytest.mark.django_db


def test_the_days_steps_by_room(seat):
    run_once(at("09:00"))
    run_once(at("09:20"))
    at_clock(at("10:00"))
    body = Client().get("/api/v1/occupancy/history").json()
    assert body["day"] == "2026-12-01"
    assert [s["at"] for s in body["steps"]] == [
        "2026-12-01T09:00:00+08:00",
        "2026-12-01T09:15:00+08:00",
    ]
    assert body["steps"][0]["room"]["name"] == "二楼自习室"
    assert body["steps"][0]["counts"]["free"] == 1
    assert Client().get("/api/v1/occupancy/history?day=2026-11-30").json()["steps"] == []
    assert Client().get("/api/v1/occupancy/history?day=yesterday").status_code == 400
