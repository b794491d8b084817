"""Input that cannot be stored or compared is a 400 with the JSON error, before any query;
every other answer under /api/v1/ (404, 405, 413, 500) is the JSON error too (issue 22)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.reservations.models import Reservation
from seatback.seats.models import ScanRecord
from tests.api.conftest import at_clock, bearer, error_of
from tests.conftest import at
from tests.reservations.conftest import evening

pytestmark = pytest.mark.django_db


def raw_post(client: Client, path: str, text: str) -> Any:
    """POST a JSON text exactly as written (json.dumps cannot write a lone surrogate)."""
    return client.post(path, text, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        '{"card_number": "\\ud800", "password": "x"}',
        '{"card_number": "20230001", "password": "\\udfff"}',
        '{"card_number": "2023\\u00000001", "password": "x"}',
        '{"card_number": "20230001", "password": "a\\u0007b"}',
        '{"card_number": "' + "9" * 5000 + '", "password": "x"}',
    ],
    ids=["surrogate-card", "surrogate-password", "nul", "bell", "long"],
)
def test_sign_in_with_a_string_no_database_can_hold_is_a_400(alice: Reader, body: str) -> None:
    response = raw_post(Client(), "/api/v1/session", body)

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"


def test_a_surrogate_deep_inside_a_body_is_found(alice: Reader, seat: Seat) -> None:
    at_clock(at("09:00"))
    body = '{"evidence": {"notes": ["fine", {"x": "\\ud83d"}]}}'
    response = raw_post(bearer(alice), f"/api/v1/seats/{seat.code}/challenge", body)

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"
    assert not ScanRecord.objects.exists()


def test_a_real_emoji_written_as_a_surrogate_pair_is_fine(alice: Reader) -> None:
    response = raw_post(
        Client(), "/api/v1/session", '{"card_number": "\\ud83d\\ude00", "password": "x"}'
    )

    assert response.status_code == 401
    assert error_of(response)["code"] == "bad_credentials"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/seats/AB%00CD", "/api/v1/seats/AB%00CD/watch", "/api/v1/seats/%0A%0D/challenge"],
)
def test_a_control_character_in_a_seat_code_is_a_400(alice: Reader, path: str) -> None:
    client = bearer(alice)
    response = client.post(path) if path.endswith("challenge") else client.get(path)

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"


def test_a_nul_in_an_intent_is_a_400(alice: Reader, seat: Seat) -> None:
    response = bearer(alice).post(f"/api/v1/seats/{seat.code}/chal%00lenge")

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"


def reserve(client: Client, seat: Seat, start: str, end: str) -> Any:
    body = {"seat_id": seat.pk, "start": start, "end": end}
    return client.post("/api/v1/reservations", body, content_type="application/json")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9999-12-31T23:00:00+08:00", "9999-12-31T23:30:00+08:00"),
        ("9999-12-31T23:30:00-08:00", "9999-12-31T23:59:00-08:00"),
        ("0001-01-01T00:00:00+08:00", "0001-01-01T00:30:00+08:00"),
        ("2026-12-01T09:00:00+16:00", "2026-12-01T10:00:00+16:00"),
        ("2026-12-01T09:00:00-23:59", "2026-12-01T10:00:00-23:59"),
    ],
    ids=["year-9999", "year-9999-west", "year-1", "plus-16", "minus-2359"],
)
def test_a_time_outside_what_the_databases_hold_is_a_400(
    alice: Reader, room: Any, start: str, end: str
) -> None:
    bookable = Seat.objects.create(room=room, label="B-001", x=1, y=2, reservable=True)
    at_clock(evening("20:00"))

    response = reserve(bearer(alice), bookable, start, end)

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"
    assert not Reservation.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/reservations/-1"),
        ("delete", "/api/v1/reservations/99999999999999999999999"),
        ("get", "/api/v1/rooms/-5/seats"),
        ("get", "/api/v1/rooms/123456789012345678901234567890/seats"),
        ("get", "/api/v1/no-such-thing"),
        ("get", "/api/v2/rooms"),
    ],
)
def test_anything_not_found_under_the_api_is_a_json_404(
    alice: Reader, method: str, path: str
) -> None:
    response = getattr(bearer(alice), method)(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


def test_a_method_the_route_does_not_take_is_a_json_405(alice: Reader) -> None:
    response = bearer(alice).put("/api/v1/me")

    assert response.status_code == 405
    assert error_of(response)["code"] == "invalid_request"


def test_a_20_mb_body_is_a_json_413(alice: Reader, seat: Seat) -> None:
    body = json.dumps({"pad": "x" * 20_000_000})
    response = raw_post(bearer(alice), f"/api/v1/seats/{seat.code}/challenge", body)

    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"
    assert not ScanRecord.objects.exists()


def test_a_crash_inside_a_view_is_a_json_500_without_the_trace(
    alice: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seatback.api import views

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views, "room_counts_shared", broken)
    client = bearer(alice)
    client.raise_request_exception = False

    response = client.get("/api/v1/rooms")

    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "secret internals" not in response.content.decode()
