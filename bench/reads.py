"""Suite scenario "reads": seat pages and room screens polling while seats change.

First a lived-in library, over HTTP: readers challenge the first 600 seats and every other
one of those is returned to (a hold starts), so the reads meet free, challenged and held
seats. Then, as fast as --read-connections connections go for --seconds: 500 seat pages
(GET /seats/{code}, reader 2000 + i looking at seat 3i) and 100 room screens (GET /rooms
and GET /rooms/{id}/seats in turn). Meanwhile a probe challenges a seat every second and,
for each of the three reads, measures how long after the scan was answered a read was
still *sent* that did not show it (0: the next read showed it).
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from collections import Counter
from typing import Any

from bench.harness import Context, percentile, plan, say, scan_invariants, scan_plan

PAGES, SCREENS = 500, 100


def seat_pages(ctx: Context, suffix: str = "") -> list[list[Any]]:
    """GET /seats/{code}{suffix} for the 500 seat pages: reader 2000 + i at seat 3i."""
    codes = ctx.lib.codes
    return [
        ["GET", f"/api/v1/seats/{codes[(3 * i) % len(codes)]}{suffix}", 2000 + i]
        for i in range(PAGES)
    ]


def prepare(ctx: Context) -> dict[str, int]:
    """Readers 1000-1599 challenge seats 0-599; every odd one is then returned to by
    another of them. Refusals only make the mix a little different. The answers."""
    challenges = [("challenge", 1000 + i, i) for i in range(600)]
    returns = [("return", 1000 + (i + 300) % 600, i) for i in range(1, 600, 2)]
    answers: Counter[str] = Counter()
    for scans in (challenges, returns):
        how = {"connections": ctx.args.scan_connections, "seconds": 300}
        result = ctx.run.loadgen(
            scan_plan(ctx.lib, "closed", scans, max_requests=len(scans), **how)
        )
        answers.update(row[2] for row in result["results"])
    return dict(answers.most_common())


class Probe(threading.Thread):
    """While the reads run: every second, challenge a free seat (or withdraw), then poll the
    three reads until each shows it; the delays are what a reader would see."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(daemon=True)
        self.ctx, self.stopping = ctx, threading.Event()
        self.delays: list[dict[str, float]] = []
        self.errors: Counter[str] = Counter()

    def call(
        self, conn: http.client.HTTPConnection, method: str, path: str, token: str
    ) -> tuple[int, Any]:
        conn.request(
            method, path, headers={"Authorization": f"Bearer {token}", "Content-Length": "0"}
        )
        response = conn.getresponse()
        body = response.read()
        return response.status, json.loads(body) if body else None

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.ctx.run.port, timeout=30)

    def shows(self, conn: http.client.HTTPConnection, kind: str, index: int, token: str) -> bool:
        """Whether this read shows seat `index` challenged."""
        lib = self.ctx.lib
        room_id = lib.room_ids[-1]
        if kind == "seat":
            _s, b = self.call(conn, "GET", f"/api/v1/seats/{lib.codes[index]}", token)
            return bool(b and b.get("state") == "challenged")
        if kind == "room_seats":
            _s, b = self.call(conn, "GET", f"/api/v1/rooms/{room_id}/seats", token)
            seat_id = lib.seat_ids[index]
            return bool(b and any(s["id"] == seat_id and s["state"] == "challenged" for s in b))
        _s, b = self.call(conn, "GET", "/api/v1/rooms", token)
        return bool(b and any(r["id"] == room_id and r["counts"]["challenged"] for r in b))

    def run(self) -> None:
        lib = self.ctx.lib
        conn = self.connect()
        token = lib.tokens[-1]
        n = 0
        while not self.stopping.wait(1.0):
            index = len(lib.codes) - 1 - (n % 50)  # the last room's last 50 seats
            code = lib.codes[index]
            n += 1
            try:
                status, _body = self.call(conn, "POST", f"/api/v1/seats/{code}/challenge", token)
                if status != 200:
                    self.call(conn, "POST", f"/api/v1/seats/{code}/withdraw", token)
                    continue
                changed_at = time.perf_counter()
                stale: dict[str, float] = {"seat": 0.0, "room_seats": 0.0, "rooms": 0.0}
                seen: set[str] = set()
                while len(seen) < 3 and time.perf_counter() - changed_at < 10:
                    for kind in stale.keys() - seen:
                        sent = time.perf_counter()
                        if self.shows(conn, kind, index, token):
                            seen.add(kind)
                        else:
                            stale[kind] = sent - changed_at
                    time.sleep(0.05)
                self.delays.append({k: round(v * 1000, 1) for k, v in stale.items() if k in seen})
                self.call(conn, "POST", f"/api/v1/seats/{code}/withdraw", token)
            except (OSError, ValueError, http.client.HTTPException) as exc:
                self.errors[type(exc).__name__] += 1
                conn.close()
                conn = self.connect()


