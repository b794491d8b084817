"""The front door for bookings: a per-process cap on booking requests inside Django,
answered with an immediate 503 `busy` (Retry-After) beyond it, before any of Django's work.

In a rush, requests otherwise wait in the server's thread pool, unseen by the admission
line (reservations/admission.py), until each reader has waited seconds. Run the server with more
threads than this cap (SEATBACK_THREADS), so that excess requests reach this check at once
and cost well under a millisecond each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils import translation

from seatback.core.errors import Refusal
from seatback.core.http import refusal_parts

BOOKING_PATH = "/api/v1/reservations"

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class BookingFront:
    def __init__(self, app: App) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._inside = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != BOOKING_PATH:
            return self.app(environ, start_response)
        with self._lock:
            full = self._inside >= settings.BOOKING_FRONT
            if not full:
                self._inside += 1
        if full:
            return self._busy(start_response)
        try:
            # Django builds the whole JSON body before returning: the request is done here.
            return self.app(environ, start_response)
        finally:
            with self._lock:
                self._inside -= 1

    @staticmethod
    def _busy(start_response: Callable[..., Any]) -> list[bytes]:
        with translation.override(settings.LANGUAGE_CODE):
            status, headers, body = refusal_parts(Refusal("busy", retry_after=1), as_json=True)
        start_response(
            f"{status} Service Unavailable", [*headers, ("Content-Length", str(len(body)))]
        )
        return [body]
