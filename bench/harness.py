"""What every benchmark shares: the server, its database, the seeded library, the figures.

A benchmark here talks to Seatback only through its public entry points: the `seatback`
command (`seatback serve`, the production gunicorn server, started as a subprocess on a
fresh data folder), HTTP over loopback, and, in this process, Django set up on the same
database with the models of seatback.library and seatback.readers (to write the seats and
readers it needs quickly) and the app registry (to read what the scans and bookings left
behind, by app label, wherever their modules live).

    with Run(Target.from_environment(), tidy=True) as run:   # or Target(database_url=...)
        lib = run.seed(seats=20, readers=300, policy=OPEN_ALL_DAY)
        scans = [("challenge", reader, 0) for reader in range(300)]
        result = run.measure(scan_plan(lib, "closed", scans, connections=32, seconds=60))
        print_figures("rush", result)                 # bench/loadgen.py ran in its own process

Target says which database (embedded SQLite in the run's data folder, or PostgreSQL, with
or without Redis) and how many gunicorn workers and threads; Run starts and stops the
server and sets Django up here; seed() writes rooms, seats, readers and bearer tokens;
plan() and scan_plan() build load-generator plans and measure() runs one while sampling
the server's CPU and memory from /proc; summarise(), percentile(), figures() and
print_figures() turn answers into figures. Context is what a suite scenario gets.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from seatback.core.clock import midday_zone

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
UNLIMITED = "100000000"  # rate limits: a benchmark measures the server, not its limits
# What the server's environment and this process's Django settings are made of; anything
# else of this kind in the caller's environment is left out, so a run is what it says.
OWN_PREFIXES = ("SEATBACK_", "DJANGO_")
OWN_KEYS = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL")


def say(text: str) -> None:
    print(text, flush=True)


def load() -> str:
    """The 1- and 5-minute load average: how quiet the machine was."""
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


# Which database, which server ------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a run keeps its data and how `seatback serve` runs.

    database_url None: embedded SQLite in the run's fresh data folder; redis_url None: the
    in-process cache; workers/threads None: serve's defaults. fresh: drop and re-create
    the PostgreSQL database and flush the Redis database first (only for databases that
    belong to the benchmark)."""

    database_url: str | None = None
    redis_url: str | None = None
    workers: int | None = None
    threads: int | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)
    fresh: bool = False

    @classmethod
    def from_environment(
        cls,
        *,
        workers: int | None = None,
        threads: int | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> Target:
        """PostgreSQL when DATABASE_URL is set, Redis when REDIS_URL is: the scripts'
        convention. Those databases are used as they are (not dropped, not flushed)."""
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            redis_url=os.environ.get("REDIS_URL") or None,
            workers=workers or None,
            threads=threads or None,
            extra_env=dict(extra_env or {}),
        )

    @property
    def label(self) -> str:
        base = "PostgreSQL" if self.database_url else "SQLite (embedded)"
        return base + (" + Redis" if self.redis_url else "")