def run(ctx: Context) -> dict[str, Any]:
    say("  preparing: 600 challenges and 300 returns over HTTP")
    prepared = prepare(ctx)
    lib = ctx.lib
    requests = seat_pages(ctx)
    for i in range(SCREENS):  # room screens: the room list and one room's map, in turn
        requests.append(["GET", "/api/v1/rooms", 3000 + i])
        requests.append(
            ["GET", f"/api/v1/rooms/{lib.room_ids[i % len(lib.room_ids)]}/seats", 3000 + i]
        )
    random.Random(4).shuffle(requests)
    conns = ctx.args.read_connections
    say(
        f"  {PAGES} seat pages + {SCREENS} room screens polling, {conns} connections,"
        f" {ctx.seconds:.0f} s"
    )
    probe = Probe(ctx)
    probe.start()
    out = ctx.measure(
        plan("closed", requests, lib.tokens, connections=conns, seconds=ctx.seconds, parse=False)
    )
    probe.stopping.set()
    probe.join()
    raw = out.pop("_raw")
    by_kind: dict[str, list[float]] = {"seat": [], "rooms": [], "room_seats": []}
    for index, _status, _label, ms, _t in raw["results"]:
        path = requests[index % len(requests)][1]
        kind = (
            "rooms"
            if path.endswith("/rooms")
            else "room_seats"
            if path.endswith("/seats")
            else "seat"
        )
        by_kind[kind].append(ms)
    out["by_endpoint"] = {
        k: {
            "requests": len(v),
            "throughput": round(len(v) / out["seconds"], 1),
            "p50_ms": round(percentile(sorted(v), 0.5), 1),
            "p99_ms": round(percentile(sorted(v), 0.99), 1),
        }
        for k, v in by_kind.items()
    }
    out["prepared"] = prepared
    out["visibility_ms"] = probe.delays
    worst = [max(d.values()) for d in probe.delays if len(d) == 3]
    out["visibility_worst_ms"] = max(worst) if worst else None
    out["visibility_incomplete"] = sum(1 for d in probe.delays if len(d) < 3)
    out["probe_errors"] = dict(probe.errors)
    out["invariants"] = scan_invariants(lib.room_ids)
    return out


def screens(ctx: Context) -> dict[str, Any]:
    """Suite scenario "screens": only the shared reads, 100 room screens polling GET /rooms
    and GET /rooms/{id}/seats in turn as fast as --read-connections go for --seconds (the
    reads scenario mixes them with seat pages, whose cost then sets their pace)."""
    lib = ctx.lib
    requests: list[list[Any]] = []
    for i in range(SCREENS):
        requests.append(["GET", "/api/v1/rooms", 3000 + i])
        requests.append(
            ["GET", f"/api/v1/rooms/{lib.room_ids[i % len(lib.room_ids)]}/seats", 3000 + i]
        )
    conns = ctx.args.read_connections
    say(f"  {SCREENS} room screens polling, {conns} connections, {ctx.seconds:.0f} s")
    out = ctx.measure(
        plan("closed", requests, lib.tokens, connections=conns, seconds=ctx.seconds, parse=False)
    )
    out.pop("_raw")
    return out


def poll_seat_pages(ctx: Context, suffix: str = "") -> dict[str, Any]:
    """The 500 seat pages polling GET /seats/{code}{suffix} as fast as --read-connections
    go for --seconds (the "seat-pages" scenario, and with "/watch" the "watch" one)."""
    conns = ctx.args.read_connections
    what = suffix or "the page"
    say(f"  {PAGES} seat pages polling {what}, {conns} connections, {ctx.seconds:.0f} s")
    out = ctx.measure(
        plan(
            "closed",
            seat_pages(ctx, suffix),
            ctx.lib.tokens,
            connections=conns,
            seconds=ctx.seconds,
            parse=False,
        )
    )
    out.pop("_raw")
    return out


def seat_pages_only(ctx: Context) -> dict[str, Any]:
    """Suite scenario "seat-pages": only the 500 seat pages (GET /api/v1/seats/{code}, each
    reader's own view of a seat: read from the database every time); the seat page's own
    target is judged by this."""
    return poll_seat_pages(ctx)
