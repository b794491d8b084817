"""API test helpers: clients signed in with a bearer token, and the clock set for requests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from seatback.core import clock
from seatback.readers.models import ApiToken, Reader

CJK = re.compile(r"[\u4e00-\u9fff]")


def bearer(reader: Reader, **headers: str) -> Client:
    """A client that identifies `reader` with a fresh bearer token (no cookie)."""
    token = ApiToken.issue(reader, clock.now())
    return Client(headers={"Authorization": f"Bearer {token}", **headers})


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop seatback's clock from ticking on by itself, so that after at_clock() every
    request reads exactly that instant (boundaries like "the deadline is 09:20" are then
    exact, not off by the milliseconds a request takes)."""
    frozen = datetime.now(UTC)
    monkeypatch.setattr(clock, "timezone", SimpleNamespace(now=lambda: frozen))


def at_clock(moment: datetime) -> None:
    """Set the server clock; each request reads it once."""
    clock.travel_to(moment)


def assert_instant(text: str | None, expected: datetime, slack: float = 0) -> None:
    """An ISO 8601 time with the library's +08:00 offset, within `slack` s of `expected`."""
    assert text is not None
    assert text.endswith("+08:00"), text
    moment = datetime.fromisoformat(text)
    assert abs(moment - expected) <= timedelta(seconds=slack), (text, expected)


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


@pytest.fixture
def as_alice(alice: Reader) -> Client:
    return bearer(alice)


@pytest.fixture
def as_bob(bob: Reader) -> Client:
    return bearer(bob)


@pytest.fixture
def as_carol(carol: Reader) -> Client:
    return bearer(carol)
