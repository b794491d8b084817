"""The load generator: a separate process that fires HTTP/1.1 requests over loopback.

    python -m bench.loadgen PLAN.json RESULT.json

Run by bench/harness.py (Run.measure), not by hand. asyncio with raw sockets and keep-alive
connections: no HTTP library in the hot path, so one process drives thousands of requests
a second and reports its own CPU time (the suite flags a run whose generator was near one
core).

The plan (JSON; bench/harness.py: plan() builds one) says:
  host, port; mode: "closed" (each connection sends its next request as soon as the last
  answer came), "open" (request i is due at start + i / rate, whatever the server does;
  latency is counted from when it was due, so a slow server cannot hide its queue),
  "burst" (every connection opened first, then all send their one request at once), or
  "arrivals" (visitors: [[offset s, [request index, ...]], ...]; each visitor sends its
  first request at start + offset and, while the answer's code is one of retry's keys and
  it has requests left, its next one: at once ("now") or after the answer's Retry-After
  ("after"); latency is counted from when a request was sent; with follow: S, each
  visitor instead keeps at it for S seconds: after each busy's Retry-After it asks again,
  after seat_unavailable it asks for one of the seats the refusal offers (`free_seats`),
  and it stops at `free: 0` (outcome "409 nothing_left") or any other answer);
  connections; rate (open); duration (s, the bound on sending; arrivals: on arriving);
  max_requests; timeout (s per request); tokens: bearer tokens; requests: [method, path,
  token index, JSON body or absent] (closed mode cycles through them); parse: whether to
  read "outcome"/"error.code" from JSON answers (scans) or only the status (reads);
  label_ok: the code of a 2xx JSON answer that has no outcome (default "?").
The result: elapsed seconds, client CPU seconds, and per request [index, status, label,
latency ms, finished at s], status 0 for a request with no answer (label says why);
arrivals: also outcomes, each visitor's last label (follow: and settled_after, seconds from
arriving to that last answer).
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from typing import Any


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reconnects = 0

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes, float | None]:
        """Send one request, read one answer; reconnect once if an idle keep-alive
        connection was closed by the server before it read the request (nothing came)."""
        for attempt in (0, 1):
            if self.writer is None:
                await self.open()
            assert self.reader is not None and self.writer is not None
            self.writer.write(raw)
            try:
                head = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionResetError) as exc:
                partial = getattr(exc, "partial", b"")
                self.close()
                if attempt == 0 and not partial:
                    self.reconnects += 1
                    continue
                raise
            return await self._rest(head)
        raise ConnectionError("closed twice")

    async def _rest(self, head: bytes) -> tuple[int, bytes, float | None]:
        """The body after the head; and the status and Retry-After (seconds) the head gave."""
        assert self.reader is not None
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        retry_after: float | None = None
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
            elif name == b"retry-after":
                try:
                    retry_after = float(value)
                except ValueError:
                    retry_after = None
        if chunked:
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, body, retry_after


def label_of(status: int, body: bytes, parse: bool, ok: str = "?") -> str:
    if not parse:
        return str(status)
    try:
        data = json.loads(body)
    except ValueError:
        return f"{status} not json"
    if isinstance(data, dict):
        default = ok if 200 <= status < 300 else "?"
        code = data.get("outcome") or (data.get("error") or {}).get("code") or default
        return f"{status} {code}"
    return str(status)


def build_one(plan: dict[str, Any], method: str, path: str, token_index: Any, text: Any) -> bytes:
    host = f"{plan['host']}:{plan['port']}".encode()
    body = text.encode() if text is not None else b""
    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + host]
    if token_index is not None and token_index >= 0:
        lines.append(f"Authorization: Bearer {plan['tokens'][token_index]}".encode())
    lines.append(b"Accept-Language: en")
    if body:
        lines.append(b"Content-Type: application/json")
    if method == "POST" or body:
        lines.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def build(plan: dict[str, Any]) -> list[bytes]:
    return [
        build_one(plan, method, path, token_index, rest[0] if rest else None)
        for method, path, token_index, *rest in plan["requests"]
    ]


def offered(body: bytes) -> tuple[int | None, list[int]]:
    """A booking refusal's offer (reservations: `free`, `free_seats`), if it has one."""
    try:
        error = json.loads(body).get("error") or {}
    except (ValueError, AttributeError):
        return None, []
    free = error.get("free")
    return (free if isinstance(free, int) else None), list(error.get("free_seats") or [])


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    raws = build(plan)
    mode = plan["mode"]
    connections = int(plan["connections"])
    duration = float(plan["duration"])
    limit = min(int(plan.get("max_requests") or 10**9), 10**9)
    if mode != "closed":
        limit = min(limit, len(raws))
    timeout = float(plan.get("timeout", 30))
    parse = bool(plan.get("parse", True))
    ok = str(plan.get("label_ok", "?"))
    results: list[list[Any]] = []
    outcomes: list[str] = []
    reconnects = 0
    pool = [Connection(plan["host"], plan["port"]) for _ in range(connections)]
    if mode == "burst":
        await asyncio.gather(*(c.open() for c in pool))
    started = time.perf_counter()
    done = 0
    stop_sending = started + duration

    async def one(
        conn: Connection, index: int, due: float, raw: bytes | None = None
    ) -> tuple[str, float | None, bytes]:
        """Send request `index` (or `raw` in its name), record its answer; the label, the
        Retry-After and the body."""
        nonlocal done
        raw = raw if raw is not None else raws[index % len(raws)]
        retry_after: float | None = None
        body = b""
        try:
            status, body, retry_after = await asyncio.wait_for(conn.request(raw), timeout)
            label = label_of(status, body, parse, ok)
        except TimeoutError:
            conn.close()
            status, label = 0, "client timeout"
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            conn.close()
            status, label = 0, f"client {type(exc).__name__}"
        end = time.perf_counter()
        results.append([index, status, label, (end - due) * 1000, end - started])
        done += 1
        return label, retry_after, body

    async def progress() -> None:
        last = 0
        while True:
            await asyncio.sleep(1)
            now = time.perf_counter() - started
            print(
                f"    {now:5.1f} s  {done:>7} answers  {done - last:>6}/s",
                file=sys.stderr,
                flush=True,
            )
            last = done

    ticker = asyncio.create_task(progress())
    if mode == "closed":
        counter = iter(range(limit))

        async def loop(conn: Connection) -> None:
            while time.perf_counter() < stop_sending:
                index = next(counter, None)
                if index is None:
                    return
                await one(conn, index, time.perf_counter())

        await asyncio.gather(*(loop(c) for c in pool))
    elif mode == "burst":
        await asyncio.gather(*(one(c, i, started) for i, c in enumerate(pool[:limit])))
    elif mode == "arrivals":
        retry: dict[str, str] = plan.get("retry", {})
        idle = pooled(pool)

        async def visitor(offset: float, indexes: list[int]) -> None:
            await asyncio.sleep(max(0.0, started + offset - time.perf_counter()))
            label = "not sent"
            for n, index in enumerate(indexes):
                conn = await idle.get()
                try:
                    label, retry_after, _body = await one(conn, index, time.perf_counter())
                finally:
                    idle.put_nowait(conn)
                code = label.partition(" ")[2]
                if code not in retry or n == len(indexes) - 1:
                    break
                if retry[code] == "after":
                    await asyncio.sleep(retry_after if retry_after is not None else 1.0)
            outcomes.append(label)

        async def follower(offset: float, indexes: list[int]) -> None:
            """A reader who keeps at it for `follow` seconds: waits each busy's Retry-After
            and asks again, takes one of the other seats a refusal offers, and stops at a
            booking, at `free: 0` (nothing left: a definite answer) or at any other answer."""
            arrive = started + offset
            await asyncio.sleep(max(0.0, arrive - time.perf_counter()))
            index = indexes[0]
            method, path, token_index, text = plan["requests"][index]
            raw, label, rng = None, "not sent", random.Random(index)
            while True:
                conn = await idle.get()
                try:
                    label, retry_after, body = await one(conn, index, time.perf_counter(), raw)
                finally:
                    idle.put_nowait(conn)
                code = label.partition(" ")[2]
                if code not in ("busy", "seat_unavailable"):
                    break  # booked, or an answer no retry changes
                free, seats = offered(body)
                if free == 0:
                    label = "409 nothing_left"
                    break
                if time.perf_counter() - arrive > follow:
                    label = f"gave up after {follow:.0f} s ({label})"
                    break
                if code == "busy":
                    await asyncio.sleep(retry_after if retry_after is not None else 1.0)
                    continue
                if not seats:  # no offer (not yet known): another seat of the plan's choice
                    index = indexes[rng.randrange(len(indexes))]
                    raw, text = None, plan["requests"][index][3]
                    continue
                text = json.dumps({**json.loads(text), "seat_id": rng.choice(seats)})
                raw = build_one(plan, method, path, token_index, text)
            outcomes.append(label)
            settled_after.append(time.perf_counter() - arrive)

        follow = float(plan.get("follow") or 0)
        settled_after: list[float] = []
        who = follower if follow else visitor
        await asyncio.gather(
            *(who(offset, ix) for offset, ix in plan["visitors"] if offset <= duration)
        )
    else:  # open loop
        rate = float(plan["rate"])
        free = pooled(pool)
        tasks = []

        async def scheduled(index: int, due: float) -> None:
            nonlocal done
            # A request still waiting for a connection `timeout` s after it was due is
            # given up and counted (never sent): the run stays bounded in time.
            try:
                conn = await asyncio.wait_for(
                    free.get(), max(0.0, due + timeout - time.perf_counter())
                )
            except TimeoutError:
                end = time.perf_counter()
                results.append(
                    [index, 0, "client gave up (queued)", (end - due) * 1000, end - started]
                )
                done += 1
                return
            try:
                await one(conn, index, due)
            finally:
                free.put_nowait(conn)

        for index in range(limit):
            due = started + index / rate
            if due > stop_sending:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(scheduled(index, due)))
        await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    ticker.cancel()
    for conn in pool:
        reconnects += conn.reconnects
        conn.close()
    out: dict[str, Any] = {"elapsed": elapsed, "results": results, "reconnects": reconnects}
    if mode == "arrivals":
        out["outcomes"] = outcomes
        if follow:
            out["settled_after"] = settled_after
    return out


def pooled(pool: list[Connection]) -> asyncio.Queue[Connection]:
    """The connections as a queue of idle ones: take one, put it back when answered."""
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for conn in pool:
        idle.put_nowait(conn)
    return idle


def main() -> None:
    plan_path, result_path = sys.argv[1], sys.argv[2]
    with open(plan_path) as handle:
        plan = json.load(handle)
    cpu = time.process_time()
    result = asyncio.run(run(plan))
    result["client_cpu"] = time.process_time() - cpu
    with open(result_path, "w") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
