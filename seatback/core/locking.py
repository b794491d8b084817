"""Locking for writes that many phones race for (seats, bookings): one transaction shape,
and one answer when a lock cannot be had in time, `busy` (503, retry after a second).

Like pretix's base/services/locking.py: take locks late, in a fixed order (the caller's
job: seat, then reader), and wait briefly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction

from seatback.core import sql
from seatback.core.errors import Refusal

log = logging.getLogger(__name__)

# SQLite lets writers that wait for its one write lock poll for it, sleeping up to 100 ms
# between tries, so in a rush one scan can lose again and again until its busy timeout runs
# out, while the lock sits free during the sleeps. A process's seat writes therefore queue
# here first, each woken the moment the one before it is done; BEGIN IMMEDIATE still
# orders them against other processes and other writes.
_sqlite_writes = threading.RLock()


def lock_timeout() -> list[sql.Statement]:
    """What makes this transaction's lock waits end after SEATBACK_LOCK_TIMEOUT seconds:
    on PostgreSQL one statement, for a caller of seat_transaction(set_timeout=False) to
    send in the same round trip as its first lock (sql.batch); on SQLite nothing."""
    if connection.vendor != "postgresql":
        return []
    return [
        sql.Statement("SET LOCAL lock_timeout = %s", [f"{settings.SEAT_LOCK_TIMEOUT_SECONDS}s"])
    ]


@contextmanager
def seat_transaction(*, set_timeout: bool = True) -> Iterator[None]:
    """A transaction whose locks make the first of simultaneous writes win cleanly.

    SQLite: BEGIN IMMEDIATE serialises writers (a process's writes queue first on
    _sqlite_writes). PostgreSQL: the caller locks its rows FOR NO KEY UPDATE, and waits at
    most SEATBACK_LOCK_TIMEOUT seconds (set here, or with set_timeout=False by the caller
    before its first lock: lock_timeout). settings.SEAT_LOCKING=False (the tests' control
    run only) drops all of it, to show what the locks prevent.
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        configured = connection.settings_dict["OPTIONS"].get("transaction_mode")
        connection.transaction_mode = configured if settings.SEAT_LOCKING else None  # type: ignore[attr-defined]
        if settings.SEAT_LOCKING:
            wait = float(connection.settings_dict["OPTIONS"].get("timeout", 5))
            if not _sqlite_writes.acquire(timeout=wait):
                raise OperationalError("database is locked (waited for this process's writes)")
            try:
                with transaction.atomic():
                    yield
            finally:
                _sqlite_writes.release()
            return
    with transaction.atomic():
        if set_timeout:
            for statement in lock_timeout():
                sql.execute(statement.text, statement.params)
        yield


@contextmanager
def busy_when_contended(what: str) -> Iterator[None]:
    """A lock wait that ran out, SQLite staying busy, or (never with locking on) a unique
    constraint catching a race becomes Refusal("busy"): nothing was written; try again."""
    try:
        yield
    except (OperationalError, IntegrityError) as exc:
        log.warning("%s: %s", what, exc)
        raise Refusal("busy", retry_after=1) from exc
