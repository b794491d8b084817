#!/usr/bin/env python
"""A scan rush against a real `seatback serve` (gunicorn) over loopback.

    .venv/bin/python bench/scan_rush.py [--seats 20] [--readers 300] [--intents 6000]
        [--threads 32] [--workers N] [--server-threads 16] [--spread]

Starts `seatback serve` on a fresh temporary data folder: embedded SQLite, or PostgreSQL
when DATABASE_URL is set (REDIS_URL is passed on too). Makes a room open all day with no
protected windows, --seats seats and --readers readers with bearer tokens (written straight
into the database: signing in hundreds of readers through the production password hasher
would time the hasher). Then --threads client threads, one keep-alive session each, fire
--intents intents in all (bounded; it stops by itself), each a random reader scanning a
random seat: challenge 50%, return 20%, withdraw 15%, claim 10%, release 5%. With --spread
the readers scan seats evenly; without it, the rush: half of all scans go to the first
quarter of the seats.

Prints progress each second, then throughput (intents/s), latency p50/p95/p99, the answers
by status and code, and what the database says afterwards: scan records written, and any
seat with two holders or two pending clocks, any reader with two (there must be none; the
constraints forbid it, this only looks). Asserts nothing. At the end it deletes its data
folder (SQLite's database, the server's log) and, on PostgreSQL, the room, seats, readers
and their rows; --keep keeps them.
"""

from __future__ import annotations

import argparse
import os
import random
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MIX = ["challenge"] * 10 + ["return"] * 4 + ["withdraw"] * 3 + ["claim"] * 2 + ["release"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, args: argparse.Namespace) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SEATBACK_", "DJANGO_")) and key not in ("SECRET_KEY",)
    }
    env.update(
        SEATBACK_DATA_DIR=str(data_dir),
        SECRET_KEY="bench-only-" + secrets.token_hex(8),
        SEATBACK_RATE_LIMIT_INTENTS="1000000",
        SEATBACK_RATE_LIMIT_READS="1000000",
        SEATBACK_RATE_LIMIT_LOGIN="1000000",
        SEATBACK_LOG_LEVEL="ERROR",
        SEATBACK_CACHE_PREFIX=f"bench-{secrets.token_hex(4)}",
        SEATBACK_THREADS=str(args.server_threads),
        DJANGO_SETTINGS_MODULE="seatback.settings",
    )
    if args.workers:
        env["SEATBACK_WORKERS"] = str(args.workers)
    return env


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "seatback.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=log_path.parent,  # not ROOT: PYTHONPATH may point the server at another checkout
        start_new_session=True,
    )
    log.close()
    return process


def wait_until_up(process: subprocess.Popen[bytes], base: str, log_path: Path) -> None:
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer within 120 s:\n{log_path.read_text()[-3000:]}")


def seed(args: argparse.Namespace, tag: str) -> tuple[list[str], list[str], int]:
    """Room, seats, readers and tokens, written directly. Returns seat codes, tokens, room id."""
    from django.contrib.auth.hashers import make_password

    from seatback.core import clock
    from seatback.library.models import Library, Room, Seat
    from seatback.readers.models import ApiToken, Reader, _digest

    now = clock.now()
    room = Room.objects.create(
        library=Library.get(),
        name=f"bench {tag}",
        floor="B",
        policy={
            "opening_hours": "00:00-24:00",
            "protected_windows": "",
            "leave_allowance_minutes": 1,
        },
    )
    seats = Seat.objects.bulk_create(Seat(room=room, label=f"B-{i:04d}") for i in range(args.seats))
    password = make_password(None)
    readers = Reader.objects.bulk_create(
        Reader(card_number=f"BENCH{tag}{i:05d}", name=f"bench {i}", password=password)
        for i in range(args.readers)
    )
    tokens = [secrets.token_urlsafe(32) for _ in readers]
    ApiToken.objects.bulk_create(
        ApiToken(reader=reader, digest=_digest(token), created=now)
        for reader, token in zip(readers, tokens, strict=True)
    )
    return [seat.code for seat in seats], tokens, room.pk


def inspect(room_id: int, tag: str) -> dict[str, Any]:
    from django.db.models import Count

    from seatback.seats.models import Challenge, Hold, ScanRecord

    def doubles(rows: Any, column: str) -> int:
        return rows.values(column).annotate(n=Count("id")).filter(n__gt=1).count()

    pending = Challenge.objects.filter(seat__room_id=room_id, status=Challenge.Status.PENDING)
    current = Hold.objects.filter(seat__room_id=room_id, ended_at__isnull=True)
    return {
        "scan records": ScanRecord.objects.filter(seat__room_id=room_id).count(),
        "seats with two holders": doubles(current, "seat"),
        "seats with two pending clocks": doubles(pending, "seat"),
        "readers with two holds": doubles(current, "reader"),
        "readers with two pending clocks": doubles(pending, "challenger"),
        "holds now": current.count(),
        "pending clocks now": pending.count(),
    }


def clean_up(room_id: int, tag: str) -> None:
    from seatback.library.models import Room
    from seatback.readers.models import Reader

    Room.objects.filter(pk=room_id).delete()
    Reader.objects.filter(card_number__startswith=f"BENCH{tag}").delete()


