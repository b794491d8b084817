"""Admission for bookings in a rush: a few at a time per server process, a short queue
served first come first served, and an immediate, honest `busy` (503, Retry-After) for
everyone beyond it.

When a day's seats open, thousands of phones ask at once. A booking is a short write, and
the database takes one write per seat at a time (SQLite: one at a time in all), so letting
every request wait would only turn a rush into timeouts. Requests past the queue are told
at once to try again in a few seconds, which costs the server almost nothing.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from seatback.core.errors import Refusal


class Admission:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        # One event per waiting request, oldest first: a place that frees up is handed to
        # the head of the line, so arrival order decides who books first.
        self._line: deque[threading.Event] = deque()

    @property
    def waiting(self) -> int:
        return len(self._line)

    @contextmanager
    def enter(self) -> Iterator[None]:
        # Read at each entry (not at import) so that tests may change them.
        limit, queue = settings.BOOKING_CONCURRENCY, settings.BOOKING_QUEUE
        wait = settings.BOOKING_QUEUE_WAIT_SECONDS
        ticket: threading.Event | None = None
        with self._lock:
            if self._running < limit and not self._line:
                self._running += 1
            elif len(self._line) >= queue:
                # Roughly how long the line ahead takes to clear, at least a second.
                raise Refusal("busy", retry_after=max(1, math.ceil(queue / (limit * 25))))
            else:
                ticket = threading.Event()
                self._line.append(ticket)
        if ticket is not None and not ticket.wait(wait):
            with self._lock:
                if not ticket.is_set():  # not handed a place while giving up
                    self._line.remove(ticket)
                    raise Refusal("busy", retry_after=1)
        try:
            yield
        finally:
            with self._lock:
                if self._line:
                    self._line.popleft().set()  # the place passes on; _running stays
                else:
                    self._running -= 1


bookings = Admission()
