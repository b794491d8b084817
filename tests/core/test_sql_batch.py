"""core.sql.batch: several statements in one round trip (PostgreSQL), each read after the
locks before it. A scan sends its lock timeout, its seat and reader locks and its three
reads this way; if a read took its snapshot before the lock wait ended, two scans racing
for one seat could both see it free."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import psycopg
import pytest
from django.db import connection, connections, transaction

from seatback.core import sql

pytestmark = pytest.mark.django_db(transaction=True)

T = TypeVar("T")


@pytest.fixture
def tables() -> Iterator[None]:
    """A row to lock (t) and a table another transaction writes to while we wait (u)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE batch_t (id integer PRIMARY KEY)")
        cursor.execute("CREATE TABLE batch_u (x integer)")
        cursor.execute("INSERT INTO batch_t VALUES (1)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE batch_t")
        cursor.execute("DROP TABLE batch_u")


def test_each_statement_returns_its_own_rows(tables: None) -> None:
    with transaction.atomic():
        found = sql.batch(
            [
                sql.Statement("INSERT INTO batch_u VALUES (%s)", [7]),
                sql.Statement("SELECT id FROM batch_t WHERE id = %s", [1]),
                sql.Statement("SELECT x FROM batch_u WHERE x > %s", [100]),
                sql.Statement("SELECT x FROM batch_u"),
            ]
        )
    assert found == [[], [(1,)], [], [(7,)]]


def test_a_statement_given_the_wrong_number_of_parameters_is_refused(tables: None) -> None:
    """Joined into one query, one statement's extra parameter would go to the next."""
    two_and_none = [
        sql.Statement("SELECT id FROM batch_t WHERE id = %s", [1, 2]),
        sql.Statement("SELECT x FROM batch_u"),
    ]
    with pytest.raises(ValueError, match="2 parameters"):
        sql.batch(two_and_none)
    assert sql.batch([]) == []


def _waits_for_lock(pid: int) -> None:
    """Until backend `pid` waits for a row lock (no sleep: each look is a query)."""
    with psycopg.connect(_dsn(), autocommit=True) as look:
        for _ in range(100_000):
            row = look.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()
            if row and row[0] == "Lock":
                return
    raise AssertionError("the batch never waited for the lock")


def _dsn() -> str:
    params = connection.get_connection_params()
    return psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k in ("host", "port", "user", "password", "dbname")}
    )


def _while_another_commits(work: Callable[[], T]) -> T:
    """Another transaction holds batch_t's row; `work` runs in a transaction of ours that
    waits for it, and while it waits the other inserts into batch_u and commits."""
    started = threading.Event()
    pids: list[int] = []

    def ours() -> T:
        try:
            with transaction.atomic():
                pids.append(connection.connection.info.backend_pid)
                started.set()
                return work()
        finally:
            connections.close_all()

    # The pool outside: should anything fail, `other` ends first, releasing its lock, so
    # the pool's thread finishes and the test fails instead of hanging.
    with ThreadPoolExecutor(1) as pool, psycopg.connect(_dsn()) as other:
        other.execute("SELECT id FROM batch_t WHERE id = 1 FOR NO KEY UPDATE")
        pending = pool.submit(ours)
        assert started.wait(30)
        _waits_for_lock(pids[0])
        other.execute("INSERT INTO batch_u VALUES (1)")
        other.commit()
        return pending.result(timeout=30)


LOCK = "SELECT id FROM batch_t WHERE id = %s FOR NO KEY UPDATE"


def test_a_read_after_a_lock_sees_what_was_committed_while_waiting(tables: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs the statements one by one, under its one write lock")
    reads = [sql.Statement(LOCK, [1]), sql.Statement("SELECT count(*) FROM batch_u")]
    assert _while_another_commits(lambda: sql.batch(reads)) == [[(1,)], [(1,)]]


def test_control_one_statement_reads_from_before_the_wait(tables: None) -> None:
    """The same read inside the locking statement took its snapshot before the wait: it
    misses the insert. This is what the separate statements of a batch avoid."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and snapshots are PostgreSQL's")
    inside = "SELECT (SELECT count(*) FROM batch_u) FROM batch_t WHERE id = %s FOR NO KEY UPDATE"
    assert _while_another_commits(lambda: sql.rows(inside, [1])) == [(0,)]