def environment(target: Target, data_dir: Path) -> dict[str, str]:
    """The server's environment: this one without any Seatback or Django configuration,
    then the target's, a throwaway secret key and rate limits out of the way."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(OWN_PREFIXES) and key not in OWN_KEYS
    }
    env.update(
        SEATBACK_DATA_DIR=str(data_dir),
        SECRET_KEY="bench-only-" + secrets.token_hex(8),
        SEATBACK_RATE_LIMIT_INTENTS=UNLIMITED,
        SEATBACK_RATE_LIMIT_READS=UNLIMITED,
        SEATBACK_RATE_LIMIT_LOGIN=UNLIMITED,
        SEATBACK_RATE_LIMIT_ANONYMOUS=UNLIMITED,
        SEATBACK_LOG_LEVEL="ERROR",
        SEATBACK_CACHE_PREFIX=f"bench-{secrets.token_hex(4)}",
        # The library's day at noon, so a run just before the library's midnight measures
        # scans and bookings, not "the room closes before the allowance runs out".
        SEATBACK_TIME_ZONE=midday_zone(datetime.now(UTC)),
        DJANGO_SETTINGS_MODULE="seatback.settings",
    )
    if target.database_url:
        env["DATABASE_URL"] = target.database_url
    if target.redis_url:
        env["REDIS_URL"] = target.redis_url
    if target.workers:
        env["SEATBACK_WORKERS"] = str(target.workers)
    if target.threads:
        env["SEATBACK_THREADS"] = str(target.threads)
    env.update(target.extra_env)
    return env


def use_django(env: Mapping[str, str]) -> None:
    """Set Django up in this process with the configuration the server got (once per
    process: Django cannot be set up twice)."""
    for key in OWN_KEYS:
        os.environ.pop(key, None)
    os.environ.update({k: v for k, v in env.items() if k.startswith(OWN_PREFIXES) or k in OWN_KEYS})
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seatback_command() -> list[str]:
    """The installed `seatback` command next to this Python (the virtualenv's)."""
    script = Path(sys.executable).parent / "seatback"
    return [str(script)] if script.exists() else [sys.executable, "-m", "seatback.cli"]


class Server:
    """`seatback serve` (gunicorn, gthread) on a free loopback port; its log in data_dir."""

    def __init__(self, env: dict[str, str], data_dir: Path) -> None:
        self.port = free_port()
        self.log = data_dir / "server.log"
        command = [*seatback_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=data_dir,  # not ROOT: PYTHONPATH may point the server at another checkout
                start_new_session=True,
            )

    def wait(self, seconds: float = 180) -> None:
        """Until /healthz answers 200 (serve migrates first)."""
        deadline = time.monotonic() + seconds
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
        raise SystemExit(f"the server did not answer in {seconds:.0f} s:\n{self.log_tail(3000)}")

    def workers(self) -> list[int]:
        return [pid for pid, ppid in procs() if ppid == self.process.pid]

    def log_tail(self, chars: int = 2000) -> str:
        return self.log.read_text()[-chars:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


# CPU and memory, from /proc -----------------------------------------------------------------


def procs() -> list[tuple[int, int]]:
    """(pid, parent pid) of every process."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        out.append((int(stat.parent.name), ppid))
    return out


def cpu_and_rss(pid: int) -> tuple[float, int]:
    """CPU seconds so far and resident bytes now (0, 0 once the process is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        statm = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0.0, 0
    return (int(fields[11]) + int(fields[12])) / TICK, int(statm[1]) * PAGE


def kernel_side(pid: int) -> tuple[float, int]:
    """CPU seconds spent in the kernel so far, and context switches (voluntary and not)
    summed over the process's threads; (0, 0) once the process is gone. A thread waiting
    for the GIL or for a socket switches out: the count shows what threads cost."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        switches = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            for line in (task / "status").read_text().splitlines():
                if "ctxt_switches:" in line:
                    switches += int(line.split()[1])
    except (OSError, ValueError):
        return 0.0, 0
    return int(fields[12]) / TICK, switches


class Sampler:
    """Samples the server's master and workers (and the database's backends) twice a second:
    CPU seconds used while it runs and the peak resident memory of each; for the server, also
    its kernel CPU and its threads' context switches from start to stop."""

    def __init__(self, server: Server, db_pids: Iterable[int] = ()) -> None:
        self.pids = {server.process.pid: "master", **{p: "worker" for p in server.workers()}}
        self.pids.update({p: "db" for p in db_pids})
        self.server_pids = [p for p, kind in self.pids.items() if kind != "db"]
        self.kernel_first = {p: kernel_side(p) for p in self.server_pids}
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
        kernel_last = {p: kernel_side(p) for p in self.server_pids}
        kernel_s = sum(
            kernel_last[p][0] - self.kernel_first[p][0]
            for p in self.server_pids
            if kernel_last[p][1]
        )
        switches = sum(
            kernel_last[p][1] - self.kernel_first[p][1]
            for p in self.server_pids
            if kernel_last[p][1]
        )
        seconds = max(seconds, 1e-6)
        rows: list[dict[str, Any]] = []
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
        server = [r for r in rows if r["kind"] in ("master", "worker")]
        db = [r for r in rows if r["kind"] == "db"]
        return {
            "per_process": rows,
            "server_cpu_s": round(sum(r["cpu_s"] for r in server), 2),
            "server_cores": round(sum(r["cores"] for r in server), 2),
            "server_kernel_cpu_s": round(kernel_s, 2),
            "server_switches": switches,
            "db_cores": round(sum(r["cores"] for r in db), 2),
            "peak_rss_mb_per_worker": max(
                (r["peak_rss_mb"] for r in rows if r["kind"] == "worker"), default=0.0
            ),
        }


# A run: the server up, Django set up here ---------------------------------------------------


class Run:
    """`seatback serve` on a fresh data folder for `target`, and Django set up in this
    process on the same database; a context manager that stops the server and (unless
    keep) deletes the data folder on the way out, and with tidy the rows seed() wrote.
    serve=False: no server, only Django here (the caller migrates)."""

    def __init__(
        self,
        target: Target,
        *,
        keep: bool = False,
        tidy: bool = False,
        serve: bool = True,
        prefix: str = "seatback-bench-",
    ) -> None:
        self.target, self.keep, self.serve = target, keep, serve
        # tidy: delete what seed() wrote on the way out, unless keep. Only on PostgreSQL:
        # an SQLite database goes with the data folder.
        self.tidy = tidy and bool(target.database_url) and not keep
        self.seeded: list[Seeded] = []
        self.data_dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.work = self.data_dir / "work"  # load-generator plans and results
        self.work.mkdir()
        self.env = environment(target, self.data_dir)
        self.server: Server | None = None
        self.vendor = ""

    def __enter__(self) -> Run:
        try:
            if self.target.fresh and self.target.database_url:
                say(f"fresh database {self.target.database_url}")
                fresh_postgres(self.target.database_url)
            if self.target.fresh and self.target.redis_url:
                say(f"Redis {self.target.redis_url} flushed")
                flush_redis(self.target.redis_url)
            if self.serve:
                self.server = Server(self.env, self.data_dir)
                say(
                    f"{self.target.label}: starting seatback serve on port {self.server.port}"
                    f" (migrates first), data folder {self.data_dir}"
                )
                self.server.wait()
            use_django(self.env)
            from django.db import connection

            self.vendor = connection.vendor
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def seed(self, **how: Any) -> Seeded:
        """seed(**how), remembered for tidying up."""
        lib = seed(**how)
        self.seeded.append(lib)
        return lib

    def close(self) -> None:
        try:
            if self.tidy and self.seeded:
                for lib in self.seeded:
                    lib.delete()
                say("bench rows deleted")
        finally:
            if self.server is not None:
                self.server.stop()
        if not self.keep:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.port

    def describe(self) -> dict[str, Any]:
        from django.conf import settings

        return {
            "workers": settings.SERVE_WORKERS,
            "threads": settings.SERVE_THREADS,
            "worker_class": "gthread",
            "cache": settings.CACHES["default"]["BACKEND"],
        }

    def shape(self) -> str:
        """ "1 worker(s) x 16 threads, LocMemCache": the server, in words."""
        d = self.describe()
        return f"{d['workers']} worker(s) x {d['threads']} threads, {d['cache'].rsplit('.', 1)[-1]}"

    def connections(self) -> int:
        """How many database connections the server can have open: workers x threads."""
        from django.conf import settings

        return int(settings.SERVE_WORKERS) * int(settings.SERVE_THREADS)

    def database(self) -> dict[str, Any]:
        """How to reach the database directly (bench/floor.py)."""
        from django.db import connection

        if self.vendor == "sqlite":
            return {"vendor": "sqlite", "path": str(connection.settings_dict["NAME"])}
        return {"vendor": "postgresql", "dsn": self.target.database_url}

    def db_pids(self) -> list[int]:
        """The PostgreSQL backends serving this database (none for SQLite)."""
        if self.vendor != "postgresql":
            return []
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [connection.settings_dict["NAME"]],
            )
            return [row[0] for row in cursor.fetchall()]

    def loadgen(self, plan: Mapping[str, Any]) -> dict[str, Any]:
        """Run a plan through bench/loadgen.py (its own process) against this server."""
        plan_path, result_path = self.work / "plan.json", self.work / "result.json"
        plan_path.write_text(json.dumps({"host": "127.0.0.1", "port": self.port, **plan}))
        subprocess.run(
            [sys.executable, "-m", "bench.loadgen", str(plan_path), str(result_path)],
            cwd=ROOT,
            check=True,
        )
        result: dict[str, Any] = json.loads(result_path.read_text())
        return result

    def measure(self, plan: Mapping[str, Any]) -> dict[str, Any]:
        """Run a plan: summarise()'s figures, the server's (and database's) CPU and memory,
        and the load generator's raw answers under "_raw"."""
        assert self.server is not None
        sampler = Sampler(self.server, self.db_pids())
        started = time.perf_counter()
        result = self.loadgen(plan)
        usage = sampler.stop(time.perf_counter() - started)
        summary = summarise(result)
        summary.update(usage)
        summary["_raw"] = result
        return summary

    def log_tail(self) -> str:
        return self.server.log_tail() if self.server else ""


@contextmanager
def in_process() -> Iterator[Run]:
    """Django set up in this process on the target's database (DATABASE_URL/REDIS_URL,
    else embedded SQLite), migrated, no server: for the benchmarks that call the WSGI
    application directly with bearer_get's requests (their host is the one allowed; rate
    limits are out of the way, as for every run). seed()'s rows go on the way out."""
    target = Target.from_environment(extra_env={"SEATBACK_ALLOWED_HOSTS": "127.0.0.1"})
    with Run(target, serve=False, tidy=True) as run:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield run


def bearer_get(path: str, token: str) -> dict[str, Any]:
    """The WSGI environ gunicorn would hand the application for a GET with a bearer token
    (for the in-process benchmarks that call seatback.wsgi or its parts directly)."""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


@dataclass
class Context:
    """What a suite scenario gets (bench/suite.py runs `scenario(ctx) -> dict`): the run
    (server, database, measure), the suite's flags, the loaded library and, unless
    --no-floor, the floor's captured SQL (bench/floor.py)."""

    run: Run
    args: argparse.Namespace
    lib: Seeded
    capture: dict[str, Any] | None = None

    @property
    def seconds(self) -> float:
        return float(self.args.seconds)

    def measure(self, plan: Mapping[str, Any]) -> dict[str, Any]:
        return self.run.measure(plan)


def plan(
    mode: str,
    requests: list[list[Any]],
    tokens: list[str],
    *,
    connections: int,
    seconds: float,
    timeout: float = 30,
    parse: bool = True,
    max_requests: int = 10**8,
    **more: Any,
) -> dict[str, Any]:
    """A load-generator plan (the fields are described in bench/loadgen.py)."""
    return {
        "mode": mode,
        "connections": connections,
        "duration": seconds,
        "max_requests": max_requests,
        "timeout": timeout,
        "tokens": tokens,
        "parse": parse,
        "requests": requests,
        **more,
    }


# The library -------------------------------------------------------------------------------

OPEN_ALL_DAY: dict[str, Any] = {"opening_hours": "00:00-24:00", "protected_windows": ""}


@dataclass
class Seeded:
    """What a benchmark wrote: rooms, seats (ids and QR codes, in order) and readers (ids,
    bearer tokens and their digests, in order); tag is in every room name and card number."""

    tag: str
    room_ids: list[int] = field(default_factory=list)
    seat_ids: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    reader_ids: list[int] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)

    def delete(self) -> None:
        """Delete the rooms (their seats and everything on them) and the readers."""
        from seatback.library.models import Room
        from seatback.readers.models import Reader

        Room.objects.filter(pk__in=self.room_ids).delete()
        Reader.objects.filter(card_number__startswith=f"BENCH{self.tag}-").delete()


