"""GET /api/v1/seats/{code}/watch: a change token for the watching page, and the server time."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from seatback.library.models import Seat
from seatback.readers.models import Reader
from tests.api.conftest import assert_instant, at_clock, error_of
from tests.conftest import at
from tests.seats.scans import seat_held_by

pytestmark = pytest.mark.django_db


def watch(client: Client, seat: Seat) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/seats/{seat.code}/watch")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"v", "server_time"}
    return body  # type: ignore[no-any-return]


def test_the_token_is_steady_until_the_seat_changes(
    seat: Seat, bob: Reader, as_alice: Client, as_bob: Client, django_capture_on_commit_callbacks
) -> None:
    """alice's page learns at once that bob came back: the token changes with the return."""
    seat_held_by(seat, bob, at("08:00"))
    at_clock(at("09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        as_alice.post(f"/api/v1/seats/{seat.code}/challenge", "", content_type="application/json")
    first = watch(as_alice, seat)
    assert watch(as_alice, seat)["v"] == first["v"]
    assert_instant(first["server_time"], at("09:00"))

    at_clock(at("09:05"))
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(
            f"/api/v1/seats/{seat.code}/return", json.dumps({}), content_type="application/json"
        )
    assert response.json()["outcome"] == "returned"

    assert watch(as_alice, seat)["v"] != first["v"]


def test_a_refused_scan_does_not_wake_the_watchers(
    seat: Seat, as_alice: Client, as_bob: Client, django_capture_on_commit_callbacks
) -> None:
    at_clock(at("09:00"))
    before = watch(as_alice, seat)["v"]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(
            f"/api/v1/seats/{seat.code}/release", content_type="application/json"
        )
        assert response.status_code == 403
    assert watch(as_alice, seat)["v"] == before


def test_an_unknown_or_retired_seat_is_404(seat: Seat, as_alice: Client) -> None:
    response = as_alice.get("/api/v1/seats/nope/watch")
    assert response.status_code == 404
    assert error_of(response)["code"] == "unknown_seat"
    Seat.objects.filter(pk=seat.pk).update(active=False)
    assert as_alice.get(f"/api/v1/seats/{seat.code}/watch").status_code == 404
