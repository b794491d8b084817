"""Never a 500: a lock that is not granted in time is a 503 `busy` with retry_after.

Also: a slow scan on one seat holds up nobody on another seat (PostgreSQL; SQLite has a
single writer by design), and a mixed rush of every intent answers only with refusals the
spec names, keeping the database's invariants.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

import pytest
from django.db import connections
from django.test import override_settings

from seatback.core import clock, locking
from seatback.core.errors import REFUSALS
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats import services
from seatback.seats.models import ScanRecord
from tests.concurrency.race import Phone, Reply, tally, together
from tests.concurrency.test_one_seat import _assert_invariants

LOCK_TIMEOUT = 1  # seconds, for these tests only (the default is 3)


@contextmanager
def in_background(call: Callable[[], Reply]) -> Iterator[Future[Reply]]:
    """Run `call` in a thread; on the way out, do not wait for it (a lock may hold it up)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        yield pool.submit(call)
    finally:
        pool.shutdown(wait=False)


@contextmanager
def seat_locked_by_another_scan(seat: Seat, reader: Reader) -> Iterator[None]:
    """Hold the locks a scan of `seat` by `reader` holds, with the production code."""
    with locking.seat_transaction():
        services.lock(seat, reader)
        yield


def _assert_busy(reply: Reply) -> None:
    assert reply.status == 503, reply
    assert reply.code == "busy"
    assert reply.body["error"]["retry_after"] == 1
    assert reply.retry_after_header == "1"
    assert reply.body["error"]["message"]


@override_settings(SEAT_LOCK_TIMEOUT_SECONDS=LOCK_TIMEOUT)
def test_postgresql_lock_timeout_is_busy_and_recorded_at_once(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
    vendor: str,
) -> None:
    """A scan waiting for a seat another scan holds too long: 503 busy, retry_after 1.

    The answer comes after lock_timeout, while the other scan still holds the seat: the
    busy scan's own record (a row pointing at the locked seat and reader) must not wait
    for that lock, or the reader would hang for as long as the slow scan lasts.
    """
    if vendor != "postgresql":
        pytest.skip("lock_timeout is PostgreSQL's; SQLite's busy timeout is tested below")
    (seat,) = new_seats(1)
    holder, reader = new_readers(2)
    (phone,) = phones([reader])
    with (
        seat_locked_by_another_scan(seat, holder),
        in_background(lambda: phone.intent(seat.code, "challenge")) as pending,
    ):
        reply = pending.result(timeout=LOCK_TIMEOUT + 9)
    _assert_busy(reply)
    assert reply.seconds >= LOCK_TIMEOUT * 0.9
    assert ScanRecord.objects.get(seat=seat, reader=reader).outcome == "busy"


def test_sqlite_busy_timeout_is_busy(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
    monkeypatch: pytest.MonkeyPatch,
    vendor: str,
) -> None:
    """SQLite: another writer keeps the database locked past the busy timeout: 503 busy.

    The scan is not recorded: its record needs the same write lock. The busy timeout is
    cut to 1 s (new connections read it from the settings: set before the phone signs in
    and its server thread connects) to keep the test short.
    """
    if vendor != "sqlite":
        pytest.skip("SQLite's busy timeout; PostgreSQL's lock_timeout is tested above")
    (seat,) = new_seats(1)
    (reader,) = new_readers(1)
    # Connections persist (CONN_MAX_AGE): the phone's server thread opens its connection
    # when the phone signs in, so the shorter timeout must be set before that.
    monkeypatch.setitem(connections.settings["default"]["OPTIONS"], "timeout", LOCK_TIMEOUT)
    (phone,) = phones([reader])
    with (
        database_locked(vendor, seat, reader),
        in_background(lambda: phone.intent(seat.code, "challenge")) as pending,
    ):
        reply = pending.result(timeout=LOCK_TIMEOUT * 2 + 9)
    _assert_busy(reply)
    assert not ScanRecord.objects.filter(seat=seat, reader=reader).exists()