def rush(
    base: str, codes: list[str], tokens: list[str], args: argparse.Namespace
) -> tuple[float, list[float], Counter[str]]:
    import requests

    picker = random.Random(args.seed)  # noqa: S311 - a reproducible mix, not a secret
    hot = codes[: max(1, len(codes) // 4)]
    plan = []
    for _ in range(args.intents):
        code = picker.choice(codes if args.spread or picker.random() < 0.5 else hot)
        plan.append((picker.choice(tokens), code, picker.choice(MIX)))

    lock = threading.Lock()
    cursor = iter(plan)
    latencies: list[float] = []
    answers: Counter[str] = Counter()
    done = 0

    def client() -> None:
        nonlocal done
        session = requests.Session()
        while True:
            with lock:
                job = next(cursor, None)
            if job is None:
                break
            token, code, intent = job
            started = time.perf_counter()
            try:
                response = session.post(
                    f"{base}/api/v1/seats/{code}/{intent}",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
                seconds = time.perf_counter() - started
                try:
                    body = response.json()
                    code_ = body.get("outcome") or body.get("error", {}).get("code", "?")
                except ValueError:
                    code_ = "not json"
                label = f"{response.status_code} {code_}"
            except requests.RequestException as exc:
                seconds = time.perf_counter() - started
                label = f"client error {type(exc).__name__}"
            with lock:
                latencies.append(seconds)
                answers[label] += 1
                done += 1
        session.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(args.threads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    last = 0
    while any(thread.is_alive() for thread in threads):
        time.sleep(1)
        with lock:
            now_done = done
        elapsed = time.perf_counter() - started
        print(
            f"  {now_done:>6}/{args.intents} intents, {elapsed:5.1f} s,"
            f" {now_done - last:>5}/s in the last second",
            flush=True,
        )
        last = now_done
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, answers


def server_cpu_seconds(master: int) -> float:
    """User + system CPU seconds of the gunicorn master and its workers so far (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if master in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--readers", type=int, default=300)
    parser.add_argument("--intents", type=int, default=6000, help="intents fired in all")
    parser.add_argument("--threads", type=int, default=32, help="client threads")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: serve's)"
    )
    parser.add_argument("--server-threads", type=int, default=16, help="threads per worker")
    parser.add_argument("--spread", action="store_true", help="no hot seats")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the data dir and bench rows")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="seatback-rush-"))
    env = server_env(data_dir, args)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = data_dir / "server.log"
    print(
        f"scan rush: {database}{' + Redis' if os.environ.get('REDIS_URL') else ''},"
        f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, data dir {data_dir}",
        flush=True,
    )
    server = start_server(env, port, log_path)
    tag = secrets.token_hex(3).upper()
    room_id = 0
    try:
        wait_until_up(server, base, log_path)
        os.environ.update({k: v for k, v in env.items() if k.startswith(("SEATBACK_", "DJANGO_"))})
        os.environ["SECRET_KEY"] = env["SECRET_KEY"]
        import django

        django.setup()
        from django.conf import settings

        print(
            f"server: seatback serve, {settings.SERVE_WORKERS} worker(s) x"
            f" {settings.SERVE_THREADS} threads (gunicorn gthread), pid {server.pid}",
            flush=True,
        )
        codes, tokens, room_id = seed(args, tag)
        print(
            f"seeded {len(codes)} seats, {len(tokens)} readers;"
            f" firing {args.intents} intents from {args.threads} client threads"
            f" ({'spread' if args.spread else 'half of them on a quarter of the seats'})",
            flush=True,
        )
        server_cpu, client_cpu = server_cpu_seconds(server.pid), time.process_time()
        seconds, latencies, answers = rush(base, codes, tokens, args)
        server_cpu = server_cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        ms = sorted(latency * 1000 for latency in latencies)
        rate = len(latencies) / seconds
        print(f"\n{len(latencies)} intents in {seconds:.1f} s: {rate:.0f} intents/s")
        print(
            f"latency ms: p50 {percentile(ms, 0.50):.1f}, p95 {percentile(ms, 0.95):.1f},"
            f" p99 {percentile(ms, 0.99):.1f}, max {ms[-1]:.1f}"
        )
        print(
            f"CPU: server {server_cpu:.1f} s ({server_cpu / seconds:.2f} cores),"
            f" this load generator {client_cpu:.1f} s ({client_cpu / seconds:.2f} cores)"
        )
        print("answers:")
        for label, count in answers.most_common():
            print(f"  {count:>6}  {label}")
        print(f"load average now {os.getloadavg()[0]:.1f} (other work on the machine skews this)")
        five_hundreds = sum(n for label, n in answers.items() if label.startswith("5"))
        print(f"5xx answers: {five_hundreds}")
        print("database afterwards:")
        for key, value in inspect(room_id, tag).items():
            print(f"  {key}: {value}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if room_id and os.environ.get("DATABASE_URL") and not args.keep:
            clean_up(room_id, tag)
            print("bench rows deleted")
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