def seed(
    *,
    seats: int,
    readers: int,
    rooms: int = 1,
    policy: Mapping[str, Any],
    reservable: bool = False,
    tag: str | None = None,
) -> Seeded:
    """`rooms` rooms with `policy` and `seats` seats between them, `readers` readers with a
    bearer token each, written straight into the database: bulk inserts, one unusable
    password for all (signing readers in through the password hasher would time the
    hasher)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from seatback.library.models import Library, Room, Seat
    from seatback.readers.models import ApiToken, Reader

    lib = Seeded(tag=tag or secrets.token_hex(3).upper())
    home = Library.get()
    made = [
        Room.objects.create(
            library=home,
            name=f"bench {lib.tag} {n:02d}",
            floor=str(n // 3 + 1),
            policy=dict(policy),
        )
        for n in range(rooms)
    ]
    per_room = -(-seats // max(1, rooms))
    rows = Seat.objects.bulk_create(
        (
            Seat(
                room=made[i // per_room],
                label=f"{i // per_room:02d}-{i % per_room:04d}",
                x=i % per_room % 20,
                y=i % per_room // 20,
                reservable=reservable,
            )
            for i in range(seats)
        ),
        batch_size=2000,
    )
    password = make_password(None)
    people = Reader.objects.bulk_create(
        (
            Reader(card_number=f"BENCH{lib.tag}-{i:06d}", name=f"bench {i}", password=password)
            for i in range(readers)
        ),
        batch_size=2000,
    )
    lib.tokens = [secrets.token_urlsafe(32) for _ in people]
    lib.digests = [hashlib.sha256(token.encode()).hexdigest() for token in lib.tokens]
    now = timezone.now()
    ApiToken.objects.bulk_create(
        (
            ApiToken(reader=reader, digest=digest, created=now)
            for reader, digest in zip(people, lib.digests, strict=True)
        ),
        batch_size=2000,
    )
    lib.room_ids = [room.pk for room in made]
    lib.seat_ids, lib.codes = [s.pk for s in rows], [s.code for s in rows]
    lib.reader_ids = [r.pk for r in people]
    return lib


# Scans ---------------------------------------------------------------------------------------


def scan_plan(
    lib: Seeded, mode: str, scans: Iterable[tuple[str, int, int]], **how: Any
) -> dict[str, Any]:
    """A load-generator plan of (intent, reader index, seat index) scans: POST
    /seats/{code}/{intent} with the reader's token; `how` as for plan()."""
    requests = [["POST", f"/api/v1/seats/{lib.codes[s]}/{intent}", r] for intent, r, s in scans]
    return plan(mode, requests, lib.tokens, **how)


