"""The benchmark suite: scans and reads against `seatback serve`, and the database's floor.

    .venv/bin/python -m bench.suite [--db sqlite|postgres|both] [--quick] [--seconds 20]
        [--scenarios contention,scan-open,scan-closed,reads,watch,reservation]

For each database it starts `seatback serve` the production way (gunicorn, gthread; SQLite
embedded: 1 worker, its default; PostgreSQL + Redis: --pg-workers workers) on a fresh
database, loads a library of 2,000 seats in 10 rooms and 20,000 readers with bearer tokens
(bulk-written: signing 20,000 readers in through the password hasher would time the hasher),
then runs the scenarios from a separate load-generator process (bench/loadgen.py: asyncio,
raw keep-alive sockets) over loopback, each bounded in requests and seconds:

  contention   500 readers challenge the same 20 seats at once (--contention-rounds
               rounds, default 2, each on fresh seats)
  scan-open    the scan mix at a fixed rate (--rate, default 300/s): latency under load
  scan-closed  the scan mix as fast as --scan-connections connections go: throughput
  reads        500 seat pages (GET /seats/{code}) and 100 room screens (GET /rooms,
               /rooms/{id}/seats) polling, as fast as --read-connections go; meanwhile a
               probe changes seats and times how long until every read shows the change
  watch        500 seat pages polling GET /seats/{code}/watch (the pages' light poll)
  reservation  bench/reservation_rush.py's scenario(ctx) if that module exists

The scan mix: challenge 40 % (random reader, random seat), return 25 % (a recent clock's seat,
by another reader: the occupant comes back), claim 15 % (a recent challenger, too early),
release 20 % (a recent returner leaves).

Each scenario reports throughput, latency p50/p95/p99, answers by status and code, server
CPU and peak memory per worker, the generator's own CPU, and the invariants read with SQL
afterwards (no seat with two holders or two pending clocks, no reader with two). The scan
scenarios also run the floor (bench/floor.py): the same SQL, replayed directly, one
transaction per scan, with as many connections; the ratio is Seatback's rate / the floor's.

Prints a table; writes JSON to bench/results/<UTC time>-<db>.json. --quick: 8 s scenarios.
PostgreSQL: --pg-url names a database this suite drops and re-creates (default
postgresql://postgres@127.0.0.1:5432/seatback_bench_run); Redis: --redis-url (its db is
flushed). Nothing else is touched; the SQLite data folder is temporary.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEATS, ROOMS, READERS = 2000, 10, 20000
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def say(text: str) -> None:
    print(text, flush=True)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


# The server ------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SEATBACK_", "DJANGO_"))
        and k not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")
    }
    env.update(
        SEATBACK_DATA_DIR=str(data_dir),
        SECRET_KEY="bench-only-" + secrets.token_hex(8),
        SEATBACK_RATE_LIMIT_INTENTS="100000000",
        SEATBACK_RATE_LIMIT_READS="100000000",
        SEATBACK_RATE_LIMIT_LOGIN="100000000",
        SEATBACK_RATE_LIMIT_ANONYMOUS="100000000",
        SEATBACK_LOG_LEVEL="ERROR",
        SEATBACK_CACHE_PREFIX=f"bench-{secrets.token_hex(4)}",
        DJANGO_SETTINGS_MODULE="seatback.settings",
    )
    if args.db == "postgres":
        env.update(
            DATABASE_URL=args.pg_url,
            REDIS_URL=args.redis_url,
            SEATBACK_WORKERS=str(args.pg_workers),
            SEATBACK_THREADS=str(args.threads),
        )
    else:
        env.update(SEATBACK_WORKERS=str(args.sqlite_workers), SEATBACK_THREADS=str(args.threads))
    return env


def fresh_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


class Server:
    def __init__(self, env: dict[str, str], data_dir: Path) -> None:
        self.port = free_port()
        self.log = data_dir / "server.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "seatback.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=data_dir,
                start_new_session=True,
            )

    def wait(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited:\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"the server did not answer in 180 s:\n{self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        return [pid for pid, ppid in procs() if ppid == self.process.pid]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def procs() -> list[tuple[int, int]]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        out.append((int(stat.parent.name), ppid))
    return out


def cpu_and_rss(pid: int) -> tuple[float, int]:
    """CPU seconds so far and resident bytes now, from /proc (0, 0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        statm = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0.0, 0
    return (int(fields[11]) + int(fields[12])) / TICK, int(statm[1]) * PAGE


class Sampler:
    """Samples the server's master and workers (and the database's backends) twice a second:
    CPU seconds used during the scenario and the peak resident memory of each."""

    def __init__(self, server: Server, db_pids: list[int]) -> None:
        self.pids = {server.process.pid: "master", **{p: "worker" for p in server.workers()}}
        self.pids.update({p: "db" for p in db_pids})
        self.first = {p: cpu_and_rss(p)[0] for p in self.pids}
        self.last = dict(self.first)
        self.peak = {p: cpu_and_rss(p)[1] for p in self.pids}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.sample()

    def sample(self) -> None:
        for pid in self.pids:
            cpu, rss = cpu_and_rss(pid)
            if cpu:
                self.last[pid] = cpu
            self.peak[pid] = max(self.peak[pid], rss)

    def stop(self, seconds: float) -> dict[str, Any]:
        self.stopping.set()
        self.thread.join()
        self.sample()
        seconds = max(seconds, 1e-6)
        rows = []
        for pid, kind in self.pids.items():
            used = self.last[pid] - self.first[pid]
            rows.append(
                {
                    "pid": pid,
                    "kind": kind,
                    "cpu_s": round(used, 2),
                    "cores": round(used / seconds, 3),
                    "peak_rss_mb": round(self.peak[pid] / 2**20, 1),
                }
            )
        workers = [r for r in rows if r["kind"] in ("master", "worker")]
        db = [r for r in rows if r["kind"] == "db"]
        return {
            "per_process": rows,
            "server_cores": round(sum(r["cores"] for r in workers), 2),
            "db_cores": round(sum(r["cores"] for r in db), 2),
            "peak_rss_mb_per_worker": max(
                (r["peak_rss_mb"] for r in rows if r["kind"] == "worker"), default=0.0
            ),
        }


def db_backend_pids(vendor: str, dbname: str) -> list[int]:
    if vendor != "postgresql":
        return []
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname],
        )
        return [row[0] for row in cursor.fetchall()]


