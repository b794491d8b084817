"""Tools for racing real HTTP requests against the live server.

Every reader gets its own `requests.Session`, signed in beforehand with POST /api/v1/session.
Signing in also opens the session's keep-alive connection, so when the threads are released
by the barrier each request goes straight out on an open socket: the requests reach the
server together, not one by one through the listen queue.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests

from seatback.core import locking
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats import services

TIMEOUT = 60  # seconds; a request that takes this long is a failure, never a wait


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    retry_after_header: str | None
    seconds: float

    @property
    def code(self) -> str:
        """The outcome of a 200, or the refusal code of anything else."""
        if "outcome" in self.body:
            return str(self.body["outcome"])
        error = self.body.get("error")
        if isinstance(error, dict):
            return str(error.get("code"))
        return f"<{self.status} without a code>"

    @property
    def label(self) -> str:
        return f"{self.status} {self.code}"


class Phone:
    """One reader's phone: a signed-in session with its connection already open."""

    def __init__(self, base_url: str, card_number: str, password: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        response = self.session.post(
            f"{base_url}/api/v1/session",
            json={"card_number": card_number, "password": password},
            timeout=TIMEOUT,
        )
        assert response.status_code == 200, response.text
        self.session.headers["Authorization"] = f"Bearer {response.json()['token']}"
        self.card_number = card_number

    def intent(self, code: str, intent: str, **body: Any) -> Reply:
        started = time.perf_counter()
        response = self.session.post(
            f"{self.base_url}/api/v1/seats/{code}/{intent}", json=body, timeout=TIMEOUT
        )
        seconds = time.perf_counter() - started
        try:
            payload = response.json()
        except ValueError:
            payload = {"raw": response.text[:500]}
        return Reply(response.status_code, payload, response.headers.get("Retry-After"), seconds)

    def close(self) -> None:
        self.session.close()


def together(calls: list[Callable[[], Reply]]) -> list[Reply]:
    """Run every call in its own thread, all released at the same instant by a barrier.

    Replies come back in the order of `calls`; an exception in any thread is raised here.
    """
    barrier = threading.Barrier(len(calls))
    replies: list[Reply | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Reply]) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            replies[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported in the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(i, call), name=f"phone-{i}", daemon=True)
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    if errors:
        raise errors[0]
    assert all(reply is not None for reply in replies), "a request never came back"
    return [reply for reply in replies if reply is not None]


def tally(replies: Iterable[Reply]) -> Counter[str]:
    return Counter(reply.label for reply in replies)


@dataclass
class CheckProbe:
    """Counts the transactions that passed the rule's check and went on to write.

    It wraps `services.APPLY` (the writers `perform` calls only when `refusal_for` found no
    reason to refuse), so it observes without changing timing in any way that matters: a
    counter increment under a lock. Counts are per (intent, seat id).

    It also times how long each scan waited for its locks: from entering
    `locking.seat_transaction` (SQLite waits in its BEGIN IMMEDIATE) to `lock_then_read`
    returning (PostgreSQL waits there; the time includes the reads sent with the locks), to
    show how far the waits stay below the lock timeout.
    """

    counts: Counter[tuple[str, int]] = field(default_factory=Counter)
    lock_waits: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def passed(self, intent: str, seat_id: int) -> int:
        return self.counts[(intent, seat_id)]

    def longest_wait(self) -> float:
        with self.lock:
            waits, self.lock_waits = self.lock_waits, []
        return max(waits, default=0.0)

    @contextmanager
    def installed(self) -> Iterator[CheckProbe]:
        originals = dict(services.APPLY)

        def counting(intent: str) -> Callable[[services.Situation, int | None], str]:
            apply = originals[intent]

            def counted(situation: services.Situation, minutes: int | None) -> str:
                with self.lock:
                    self.counts[(intent, situation.seat.pk)] += 1
                return apply(situation, minutes)

            return counted

        entered = threading.local()
        transaction, lock = locking.seat_transaction, services.lock_then_read

        @contextmanager
        def timed_transaction(**kwargs: Any) -> Iterator[None]:
            entered.at = time.perf_counter()
            with transaction(**kwargs):
                yield

        def timed_lock(seat: Seat, reader: Reader, *args: Any, **kwargs: Any) -> Any:
            locked = lock(seat, reader, *args, **kwargs)
            with self.lock:
                self.lock_waits.append(time.perf_counter() - entered.at)
            return locked

        for intent in originals:
            services.APPLY[intent] = counting(intent)
        locking.seat_transaction, services.lock_then_read = timed_transaction, timed_lock
        try:
            yield self
        finally:
            services.APPLY.update(originals)
            locking.seat_transaction, services.lock_then_read = transaction, lock