def model(app_label: str, name: str) -> Any:
    """A model by app label ("seats", "Challenge"): not tied to the module it lives in."""
    from django.apps import apps

    return apps.get_model(app_label, name)


def reset_scans(room_ids: list[int]) -> None:
    """Delete every clock, hold and scan record in these rooms: a fresh start."""
    from django.db import connection, transaction

    from seatback.library.models import Seat

    ids = ",".join(str(int(i)) for i in room_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        for name in ("ScanRecord", "Challenge", "Hold"):
            cursor.execute(
                f"DELETE FROM {model('seats', name)._meta.db_table} WHERE seat_id IN "  # noqa: S608
                f"(SELECT id FROM {Seat._meta.db_table} WHERE room_id IN ({ids}))"
            )


def scan_invariants(room_ids: list[int]) -> dict[str, int]:
    """What the database says after scans in these rooms: the VIOLATIONS among the keys
    must all be 0 (the constraints forbid it; this only looks)."""
    from django.db.models import Count, QuerySet

    def doubles(rows: QuerySet[Any], column: str) -> int:
        return int(rows.values(column).annotate(n=Count("id")).filter(n__gt=1).count())

    pending = model("seats", "Challenge").objects.filter(
        seat__room_id__in=room_ids, status="pending"
    )
    current = model("seats", "Hold").objects.filter(
        seat__room_id__in=room_ids, ended_at__isnull=True
    )
    return {
        "seats_with_two_holders": doubles(current, "seat"),
        "seats_with_two_pending_clocks": doubles(pending, "seat"),
        "readers_with_two_holds": doubles(current, "reader"),
        "readers_with_two_pending_clocks": doubles(pending, "challenger"),
        "holds_now": current.count(),
        "pending_clocks_now": pending.count(),
        "scan_records": model("seats", "ScanRecord")
        .objects.filter(seat__room_id__in=room_ids)
        .count(),
    }


# The invariants that must be 0 (scan_invariants(), bench/reservation_rush.py's inspect());
# the others are counts (holds now, bookings, ...).
VIOLATIONS = frozenset(
    {
        "seats_with_two_holders",
        "seats_with_two_pending_clocks",
        "readers_with_two_holds",
        "readers_with_two_pending_clocks",
        "seat_slots_booked_twice",
        "readers_with_two_bookings",
        "bookings_without_their_slots",
    }
)


def violations(invariants: Mapping[str, int]) -> int:
    """How many of the invariants read after a scenario were broken."""
    return sum(v for k, v in invariants.items() if k in VIOLATIONS)


# Figures -------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-quantile (0 < q <= 1) of sorted values, nearest rank; 0 when there are none."""
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))]


