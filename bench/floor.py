"""The floor: the database work of a scan, done directly, without Seatback around it.

capture() runs each kind of scan once through the whole Django stack in-process (the test
client, a bearer token, the real view and `perform`) with an execute wrapper that records
every SQL statement and its parameters: that is "the SQL one scan issues", from the token
lookup to the seat rendered for the answer. replay() then repeats, for every scan a run
answered, the statements of that scan's kind (challenge accepted, return accepted, ...,
or refused), with the seat, reader and token swapped in and every time shifted to now, in
one transaction per scan, from a tight loop with as many connections as the server used
(psycopg or sqlite3 directly, several processes so that Python is not the limit).

Row ids a statement names (the challenge a return ends, the hold a release ends) are taken
from what the replayed SELECTs of the same scan returned, as Seatback does.

measure() is what the suite's scan scenarios call: the floor of a run's answered scans.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import multiprocessing
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench.harness import model, percentile, reset_scans, say

if TYPE_CHECKING:
    from bench.harness import Context, Seeded

CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b", re.I)
SQLITE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$")

Statement = tuple[str, list[Any]]


# Capture (in the suite process, Django set up on the bench database) --------------------


def capture(spare: Seeded) -> dict[str, Any]:
    """Templates keyed "intent:outcome" (accepted) or "intent:refused", from scans of the
    spare room's one seat by its three readers; plus what to swap in them."""
    from django.db import connection
    from django.test import Client

    seat_id, seat_code, tokens = spare.seat_ids[0], spare.codes[0], spare.tokens
    sequence = [
        (0, "release", "release:refused"),
        (0, "return", "return:refused"),
        (0, "claim", "claim:refused"),
        (0, "challenge", "challenge:challenge_started"),
        (1, "challenge", "challenge:refused"),
        (1, "return", "return:returned"),
        (1, "release", "release:released"),
        (2, "withdraw", "withdraw:refused"),
    ]
    templates: dict[str, list[tuple[str, list[Any]]]] = {}
    captured_at = datetime.now().astimezone()
    for who, intent, name in sequence:
        statements: list[Statement] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            plain = [p.value if isinstance(p, enum.Enum) else p for p in params or []]
            statements.append((sql, plain))  # noqa: B023
            return execute(sql, params, many, context)

        client = Client(headers={"Authorization": f"Bearer {tokens[who]}"})
        with connection.execute_wrapper(record), quiet():
            response = client.post(
                f"/api/v1/seats/{seat_code}/{intent}", content_type="application/json"
            )
        body = response.json()
        got = body.get("outcome") or body.get("error", {}).get("code")
        templates[name] = [(sql, params) for sql, params in statements if not CONTROL.match(sql)]
        templates[name + "#answer"] = [got]  # type: ignore[list-item]
    ids = {
        name: list(
            model("seats", name).objects.filter(seat_id=seat_id).values_list("id", flat=True)
        )
        for name in ("Challenge", "Hold")
    }
    return {
        "templates": {k: v for k, v in templates.items() if "#" not in k},
        "answers": {k.split("#")[0]: v[0] for k, v in templates.items() if "#" in k},
        "seat_id": seat_id,
        "seat_code": seat_code,
        "reader_ids": list(spare.reader_ids),
        "digests": list(spare.digests),
        "challenge_ids": ids["Challenge"],
        "hold_ids": ids["Hold"],
        "captured_at": captured_at.timestamp(),
    }


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Refusals log a warning each (django.request); not wanted in the suite's output."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def template_for(intent: str, label: str, templates: dict[str, Any]) -> str | None:
    """The template for a scan answered `label` ("200 challenge_started", "409 cooldown")."""
    status, _, code = label.partition(" ")
    if status.startswith("2") and f"{intent}:{code}" in templates:
        return f"{intent}:{code}"
    if status in ("400", "403", "409", "423", "429") and f"{intent}:refused" in templates:
        return f"{intent}:refused"
    return None