@contextmanager
def database_locked(vendor: str, seat: Seat, holder: Reader) -> Iterator[None]:
    """PostgreSQL: another scan holds `seat`. SQLite: another writer holds the database."""
    if vendor == "postgresql":
        with seat_locked_by_another_scan(seat, holder):
            yield
        return
    other = sqlite3.connect(connections.settings["default"]["NAME"], isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@override_settings(SEAT_LOCK_TIMEOUT_SECONDS=LOCK_TIMEOUT)
def test_an_unknown_intent_is_refused_not_500_while_the_database_is_busy(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
    monkeypatch: pytest.MonkeyPatch,
    vendor: str,
) -> None:
    """An unknown intent is refused (400 invalid_intent) even when its scan record cannot be
    written in time; on PostgreSQL it is written at once, the seat's lock does not stop it."""
    (seat,) = new_seats(1)
    holder, reader = new_readers(2)
    if vendor == "sqlite":  # SQLite's busy timeout (PostgreSQL's lock_timeout is above)
        # Connections persist (CONN_MAX_AGE): the phone's server thread opens its
        # connection when the phone signs in, so the shorter timeout is set before that.
        monkeypatch.setitem(connections.settings["default"]["OPTIONS"], "timeout", LOCK_TIMEOUT)
    (phone,) = phones([reader])
    with (
        database_locked(vendor, seat, holder),
        in_background(lambda: phone.intent(seat.code, "dance")) as pending,
    ):
        reply = pending.result(timeout=LOCK_TIMEOUT + 9)
    assert reply.label == "400 invalid_intent", reply
    recorded = ScanRecord.objects.filter(seat=seat, reader=reader, outcome="invalid_intent")
    assert recorded.exists() == (vendor == "postgresql")


@override_settings(SEAT_LOCK_TIMEOUT_SECONDS=LOCK_TIMEOUT)
def test_postgresql_a_slow_scan_holds_up_no_other_seat(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
    vendor: str,
) -> None:
    """While one scan holds seat A (and its reader), a scan of seat B in the same room goes
    straight through: the locks are the seat's and the reader's rows, not the room's or the
    library's, so a rush on one room is not one queue for the whole library."""
    if vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time by design")
    seat_a, seat_b = new_seats(2)
    holder, reader = new_readers(2)
    (phone,) = phones([reader])
    with (
        seat_locked_by_another_scan(seat_a, holder),
        in_background(lambda: phone.intent(seat_b.code, "challenge")) as pending,
    ):
        reply = pending.result(timeout=LOCK_TIMEOUT + 9)
        assert reply.label == "200 challenge_started", reply


SPEC_CODES = set(REFUSALS) - {"busy", "bad_credentials", "not_found", "forbidden"}
OUTCOMES = {"challenge_started", "claimed", "returned", "withdrawn", "released", "stepped_out"}
INTENTS = ["challenge"] * 4 + ["claim"] * 2 + ["return"] * 2 + ["withdraw", "release", "step-out"]
READERS = 50
SEATS = 5
WAVES = 4


def test_mixed_rush_never_500(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
) -> None:
    """50 readers fire random intents at 5 seats at once, in waves 21 minutes apart (so
    clocks started in one wave are mostly claimed in the next): every answer is an outcome or
    a refusal the spec names (no 500, no busy), every scan is recorded, and the database's
    invariants hold after each wave."""
    picker = random.Random(3)  # noqa: S311 - a fixed, reproducible mix
    seats = new_seats(SEATS)
    devices = phones(new_readers(READERS))
    everything: Counter[str] = Counter()
    running: dict[Phone, Seat] = {}  # whose clock runs where, as their phones were told
    for wave in range(WAVES):
        if wave:
            clock.travel(timedelta(minutes=21))
        calls: list[Callable[[], Reply]] = []
        for phone in devices:
            seat, intent = picker.choice(seats), picker.choice(INTENTS)
            if phone in running and picker.random() < 0.7:
                seat, intent = running[phone], "claim"
            body = {"minutes": 10} if intent == "step-out" else {}
            calls.append(partial(phone.intent, seat.code, intent, **body))
        replies = together(calls)
        counts = tally(replies)
        everything.update(counts)
        for phone, reply in zip(devices, replies, strict=True):
            if reply.code == "challenge_started":
                running[phone] = next(s for s in seats if s.code == reply.body["seat"]["code"])
            elif reply.code in ("claimed", "withdrawn", "challenge_expired"):
                running.pop(phone, None)
        assert all(r.status < 500 for r in replies), counts
        assert {r.code for r in replies} <= OUTCOMES | SPEC_CODES, counts
        _assert_invariants()
    assert ScanRecord.objects.count() == READERS * WAVES
    assert everything["200 challenge_started"] and everything["200 claimed"], everything
    print(f"\nmixed rush: {dict(everything)}")
