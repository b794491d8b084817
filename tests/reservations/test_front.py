"""The booking front door (seatback/reservations/front.py) around a WSGI application.

The application inside is a plain WSGI callable that holds each booking until released,
so the test controls exactly how many are inside; no clock, no sleep.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.test import override_settings

from seatback.api.front import BOOKING_PATH, BookingFront


class HeldApplication:
    """Answers 201 once `release` is set; counts the requests that reached it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.arrived = threading.Semaphore(0)
        self.reached = 0

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        self.reached += 1
        self.arrived.release()
        self.release.wait(timeout=10)
        start_response("201 Created", [("Content-Type", "application/json")])
        return [b"{}"]


def call(app: BookingFront, method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": method, "PATH_INFO": path}, start_response))
    return seen["status"], seen["headers"], body


@override_settings(BOOKING_FRONT=2, LANGUAGE_CODE="en")
def test_past_the_cap_a_booking_is_told_busy_at_once_and_others_pass() -> None:
    inner = HeldApplication()
    front = BookingFront(inner)
    answers: list[str] = []
    inside = [
        threading.Thread(target=lambda: answers.append(call(front, "POST", BOOKING_PATH)[0]))
        for _ in range(2)
    ]
    for thread in inside:
        thread.start()
    for _ in inside:
        assert inner.arrived.acquire(timeout=10)

    status, headers, body = call(front, "POST", BOOKING_PATH)
    assert status.startswith("503")
    assert headers["Retry-After"] == "1"
    assert json.loads(body)["error"]["code"] == "busy"
    assert inner.reached == 2  # the third never reached the application

    inner.release.set()  # other requests are never capped: this GET passes straight through
    assert call(front, "GET", BOOKING_PATH)[0].startswith("201")
    for thread in inside:
        thread.join(timeout=10)
    assert sorted(answers) == ["201 Created", "201 Created"]

    # Once they are done, the places are free again, even after many requests.
    assert call(front, "POST", BOOKING_PATH)[0].startswith("201")
    assert call(front, "POST", BOOKING_PATH)[0].startswith("201")


@override_settings(BOOKING_FRONT=1)
def test_a_failing_booking_gives_its_place_back() -> None:
    failures = [RuntimeError("the application failed")] * 3

    def flaky(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if failures:
            raise failures.pop()
        start_response("201 Created", [])
        return [b"{}"]

    front = BookingFront(flaky)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            call(front, "POST", BOOKING_PATH)
    assert call(front, "POST", BOOKING_PATH)[0].startswith("201")  # not told busy