def summarise(result: Mapping[str, Any], seconds: float | None = None) -> dict[str, Any]:
    """The figures of a load-generator result: throughput and latency of the answered
    requests (one given up unanswered is counted apart), the answers by status and code."""
    rows = result["results"]
    answered = [r for r in rows if r[1]]
    ms = sorted(r[3] for r in answered)
    elapsed = seconds or result["elapsed"]
    return {
        "requests": len(rows),
        "seconds": round(elapsed, 2),
        "answered": len(answered),
        "throughput": round(len(answered) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(ms[-1], 1) if ms else 0.0,
        "answers": dict(Counter(r[2] for r in rows).most_common()),
        "errors_by_status": dict(
            Counter(str(r[1]) for r in rows if not 200 <= r[1] < 300).most_common()
        ),
        "http_5xx": sum(1 for r in rows if r[1] >= 500),
        "no_answer": sum(1 for r in rows if r[1] == 0),
        "client_cpu_cores": round(result["client_cpu"] / result["elapsed"], 2)
        if result["elapsed"]
        else 0.0,
        "reconnects": result.get("reconnects", 0),
    }


def figures(result: Mapping[str, Any]) -> str:
    """One line: throughput, latency, 5xx, CPU; and per answer, the server's CPU, the
    kernel's share of it and its threads' context switches."""
    line = (
        f"{result.get('answered')}/{result.get('requests')} answered in"
        f" {result.get('seconds')} s: {result.get('throughput')}/s; latency ms p50"
        f" {result.get('p50_ms')}, p95 {result.get('p95_ms')}, p99 {result.get('p99_ms')},"
        f" max {result.get('max_ms')}; 5xx {result.get('http_5xx')}; server"
        f" {result.get('server_cores')} cores, generator {result.get('client_cpu_cores')} cores"
    )
    answered, cpu = result.get("answered") or 0, result.get("server_cpu_s") or 0
    if answered and cpu and "server_switches" in result:
        line += (
            f"; per answer {1000 * cpu / answered:.2f} ms server CPU"
            f" ({100 * result['server_kernel_cpu_s'] / cpu:.0f} % kernel),"
            f" {result['server_switches'] / answered:.1f} context switches"
        )
    return line


def tally(title: str, counts: Mapping[str, Any]) -> str:
    return "\n".join([f"{title}:", *(f"  {count:>6}  {label}" for label, count in counts.items())])


def print_figures(title: str, result: Mapping[str, Any]) -> None:
    """A standalone benchmark's report: the figures line, CPU in seconds, the answers."""
    say(f"\n{title}: {figures(result)}")
    say(
        f"server CPU {result.get('server_cpu_s')} s, peak RSS per worker"
        f" {result.get('peak_rss_mb_per_worker')} MB; load average now {load()}"
    )
    say(tally("answers", result.get("answers", {})))


def print_invariants(invariants: Mapping[str, int]) -> None:
    say(tally("database afterwards", {k.replace("_", " "): v for k, v in invariants.items()}))


def standalone_parser(
    doc: str | None, *, seats: int, readers: int, threads: int, server_threads: int
) -> argparse.ArgumentParser:
    """The flags every standalone benchmark script shares, with its defaults (the database
    comes from DATABASE_URL and REDIS_URL: see Target.from_environment)."""
    parser = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seats", type=int, default=seats)
    parser.add_argument("--readers", type=int, default=readers)
    parser.add_argument("--threads", type=int, default=threads, help="client connections")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (serve's)")
    parser.add_argument(
        "--server-threads", type=int, default=server_threads, help="threads per worker"
    )
    parser.add_argument("--seed", type=int, default=1, help="the random mix's seed")
    parser.add_argument("--keep", action="store_true", help="keep the data dir and bench rows")
    return parser
