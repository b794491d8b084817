"""Gate test helpers: a building with an entrance gate, signed deliveries, a held seat."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from seatback.core import clock
from seatback.gates.models import Building, Gate
from seatback.gates.services import sign
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Hold


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def building(db: None) -> Building:
    return Building.objects.create(name="逸夫楼", capacity=10, warn_percent=80)


@pytest.fixture
def gate(building: Building) -> Gate:
    return Gate.objects.create(code="east-1", name="East entrance", building=building)


def passage(event_id: str, direction: str, card: str, at: datetime) -> dict[str, Any]:
    return {"id": event_id, "direction": direction, "card": card, "at": at.isoformat()}


def signed_headers(
    gate: Gate, body: bytes, *, timestamp: int | None = None, nonce: str | None = None
) -> dict[str, str]:
    timestamp = int(clock.now().timestamp()) if timestamp is None else timestamp
    nonce = nonce or secrets.token_hex(16)
    return {
        "X-Seatback-Gate": gate.code,
        "X-Seatback-Timestamp": str(timestamp),
        "X-Seatback-Nonce": nonce,
        "X-Seatback-Signature": sign(gate.key, timestamp, nonce, body),
    }


def deliver(gate: Gate, *events: dict[str, Any], **signing: Any) -> Any:
    """POST the events as the gate would, signed with its key; returns the response."""
    body = json.dumps({"events": list(events)}).encode()
    headers = signed_headers(gate, body, **signing)
    return Client(headers=headers).post(
        "/api/v1/gate/events", body, content_type="application/json"
    )


def hold_seat(seat: Seat, reader: Reader, since: datetime) -> Hold:
    """The reader sits at the seat (as after a claim), until the room closes."""
    closes = seat.room.effective_policy().opening(since)[1]
    return Hold.objects.create(
        seat=seat, reader=reader, source=Hold.Source.CLAIM, since=since, closes_at=closes
    )