# Replay (in worker processes, no Django) -------------------------------------------------


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, datetime):
        return value + delta
    if isinstance(value, str) and SQLITE_TIME.match(value):
        moment = datetime.fromisoformat(value) + delta
        return moment.isoformat(sep=" ")
    return value


def _substitute(
    params: list[Any],
    swap: dict[Any, Any],
    ids: dict[str, Any],
    kinds: dict[Any, str],
    delta: timedelta,
) -> list[Any]:
    out = []
    for value in params:
        if isinstance(value, int) and not isinstance(value, bool) and value in kinds:
            value = ids.get(kinds[value], value)
        elif value in swap:
            value = swap[value]
        else:
            value = _shift(value, delta)
        out.append(value)
    return out


def _connect(database: dict[str, Any]) -> Any:
    if database["vendor"] == "sqlite":
        import sqlite3

        conn = sqlite3.connect(database["path"], timeout=10, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn
    import psycopg

    # Client-side binding, as Django uses it (SET LOCAL cannot take a server-side parameter).
    return psycopg.connect(database["dsn"], autocommit=True, cursor_factory=psycopg.ClientCursor)


def _one_scan(
    conn: Any,
    vendor: str,
    statements: list[Statement],
    swap: dict[Any, Any],
    kinds: dict[Any, str],
    delta: timedelta,
) -> None:
    ids: dict[str, Any] = {}
    cur = conn.cursor()
    cur.execute("BEGIN IMMEDIATE" if vendor == "sqlite" else "BEGIN")
    try:
        for sql, params in statements:
            values = _substitute(params, swap, ids, kinds, delta)
            if vendor == "sqlite":
                sql = re.sub(r"(?<!%)%s", "?", sql).replace("%%", "%")
            cur.execute(sql, values)
            head = sql.lstrip()[:40]
            if head.startswith("SELECT") and cur.description:
                rows = cur.fetchall()
                if rows and head.startswith('SELECT "seats_challenge"."id"'):
                    ids["challenge"] = rows[0][0]
                elif rows and head.startswith('SELECT "seats_hold"."id"'):
                    ids["hold"] = rows[0][0]
        cur.execute("COMMIT")
    except Exception:
        cur.execute("ROLLBACK")
        raise


def _worker(args: tuple[dict[str, Any], dict[str, Any], list[list[Any]], int]) -> dict[str, Any]:
    database, capture_, jobs, threads = args
    vendor = database["vendor"]
    templates = capture_["templates"]
    kinds: dict[Any, str] = {i: "challenge" for i in capture_["challenge_ids"]}
    kinds.update({i: "hold" for i in capture_["hold_ids"]})
    delta = timedelta(seconds=time.time() - capture_["captured_at"])
    lock = threading.Lock()
    cursor = iter(jobs)
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    writer = threading.Lock()
    ready = threading.Barrier(threads + 1)  # every connection open before the clock starts

    def loop() -> None:
        conn = _connect(database)
        ready.wait()
        while True:
            with lock:
                job = next(cursor, None)
            if job is None:
                break
            name, seat_id, seat_code, reader_id, digest = job
            swap: dict[Any, Any] = {capture_["seat_id"]: seat_id, capture_["seat_code"]: seat_code}
            for rid, dig in zip(capture_["reader_ids"], capture_["digests"], strict=True):
                swap[rid] = reader_id
                swap[dig] = digest
            started = time.perf_counter()
            try:
                # SQLite: a process's scans queue on a lock before BEGIN IMMEDIATE, as
                # Seatback's do (seats.services._sqlite_scans), not on SQLite's busy polling.
                with writer if vendor == "sqlite" else contextlib.nullcontext():
                    _one_scan(conn, vendor, templates[name], swap, kinds, delta)
            except Exception as exc:  # a unique constraint or lock: counted, as a conflict
                with lock:
                    errors[type(exc).__name__] += 1
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
        conn.close()

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    for thread in pool:
        thread.start()
    ready.wait()
    cpu = time.process_time()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    return {
        "elapsed": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "latencies": latencies,
        "errors": dict(errors),
    }


def replay(
    database: dict[str, Any],
    capture_: dict[str, Any],
    jobs: list[list[Any]],
    connections: int,
    processes: int = 2,
) -> dict[str, Any]:
    """Replay `jobs` ([template, seat id, seat code, reader id, token digest], in the order
    the server answered them) over `connections` connections in `processes` processes."""
    if database["vendor"] == "sqlite":
        processes = 1  # like the embedded server: one process, its writers queued
    processes = max(1, min(processes, connections))
    per = [
        connections // processes + (1 if i < connections % processes else 0)
        for i in range(processes)
    ]
    shares: list[list[list[Any]]] = [[] for _ in range(processes)]
    for i, job in enumerate(jobs):
        shares[i % processes].append(job)
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(processes) as pool:
        pending = pool.map_async(
            _worker, [(database, capture_, shares[i], per[i]) for i in range(processes)]
        )
        parts = pending.get(timeout=900)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for part in parts for x in part["latencies"])
    errors: Counter[str] = Counter()
    for part in parts:
        errors.update(part["errors"])
    busiest = max(part["elapsed"] for part in parts)
    return {
        "scans": len(latencies),
        "elapsed": busiest,
        "wall": elapsed,
        "throughput": len(latencies) / busiest if busiest else 0.0,
        "latencies": latencies,
        "errors": dict(errors),
        "client_cpu": sum(part["cpu"] for part in parts),
        "statements": {name: len(stmts) for name, stmts in capture_["templates"].items()},
    }