# The data --------------------------------------------------------------------------------


class Library:
    """What the suite knows of the loaded library: seats, readers, tokens."""

    def __init__(self) -> None:
        self.room_ids: list[int] = []
        self.seat_ids: list[int] = []
        self.codes: list[str] = []
        self.reader_ids: list[int] = []
        self.tokens: list[str] = []
        self.digests: list[str] = []
        self.spare: dict[str, Any] = {}


def seed() -> Library:
    import hashlib

    from django.contrib.auth.hashers import make_password

    from seatback.core import clock
    from seatback.library.models import Library as LibraryRow
    from seatback.library.models import Room, Seat
    from seatback.readers.models import ApiToken, Reader

    now = clock.now()
    policy = {
        "opening_hours": "00:00-24:00",
        "protected_windows": "",
        "leave_allowance_minutes": 10,
    }
    lib = Library()
    home = LibraryRow.get()
    rooms = [
        Room.objects.create(
            library=home, name=f"bench room {n:02d}", floor=str(n // 3 + 1), policy=policy
        )
        for n in range(ROOMS)
    ]
    lib.room_ids = [room.pk for room in rooms]
    per_room = SEATS // ROOMS
    seats = Seat.objects.bulk_create(
        Seat(
            room=rooms[i // per_room],
            label=f"{i // per_room:02d}-{i % per_room:03d}",
            x=i % 20,
            y=(i % per_room) // 20,
        )
        for i in range(SEATS)
    )
    lib.seat_ids, lib.codes = [s.pk for s in seats], [s.code for s in seats]
    password = make_password(None)  # unusable: bearer tokens only
    readers = Reader.objects.bulk_create(
        (
            Reader(card_number=f"BENCH{i:06d}", name=f"bench {i}", password=password)
            for i in range(READERS + 3)
        ),
        batch_size=2000,
    )
    lib.tokens = [secrets.token_urlsafe(32) for _ in readers]
    lib.digests = [hashlib.sha256(t.encode()).hexdigest() for t in lib.tokens]
    ApiToken.objects.bulk_create(
        (
            ApiToken(reader=r, digest=d, created=now)
            for r, d in zip(readers, lib.digests, strict=True)
        ),
        batch_size=2000,
    )
    lib.reader_ids = [r.pk for r in readers]
    # A spare room and seat, and three spare readers, for capturing a scan's SQL.
    spare_room = Room.objects.create(library=home, name="bench capture", floor="0", policy=policy)
    spare_seat = Seat.objects.create(room=spare_room, label="CAPTURE")
    lib.spare = {"seat": spare_seat, "readers": readers[READERS:], "tokens": lib.tokens[READERS:]}
    return lib


def reset_scans(lib: Library) -> None:
    """Delete every clock, hold and scan record of the bench rooms: a fresh start."""
    from django.db import connection, transaction

    from seatback.library.models import Seat
    from seatback.seats.models import Challenge, Hold, ScanRecord

    seat_table = Seat._meta.db_table
    ids = ",".join(str(i) for i in lib.room_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (ScanRecord, Challenge, Hold):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE seat_id IN "  # noqa: S608
                f"(SELECT id FROM {seat_table} WHERE room_id IN ({ids}))"
            )


def invariants(lib: Library) -> dict[str, int]:
    from django.db.models import Count

    from seatback.seats.models import Challenge, Hold

    def doubles(rows: Any, column: str) -> int:
        return int(rows.values(column).annotate(n=Count("id")).filter(n__gt=1).count())

    pending = Challenge.objects.filter(
        seat__room_id__in=lib.room_ids, status=Challenge.Status.PENDING
    )
    current = Hold.objects.filter(seat__room_id__in=lib.room_ids, ended_at__isnull=True)
    return {
        "seats_with_two_holders": doubles(current, "seat"),
        "seats_with_two_pending_clocks": doubles(pending, "seat"),
        "readers_with_two_holds": doubles(current, "reader"),
        "readers_with_two_pending_clocks": doubles(pending, "challenger"),
        "holds_now": current.count(),
        "pending_clocks_now": pending.count(),
    }


# Plans -----------------------------------------------------------------------------------


def scan_mix(lib: Library, count: int, seed_: int) -> list[tuple[str, int, int]]:
    """(intent, reader index, seat index) for the scan mix described in the module doc."""
    rng = random.Random(seed_)
    clocks: deque[tuple[int, int]] = deque(maxlen=400)
    holders: deque[tuple[int, int]] = deque(maxlen=400)
    plan = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.40 or not clocks:
            reader, seat = rng.randrange(READERS), rng.randrange(SEATS)
            clocks.append((reader, seat))
            plan.append(("challenge", reader, seat))
        elif roll < 0.65:
            _challenger, seat = clocks.popleft()
            occupant = rng.randrange(READERS)
            holders.append((occupant, seat))
            plan.append(("return", occupant, seat))
        elif roll < 0.80:
            reader, seat = clocks[rng.randrange(len(clocks))]
            plan.append(("claim", reader, seat))
        else:
            reader, seat = (
                holders.popleft() if holders else (rng.randrange(READERS), rng.randrange(SEATS))
            )
            plan.append(("release", reader, seat))
    return plan


def run_loadgen(server: Server, plan: dict[str, Any], work: Path) -> dict[str, Any]:
    plan = {"host": "127.0.0.1", "port": server.port, **plan}
    plan_path, result_path = work / "plan.json", work / "result.json"
    plan_path.write_text(json.dumps(plan))
    subprocess.run(
        [sys.executable, "-m", "bench.loadgen", str(plan_path), str(result_path)],
        cwd=ROOT,
        check=True,
    )
    result: dict[str, Any] = json.loads(result_path.read_text())
    return result


def pct(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, max(0, round(q * len(sorted_ms)) - 1))]


def summarise(result: dict[str, Any], seconds: float | None = None) -> dict[str, Any]:
    rows = result["results"]
    answered = [r for r in rows if r[1]]
    # Latency of answered requests; a request given up unanswered is counted apart.
    ms = sorted(r[3] for r in answered)
    labels = Counter(r[2] for r in rows)
    elapsed = seconds or result["elapsed"]
    return {
        "requests": len(rows),
        "seconds": round(elapsed, 2),
        "answered": len(answered),
        "throughput": round(len(answered) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(pct(ms, 0.50), 1),
        "p95_ms": round(pct(ms, 0.95), 1),
        "p99_ms": round(pct(ms, 0.99), 1),
        "max_ms": round(ms[-1], 1) if ms else 0.0,
        "answers": dict(labels.most_common()),
        "errors_by_status": dict(
            Counter(str(r[1]) for r in rows if not 200 <= r[1] < 300).most_common()
        ),
        "http_5xx": sum(1 for r in rows if r[1] >= 500),
        "no_answer": sum(1 for r in rows if r[1] == 0),
        "client_cpu_cores": round(result["client_cpu"] / result["elapsed"], 2),
        "reconnects": result.get("reconnects", 0),
    }


# Scenarios -------------------------------------------------------------------------------


class Context:
    """What a scenario gets: the server, the library, the settings; used by the
    reservation rush hook too (see bench/reservation_rush.py: scenario(ctx) -> dict)."""

    def __init__(
        self,
        args: argparse.Namespace,
        server: Server,
        lib: Library,
        work: Path,
        vendor: str,
        capture: dict[str, Any] | None,
    ) -> None:
        self.args, self.server, self.lib, self.work = args, server, lib, work
        self.vendor, self.capture = vendor, capture
        self.seconds = args.seconds

    def db_pids(self) -> list[int]:
        dbname = self.args.pg_url.rsplit("/", 1)[1] if self.vendor == "postgresql" else ""
        return db_backend_pids(self.vendor, dbname)

    def measure(self, plan: dict[str, Any]) -> dict[str, Any]:
        """Run a load-generator plan; the answers, latency, server and generator CPU."""
        sampler = Sampler(self.server, self.db_pids())
        started = time.perf_counter()
        result = run_loadgen(self.server, plan, self.work)
        usage = sampler.stop(time.perf_counter() - started)
        summary = summarise(result)
        summary.update(usage)
        summary["_raw"] = result
        return summary

    def database(self) -> dict[str, Any]:
        from django.db import connection

        if self.vendor == "sqlite":
            return {"vendor": "sqlite", "path": str(connection.settings_dict["NAME"])}
        return {"vendor": "postgresql", "dsn": self.args.pg_url}

    def server_db_connections(self) -> int:
        from django.conf import settings

        return int(settings.SERVE_WORKERS) * int(settings.SERVE_THREADS)


def scan_requests(ctx: Context, plan: list[tuple[str, int, int]]) -> list[list[Any]]:
    return [["POST", f"/api/v1/seats/{ctx.lib.codes[s]}/{intent}", r] for intent, r, s in plan]


def floor_for(
    ctx: Context, plan: list[tuple[str, int, int]], raw: dict[str, Any], connections: int
) -> dict[str, Any]:
    """Reset the scans, replay the answered scans' SQL directly; the floor's figures."""
    from bench import floor

    assert ctx.capture is not None
    jobs, unmatched = [], Counter()
    for index, _status, label, _ms, _finished in sorted(raw["results"], key=lambda r: r[4]):
        intent, reader, seat = plan[index]
        name = floor.template_for(intent, label, ctx.capture["templates"])
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
        reset_scans(ctx.lib)
        parts.append(floor.replay(ctx.database(), ctx.capture, jobs, connections))
    out = dict(parts[0])
    out["latencies"] = sorted(x for part in parts for x in part["latencies"])
    out["scans"] = len(out["latencies"])
    out["elapsed"] = sum(part["elapsed"] for part in parts)
    out["wall"] = sum(part["wall"] for part in parts)
    out["client_cpu"] = sum(part["client_cpu"] for part in parts)
    out["throughput"] = out["scans"] / out["elapsed"] if out["elapsed"] else 0.0
    errors: Counter[str] = Counter()
    for part in parts:
        errors.update(part["errors"])
    out["errors"], out["repetitions"] = dict(errors), reps
    ms = out.pop("latencies")
    out.update(
        throughput=round(out["throughput"], 1),
        p50_ms=round(pct(ms, 0.5), 2),
        p99_ms=round(pct(ms, 0.99), 2),
        unmatched=dict(unmatched),
        elapsed=round(out["elapsed"], 2),
        client_cpu=round(out["client_cpu"], 2),
        wall=round(out["wall"], 2),
    )
    return out


def contention(ctx: Context) -> dict[str, Any]:
    rounds, per_round, seats_n = ctx.args.contention_rounds, 500, 20
    rows: list[list[Any]] = []
    merged: dict[str, Any] = {}
    per_round_accepted = []
    plan_all: list[tuple[str, int, int]] = []
    usage_runs = []
    for n in range(rounds):
        seats = list(range(n * seats_n, (n + 1) * seats_n))
        readers = list(range(n * per_round, (n + 1) * per_round))
        plan = [("challenge", r, seats[i % seats_n]) for i, r in enumerate(readers)]
        say(f"  round {n + 1}/{rounds}: {per_round} readers, {seats_n} seats, all at once")
        out = ctx.measure(
            {
                "mode": "burst",
                "connections": per_round,
                "duration": 120,
                "timeout": 60,
                "tokens": ctx.lib.tokens,
                "parse": True,
                "requests": scan_requests(ctx, plan),
            }
        )
        raw = out.pop("_raw")
        base = len(plan_all)
        plan_all.extend(plan)
        rows.extend([[base + r[0], *r[1:]] for r in raw["results"]])
        per_round_accepted.append(out["answers"].get("200 challenge_started", 0))
        usage_runs.append(out)
    merged = summarise(
        {"results": rows, "elapsed": sum(u["seconds"] for u in usage_runs), "client_cpu": 0.0}
    )
    merged["throughput"] = round(
        sum(u["answered"] for u in usage_runs) / sum(u["seconds"] for u in usage_runs), 1
    )
    for key in ("server_cores", "db_cores", "client_cpu_cores"):
        merged[key] = round(max(u[key] for u in usage_runs), 2)
    merged["peak_rss_mb_per_worker"] = max(u["peak_rss_mb_per_worker"] for u in usage_runs)
    merged["per_process"] = usage_runs[-1]["per_process"]
    merged["accepted_per_round"] = per_round_accepted
    merged["expected_accepted_per_round"] = seats_n
    merged["invariants"] = invariants(ctx.lib)
    if ctx.capture:
        conns = min(per_round, ctx.server_db_connections())
        merged["floor"] = floor_for(ctx, plan_all, {"results": rows}, conns)
    reset_scans(ctx.lib)
    return merged


def scan_open(ctx: Context) -> dict[str, Any]:
    rate = ctx.args.rate
    count = int(rate * ctx.seconds)
    plan = scan_mix(ctx.lib, count, seed_=2)
    say(f"  {count} scans at {rate}/s (open loop), {ctx.args.open_connections} connections")
    out = ctx.measure(
        {
            "mode": "open",
            "rate": rate,
            "connections": ctx.args.open_connections,
            "duration": ctx.seconds,
            "timeout": 10,
            "tokens": ctx.lib.tokens,
            "parse": True,
            "requests": scan_requests(ctx, plan),
        }
    )
    out.pop("_raw")
    out["offered_rate"] = rate
    out["invariants"] = invariants(ctx.lib)
    reset_scans(ctx.lib)
    return out


def scan_closed(ctx: Context) -> dict[str, Any]:
    conns = ctx.args.scan_connections
    count = ctx.args.max_scans
    plan = scan_mix(ctx.lib, count, seed_=3)
    say(
        f"  the scan mix as fast as it goes: {conns} connections, up to {count} scans or"
        f" {ctx.seconds:.0f} s"
    )
    out = ctx.measure(
        {
            "mode": "closed",
            "connections": conns,
            "duration": ctx.seconds,
            "max_requests": count,
            "timeout": 30,
            "tokens": ctx.lib.tokens,
            "parse": True,
            "requests": scan_requests(ctx, plan),
        }
    )
    raw = out.pop("_raw")
    out["invariants"] = invariants(ctx.lib)
    if ctx.capture:
        out["floor"] = floor_for(ctx, plan, raw, min(conns, ctx.server_db_connections()))
    return out


def prepare_reads(ctx: Context) -> None:
    """A lived-in library for the reads: the first third of the seats held or challenged."""
    from seatback.core import clock
    from seatback.library.models import Seat
    from seatback.readers.models import Reader
    from seatback.seats import services

    now = clock.now()
    seats = {
        s.pk: s
        for s in Seat.objects.select_related("room__library").filter(pk__in=ctx.lib.seat_ids[:600])
    }
    readers = {r.pk: r for r in Reader.objects.filter(pk__in=ctx.lib.reader_ids[1000:1600])}
    for i in range(600):
        seat = seats[ctx.lib.seat_ids[i]]
        reader = readers[ctx.lib.reader_ids[1000 + i]]
        try:
            services.perform(seat, reader, "challenge", now=now)
            if i % 2:
                other = readers[ctx.lib.reader_ids[1000 + (i + 300) % 600]]
                services.perform(seat, other, "return", now=now)
        except Exception:  # noqa: S112 - a refusal here only makes the mix a little different
            continue


class Probe(threading.Thread):
    """While the reads run: every second, challenge a free seat (or withdraw), then poll the
    three reads until each shows it; the delays are what a reader would see."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(daemon=True)
        self.ctx, self.stopping, self.delays = ctx, threading.Event(), []  # type: list[dict[str, float]]
        self.errors: Counter[str] = Counter()

    def call(self, conn: http.client.HTTPConnection, method: str, path: str, token: str) -> Any:
        conn.request(
            method, path, headers={"Authorization": f"Bearer {token}", "Content-Length": "0"}
        )
        response = conn.getresponse()
        body = response.read()
        return response.status, json.loads(body) if body else None

    def run(self) -> None:
        lib = self.ctx.lib
        conn = http.client.HTTPConnection("127.0.0.1", self.ctx.server.port, timeout=30)
        token = lib.tokens[READERS - 1]
        room_id = lib.room_ids[-1]
        n = 0
        while not self.stopping.wait(1.0):
            index = SEATS - 1 - (n % 50)
            code, seat_id = lib.codes[index], lib.seat_ids[index]
            n += 1
            try:
                status, body = self.call(conn, "POST", f"/api/v1/seats/{code}/challenge", token)
                if status != 200:
                    self.call(conn, "POST", f"/api/v1/seats/{code}/withdraw", token)
                    continue
                changed_at = time.perf_counter()
                # For each read: how long after the scan was answered a read was still
                # sent that did not show it (0: the next read showed it).
                stale: dict[str, float] = {"seat": 0.0, "room_seats": 0.0, "rooms": 0.0}
                seen: set[str] = set()
                while len(seen) < 3 and time.perf_counter() - changed_at < 10:
                    for kind in stale.keys() - seen:
                        sent = time.perf_counter()
                        if kind == "seat":
                            _s, b = self.call(conn, "GET", f"/api/v1/seats/{code}", token)
                            shows = bool(b and b.get("state") == "challenged")
                        elif kind == "room_seats":
                            path = f"/api/v1/rooms/{room_id}/seats"
                            _s, b = self.call(conn, "GET", path, token)
                            shows = bool(
                                b
                                and any(
                                    s["id"] == seat_id and s["state"] == "challenged" for s in b
                                )
                            )
                        else:
                            _s, b = self.call(conn, "GET", "/api/v1/rooms", token)
                            shows = bool(
                                b
                                and any(r["id"] == room_id and r["counts"]["challenged"] for r in b)
                            )
                        if shows:
                            seen.add(kind)
                        else:
                            stale[kind] = sent - changed_at
                    time.sleep(0.05)
                seen_all = {k: v for k, v in stale.items() if k in seen}
                self.delays.append({k: round(v * 1000, 1) for k, v in seen_all.items()})
                self.call(conn, "POST", f"/api/v1/seats/{code}/withdraw", token)
            except (OSError, ValueError, http.client.HTTPException) as exc:
                self.errors[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.ctx.server.port, timeout=30)


def reads(ctx: Context) -> dict[str, Any]:
    prepare_reads(ctx)
    lib = ctx.lib
    rng = random.Random(4)
    requests: list[list[Any]] = []
    for i in range(500):  # seat pages: reader i looks at seat 3i (held, challenged or free)
        requests.append(["GET", f"/api/v1/seats/{lib.codes[(3 * i) % SEATS]}", 2000 + i])
    for i in range(100):  # room screens: the room list and one room's map, in turn
        requests.append(["GET", "/api/v1/rooms", 3000 + i])
        requests.append(["GET", f"/api/v1/rooms/{lib.room_ids[i % ROOMS]}/seats", 3000 + i])
    rng.shuffle(requests)
    conns = ctx.args.read_connections
    say(f"  500 seat pages + 100 room screens polling, {conns} connections, {ctx.seconds:.0f} s")
    probe = Probe(ctx)
    probe.start()
    out = ctx.measure(
        {
            "mode": "closed",
            "connections": conns,
            "duration": ctx.seconds,
            "max_requests": 10**8,
            "timeout": 30,
            "tokens": lib.tokens,
            "parse": False,
            "requests": requests,
        }
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
            "p50_ms": round(pct(sorted(v), 0.5), 1),
            "p99_ms": round(pct(sorted(v), 0.99), 1),
        }
        for k, v in by_kind.items()
    }
    out["visibility_ms"] = probe.delays
    worst = [max(d.values()) for d in probe.delays if len(d) == 3]
    out["visibility_worst_ms"] = max(worst) if worst else None
    out["visibility_incomplete"] = sum(1 for d in probe.delays if len(d) < 3)
    out["probe_errors"] = dict(probe.errors)
    out["invariants"] = invariants(lib)
    return out


def watch(ctx: Context) -> dict[str, Any]:
    lib = ctx.lib
    requests = [
        ["GET", f"/api/v1/seats/{lib.codes[(3 * i) % SEATS]}/watch", 2000 + i] for i in range(500)
    ]
    conns = ctx.args.read_connections
    say(f"  500 seat pages polling /watch, {conns} connections, {ctx.seconds:.0f} s")
    out = ctx.measure(
        {
            "mode": "closed",
            "connections": conns,
            "duration": ctx.seconds,
            "max_requests": 10**8,
            "timeout": 30,
            "tokens": lib.tokens,
            "parse": False,
            "requests": requests,
        }
    )
    out.pop("_raw")
    return out


def reservation(ctx: Context) -> dict[str, Any] | None:
    """The hook: bench/reservation_rush.py, when it exists, defines scenario(ctx) -> dict
    with at least the keys summarise() gives; it may use ctx.measure(plan)."""
    try:
        module = importlib.import_module("bench.reservation_rush")
    except ModuleNotFoundError:
        say("  skipped: bench/reservation_rush.py does not exist yet")
        return None
    if not hasattr(module, "scenario"):
        say("  skipped: bench/reservation_rush.py has no scenario(ctx)")
        return None
    result: dict[str, Any] = module.scenario(ctx)
    return result


SCENARIOS = {
    "contention": contention,
    "scan-open": scan_open,
    "scan-closed": scan_closed,
    "reads": reads,
    "watch": watch,
    "reservation": reservation,
}


# One database ------------------------------------------------------------------------------


def run_one(args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="seatback-suite-"))
    work = data_dir / "work"
    work.mkdir()
    env = server_env(args, data_dir)
    label = "PostgreSQL + Redis" if args.db == "postgres" else "SQLite (embedded)"
    if args.db == "postgres":
        say(f"fresh database {args.pg_url}, Redis {args.redis_url} flushed")
        fresh_postgres(args.pg_url)
        flush_redis(args.redis_url)
    report: dict[str, Any] = {
        "database": label,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "load_at_start": load(),
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        },
        "scenarios": {},
    }
    server = Server(env, data_dir)
    try:
        say(f"{label}: starting seatback serve on port {server.port} (migrates first)")
        server.wait()
        os.environ.update(
            {
                k: v
                for k, v in env.items()
                if k.startswith(("SEATBACK_", "DJANGO_"))
                or k in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")
            }
        )
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.utils import translation

        translation.activate("en")
        vendor = connection.vendor
        report["server"] = {
            "workers": settings.SERVE_WORKERS,
            "threads": settings.SERVE_THREADS,
            "worker_class": "gthread",
            "cache": settings.CACHES["default"]["BACKEND"],
        }
        say(
            f"  {settings.SERVE_WORKERS} worker(s) x {settings.SERVE_THREADS} threads;"
            f" loading {SEATS} seats in {ROOMS} rooms and {READERS} readers with tokens ..."
        )
        started = time.perf_counter()
        lib = seed()
        report["seed_seconds"] = round(time.perf_counter() - started, 1)
        say(f"  loaded in {report['seed_seconds']} s")
        capture = None
        if not args.no_floor:
            from bench import floor

            spare = lib.spare
            capture = floor.capture(spare["seat"], spare["readers"], spare["tokens"])
            report["floor_templates"] = {
                name: {"statements": len(stmts), "answer": capture["answers"][name]}
                for name, stmts in capture["templates"].items()
            }
        ctx = Context(args, server, lib, work, vendor, capture)
        for name in args.scenarios:
            say(f"\n[{label}] {name}  (load average {load()})")
            before = load()
            result = SCENARIOS[name](ctx)
            if result is None:
                continue
            result["load_before"], result["load_after"] = before, load()
            report["scenarios"][name] = result
            line = (
                f"  -> {result.get('throughput', 0)}/s, p50 {result.get('p50_ms')} ms, "
                f"p99 {result.get('p99_ms')} ms, 5xx {result.get('http_5xx')}, server "
                f"{result.get('server_cores')} cores,"
                f" generator {result.get('client_cpu_cores')} cores"
            )
            if "floor" in result:
                line += f"; floor {result['floor']['throughput']}/s"
            say(line)
        report["log_tail"] = server.log.read_text()[-2000:]
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return report


# The table ---------------------------------------------------------------------------------


def table(reports: list[dict[str, Any]]) -> str:
    head = [
        "database",
        "scenario",
        "answered",
        "per s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "5xx",
        "non-2xx",
        "server cores",
        "RSS/worker MB",
        "gen cores",
        "floor/s",
        "ratio",
        "invariants",
        "load",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for rep in reports:
        for name, r in rep["scenarios"].items():
            fl = r.get("floor")
            ratio = f"{r['throughput'] / fl['throughput']:.2f}" if fl and fl["throughput"] else "—"
            inv = r.get("invariants")
            bad = (
                sum(v for k, v in inv.items() if k.startswith(("seats_", "readers_")))
                if inv
                else None
            )
            non2xx = sum(v for k, v in r.get("errors_by_status", {}).items())
            lines.append(
                "| "
                + " | ".join(
                    str(x)
                    for x in [
                        rep["database"],
                        name,
                        f"{r.get('answered', r.get('requests'))}/{r.get('requests')}",
                        r.get("throughput"),
                        r.get("p50_ms"),
                        r.get("p95_ms"),
                        r.get("p99_ms"),
                        r.get("http_5xx"),
                        non2xx,
                        r.get("server_cores"),
                        r.get("peak_rss_mb_per_worker"),
                        r.get("client_cpu_cores"),
                        fl["throughput"] if fl else "—",
                        ratio,
                        "—" if bad is None else ("ok" if bad == 0 else f"{bad} VIOLATIONS"),
                        f"{r.get('load_before')}→{r.get('load_after')}",
                    ]
                )
                + " |"
            )
    return "\n".join(lines)


def details(reports: list[dict[str, Any]]) -> str:
    out = []
    for rep in reports:
        for name, r in rep["scenarios"].items():
            answers = ", ".join(f"{v} {k}" for k, v in list(r.get("answers", {}).items())[:8])
            out.append(f"{rep['database']} {name}: {answers}")
            if "accepted_per_round" in r:
                out.append(
                    f"   accepted per round {r['accepted_per_round']}"
                    f" (expected {r['expected_accepted_per_round']})"
                )
            if "by_endpoint" in r:
                out.append(
                    "   "
                    + "; ".join(
                        f"{k}: {v['throughput']}/s p50 {v['p50_ms']} p99 {v['p99_ms']} ms"
                        for k, v in r["by_endpoint"].items()
                    )
                )
                out.append(
                    f"   change visible after (worst of {len(r['visibility_ms'])} probes):"
                    f" {r['visibility_worst_ms']} ms; incomplete {r['visibility_incomplete']}"
                )
            if "floor" in r:
                f = r["floor"]
                out.append(
                    f"   floor: {f['scans']} scans {f['throughput']}/s p50 {f['p50_ms']}"
                    f" p99 {f['p99_ms']} ms, errors {f['errors']}, unmatched {f['unmatched']},"
                    f" replay CPU {f['client_cpu']} s"
                )
    return "\n".join(out)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="8 s scenarios")
    parser.add_argument("--seconds", type=float, default=20, help="length of each timed scenario")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--rate", type=float, default=300, help="scan-open: scans per second")
    parser.add_argument("--open-connections", type=int, default=64)
    parser.add_argument("--scan-connections", type=int, default=32)
    parser.add_argument("--read-connections", type=int, default=32)
    parser.add_argument("--max-scans", type=int, default=40000)
    parser.add_argument("--contention-rounds", type=int, default=2)
    parser.add_argument("--pg-workers", type=int, default=3)
    parser.add_argument("--sqlite-workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=16, help="threads per worker")
    parser.add_argument(
        "--pg-url", default="postgresql://postgres@127.0.0.1:5432/seatback_bench_run"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--floor-scans", type=int, default=3000, help="at least this many")
    parser.add_argument("--out", help="JSON file (default bench/results/<time>-<db>.json)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = min(args.seconds, 8)
        args.contention_rounds = 1
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        report = run_one(args)
        Path(args.child).write_text(json.dumps(report, default=str))
        return
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    say(
        f"Seatback benchmark suite, {stamp}: {', '.join(dbs)};"
        f" scenarios {', '.join(args.scenarios)};"
        f" {args.seconds:.0f} s each; {os.cpu_count()} cores; load average {load()}"
    )
    reports = []
    argv = list(sys.argv[1:] if argv is None else argv)
    for db in dbs:
        child_out = Path(tempfile.mkstemp(prefix="seatback-suite-", suffix=".json")[1])
        rest = [a for a in argv]
        if "--db" in rest:
            i = rest.index("--db")
            del rest[i : i + 2]
        rest = [a for a in rest if not a.startswith("--db=")]
        code = subprocess.run(
            [sys.executable, "-m", "bench.suite", "--db", db, "--child", str(child_out), *rest],
            cwd=ROOT,
        ).returncode
        if code != 0 or not child_out.read_text().strip():
            say(f"!! the {db} run failed (exit {code}); see above")
            continue
        report = json.loads(child_out.read_text())
        child_out.unlink()
        report["command"] = "python -m bench.suite " + " ".join(argv)
        path = Path(args.out) if args.out and len(dbs) == 1 else RESULTS / f"{stamp}-{db}.json"
        path.write_text(json.dumps(report, indent=1, default=str))
        say(f"wrote {path}")
        reports.append(report)
    say("\n" + table(reports))
    say("\n" + details(reports))


if __name__ == "__main__":
    main()
