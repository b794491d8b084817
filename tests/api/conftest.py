"""API test helpers: clients signed in with a bearer token, the clock set for requests, and
requests through the server's WSGI application (the fronts of api/front.py included)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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


Answer = tuple[str, dict[str, str], bytes]


def call(
    path: str,
    method: str = "GET",
    body: bytes = b"",
    app: Any = None,
    environ_extra: dict[str, str] | None = None,
    **headers: str,
) -> Answer:
    """One request through the WSGI application (or `app`); status, headers (by lower-case
    name), body. environ_extra: WSGI variables that are not headers (CONTENT_LENGTH…)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "wsgi.input": io.BytesIO(body),
    }
    if method == "POST":
        environ.update(CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)))
    environ.update({f"HTTP_{k.upper()}": v for k, v in headers.items()}, **(environ_extra or {}))
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
        seen["status"], seen["headers"] = status, response_headers

    if app is None:  # the server's application, with its fronts (imported late: it sets up)
        from seatback.wsgi import application as app
    # As Django's test client does: the test's transaction keeps its connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        chunks = app(environ, start_response)
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return seen["status"], {k.lower(): v for k, v in seen["headers"]}, body


def token_of(reader: Reader) -> dict[str, str]:
    return {"authorization": f"Bearer {ApiToken.issue(reader, clock.now())}"}


def queries_of(request: Callable[[], Answer]) -> tuple[Answer, int]:
    with CaptureQueriesContext(connection) as queries:
        answer = request()
    return answer, len(queries)
