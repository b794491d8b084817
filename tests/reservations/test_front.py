"""The booking front door (reservations/front.py) around the production WSGI application:
past its cap, a booking request is answered 503 `busy` with Retry-After at once."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from seatback.library.models import Seat
from seatback.readers.models import ApiToken, Reader
from seatback.reservations.models import Reservation
from seatback.wsgi import application
from tests.api.conftest import at_clock
from tests.conftest import at
from tests.reservations.conftest import evening

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _environ(reader: Reader, seat: Seat) -> dict[str, Any]:
    token = ApiToken.issue(reader, evening("20:00"))
    body = {"seat_id": seat.pk, "start": at("09:00").isoformat(), "end": at("11:00").isoformat()}
    request = RequestFactory().post(
        "/api/v1/reservations",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    environ = dict(request.environ)
    environ["wsgi.input"] = io.BytesIO(json.dumps(body).encode())
    return environ


def _call(environ: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], body


class SlowBody(io.BytesIO):
    """A phone still sending its booking when a second one arrives (same process)."""

    def __init__(self, data: bytes, arriving: dict[str, Any]) -> None:
        super().__init__(data)
        self.arriving = arriving
        self.second: tuple[str, dict[str, str], bytes] | None = None

    def read(self, *args: Any) -> bytes:
        if self.second is None:
            self.second = _call(self.arriving)
        return super().read(*args)


def test_a_booking_past_the_front_doors_cap_is_busy_at_once(
    alice: Reader, bob: Reader, bookable: Seat, bookable2: Seat, settings: Any
) -> None:
    settings.BOOKING_FRONT = 1
    at_clock(evening("20:00"))
    first, second = _environ(alice, bookable), _environ(bob, bookable2)
    slow = SlowBody(first["wsgi.input"].getvalue(), second)
    first["wsgi.input"] = slow

    status, _headers, _body = _call(first)

    assert status.startswith("201")
    assert slow.second is not None
    busy_status, headers, body = slow.second
    assert busy_status.startswith("503")
    assert headers["Retry-After"] == "1"
    error = json.loads(body)["error"]
    assert error["code"] == "busy" and error["retry_after"] == 1 and error["message"]
    assert list(Reservation.objects.values_list("reader__card_number", flat=True)) == [
        alice.card_number
    ]
    # With the first one done, the second reader's booking goes in.
    assert _call(_environ(bob, bookable2))[0].startswith("201")