# The floor of a run (in the suite process) -------------------------------------------------


def measure(
    ctx: Context, plan: list[tuple[str, int, int]], raw: dict[str, Any], connections: int
) -> dict[str, Any]:
    """Reset the scans, replay the SQL of the scans the server answered in `raw` (the
    load generator's result for `plan`) directly; the floor's figures."""
    assert ctx.capture is not None
    jobs, unmatched = [], Counter[str]()
    for index, _status, label, _ms, _finished in sorted(raw["results"], key=lambda r: r[4]):
        intent, reader, seat = plan[index]
        name = template_for(intent, label, ctx.capture["templates"])
        if name is None:
            unmatched[label] += 1
            continue
        jobs.append(
            [
                name,
                ctx.lib.seat_ids[seat],
                ctx.lib.codes[seat],
                ctx.lib.reader_ids[reader],
                ctx.lib.digests[reader],
            ]
        )
    # A short run answers few scans; the floor repeats them (from a fresh start each time,
    # untimed) until it has timed at least --floor-scans.
    reps = max(1, min(20, -(-ctx.args.floor_scans // max(1, len(jobs)))))
    say(
        f"    floor: replaying {len(jobs)} scans' SQL directly x {reps},"
        f" over {connections} connections"
    )
    parts = []
    for _ in range(reps):
        reset_scans(ctx.lib.room_ids)
        parts.append(replay(ctx.run.database(), ctx.capture, jobs, connections))
    out = dict(parts[0])
    ms = sorted(x for part in parts for x in part["latencies"])
    out.pop("latencies")
    elapsed = sum(part["elapsed"] for part in parts)
    errors: Counter[str] = Counter()
    for part in parts:
        errors.update(part["errors"])
    out.update(
        scans=len(ms),
        throughput=round(len(ms) / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(percentile(ms, 0.5), 2),
        p99_ms=round(percentile(ms, 0.99), 2),
        errors=dict(errors),
        repetitions=reps,
        unmatched=dict(unmatched),
        elapsed=round(elapsed, 2),
        client_cpu=round(sum(part["client_cpu"] for part in parts), 2),
        wall=round(sum(part["wall"] for part in parts), 2),
    )
    return out
