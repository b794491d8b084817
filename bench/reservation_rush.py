#!/usr/bin/env python
"""The morning rush of seat reservations against a real `seatback serve` (gunicorn).

    .venv/bin/python bench/reservation_rush.py [--seats 2000] [--readers 20000]
        [--seconds 10] [--threads 200] [--attempts 3] [--workers N] [--server-threads 64]

Starts `seatback serve` on a fresh temporary data folder: embedded SQLite, or PostgreSQL
when DATABASE_URL is set (REDIS_URL is passed on too). Makes a room with --seats reservable
seats, open all day, and --readers readers with bearer tokens (written straight into the
database: the password hasher is not what is measured). The server clock is real: the
booking is for tomorrow 09:00-11:00 (bookings for tomorrow are open all day: the room's
booking_opens_at is 00:00).

Then every reader arrives once within --seconds (arrivals spread evenly, in random order)
and asks for a seat: a random one, with half of the readers wanting the first tenth of the
seats (by the window, say). A reader told `seat_unavailable` tries another random seat; one
told `busy` waits its Retry-After and tries again; up to --attempts requests per reader.
--threads client threads send the requests, one keep-alive connection each.

Prints latency p50/p99 (every request), answers by status and code, seats assigned, and
checks afterwards what the database says: no seat slot booked twice, no reader with two
bookings, every booking with its slots. At the end it deletes its data folder and, on
PostgreSQL, its rows (--keep keeps them).
"""

from __future__ import annotations

import argparse
import heapq
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scan_rush import (  # noqa: E402
    free_port,
    percentile,
    server_cpu_seconds,
    start_server,
    wait_until_up,
)
from bench.scan_rush import server_env as scan_server_env  # noqa: E402


def server_env(data_dir: Path, args: argparse.Namespace) -> dict[str, str]:
    env = scan_server_env(data_dir, args)
    env["SEATBACK_BOOKING_CONCURRENCY"] = str(args.concurrency)
    env["SEATBACK_BOOKING_QUEUE"] = str(args.queue)
    return env


def seed(args: argparse.Namespace, tag: str) -> tuple[list[int], list[str], int]:
    from seatback.core import clock
    from seatback.library.models import Library, Room, Seat
    from seatback.readers.models import ApiToken, Reader, _digest

    now = clock.now()
    room = Room.objects.create(
        library=Library.get(),
        name=f"rush {tag}",
        floor="R",
        policy={
            "opening_hours": "00:00-24:00",
            "protected_windows": "",
            "booking_opens_at": "00:00",
            "reservations_per_day": 1,
        },
    )
    seats = Seat.objects.bulk_create(
        Seat(room=room, label=f"R-{i:04d}", x=i % 50, y=i // 50, reservable=True)
        for i in range(args.seats)
    )
    readers = Reader.objects.bulk_create(
        (
            Reader(card_number=f"RUSH{tag}{i:05d}", name=f"rush {i}", password="!")
            for i in range(args.readers)
        ),
        batch_size=2000,
    )
    tokens = [secrets.token_urlsafe(24) for _ in readers]
    ApiToken.objects.bulk_create(
        (
            ApiToken(reader=reader, digest=_digest(token), created=now)
            for reader, token in zip(readers, tokens, strict=True)
        ),
        batch_size=2000,
    )
    return [seat.pk for seat in seats], tokens, room.pk


def tomorrow_slot() -> tuple[str, str]:
    from seatback.core import clock
    from seatback.library.policy import Policy

    zone = Policy.zone()
    day = clock.now().astimezone(zone).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=zone)
    return start.isoformat(), (start + timedelta(hours=2)).isoformat()


def rush(
    base: str, seat_ids: list[int], tokens: list[str], args: argparse.Namespace
) -> tuple[float, list[float], Counter[str], Counter[str]]:
    """Each client thread serves its share of the readers in their arrival order, from its
    own queue (retries go back into it at their Retry-After): no lock between threads but
    the one around the tallies."""
    import requests

    start, end = tomorrow_slot()
    picker = random.Random(args.seed)  # noqa: S311 - a reproducible mix, not a secret
    hot = seat_ids[: max(1, len(seat_ids) // 10)]
    order = list(range(len(tokens)))
    picker.shuffle(order)
    spacing = args.seconds / max(1, len(tokens))
    t0 = time.perf_counter() + 0.5
    shares: list[list[tuple[float, int, int, int]]] = [[] for _ in range(args.threads)]
    for n, reader in enumerate(order):
        shares[n % args.threads].append((t0 + n * spacing, n, reader, 1))
    lock = threading.Lock()
    latencies: list[float] = []
    answers: Counter[str] = Counter()
    outcome: Counter[str] = Counter()

    def client(jobs: list[tuple[float, int, int, int]], seed: int) -> None:
        mine = random.Random(seed)  # noqa: S311
        session = requests.Session()
        sequence = len(tokens) * 10 + seed
        heapq.heapify(jobs)
        while jobs:
            due, _seq, reader, attempt = heapq.heappop(jobs)
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            seat = mine.choice(hot if mine.random() < 0.5 else seat_ids)
            started = time.perf_counter()
            try:
                response = session.post(
                    f"{base}/api/v1/reservations",
                    json={"seat_id": seat, "start": start, "end": end},
                    headers={"Authorization": f"Bearer {tokens[reader]}"},
                    timeout=60,
                )
                status = response.status_code
                try:
                    body = response.json()
                    code = "booked" if status == 201 else body.get("error", {}).get("code", "?")
                except ValueError:
                    code = "not json"
                retry_after = float(response.headers.get("Retry-After") or 1)
            except requests.RequestException as exc:
                status, code, retry_after = 0, f"client error {type(exc).__name__}", 1.0
            seconds = time.perf_counter() - started
            again = code in ("seat_unavailable", "busy") and attempt < args.attempts
            if again:
                sequence += args.threads
                later = time.perf_counter() + (retry_after if code == "busy" else 0.0)
                heapq.heappush(jobs, (later, sequence, reader, attempt + 1))
            with lock:
                latencies.append(seconds)
                answers[f"{status} {code}"] += 1
                if not again:
                    outcome["booked" if status == 201 else f"gave up after {code}"] += 1
        session.close()

    threads = [
        threading.Thread(target=client, args=(share, i), daemon=True)
        for i, share in enumerate(shares)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    last = 0
    while any(thread.is_alive() for thread in threads):
        time.sleep(1)
        with lock:
            done = len(latencies)
        print(
            f"  {done:>6} requests, {time.perf_counter() - began:5.1f} s,"
            f" {done - last:>5}/s in the last second",
            flush=True,
        )
        last = done
    return time.perf_counter() - began, latencies, answers, outcome


def inspect(room_id: int) -> dict[str, Any]:
    from django.db.models import Count

    from seatback.reservations.models import Reservation, ReservationSlot

    bookings = Reservation.objects.filter(seat__room_id=room_id)
    slots = ReservationSlot.objects.filter(seat__room_id=room_id, active=True)
    return {
        "bookings": bookings.count(),
        "seats booked": bookings.values("seat").distinct().count(),
        "seat slots booked twice": slots.values("seat", "slot_start")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "readers with two bookings": bookings.values("reader")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "bookings without their 4 slots": bookings.annotate(n=Count("slots")).exclude(n=4).count(),
    }


def clean_up(room_id: int, tag: str) -> None:
    from seatback.library.models import Room
    from seatback.readers.models import Reader

    Room.objects.filter(pk=room_id).delete()
    Reader.objects.filter(card_number__startswith=f"RUSH{tag}").delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seats", type=int, default=2000)
    parser.add_argument("--readers", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=10.0, help="arrivals spread over")
    parser.add_argument("--threads", type=int, default=200, help="client threads")
    parser.add_argument("--attempts", type=int, default=3, help="requests per reader at most")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers")
    parser.add_argument("--server-threads", type=int, default=64, help="threads per worker")
    parser.add_argument("--concurrency", type=int, default=4, help="bookings at once/process")
    parser.add_argument("--queue", type=int, default=64, help="bookings queued/process")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="seatback-reservation-rush-"))
    env = server_env(data_dir, args)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = data_dir / "server.log"
    print(
        f"reservation rush: {database}{' + Redis' if os.environ.get('REDIS_URL') else ''},"
        f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}",
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
            f" {settings.SERVE_THREADS} threads; bookings {args.concurrency} at once and"
            f" {args.queue} queued per worker",
            flush=True,
        )
        seat_ids, tokens, room_id = seed(args, tag)
        print(
            f"seeded {len(seat_ids)} reservable seats, {len(tokens)} readers; arrivals over"
            f" {args.seconds:.0f} s from {args.threads} client threads",
            flush=True,
        )
        server_cpu = server_cpu_seconds(server.pid)
        seconds, latencies, answers, outcome = rush(base, seat_ids, tokens, args)
        server_cpu = server_cpu_seconds(server.pid) - server_cpu
        ms = sorted(latency * 1000 for latency in latencies)
        print(f"\n{len(latencies)} requests in {seconds:.1f} s ({len(latencies) / seconds:.0f}/s)")
        print(
            f"latency ms: p50 {percentile(ms, 0.50):.1f}, p95 {percentile(ms, 0.95):.1f},"
            f" p99 {percentile(ms, 0.99):.1f}, max {ms[-1]:.1f}"
        )
        print(f"server CPU {server_cpu:.1f} s ({server_cpu / seconds:.2f} cores)")
        print("answers:")
        for label, count in answers.most_common():
            print(f"  {count:>6}  {label}")
        print("readers:")
        for label, count in outcome.most_common():
            print(f"  {count:>6}  {label}")
        fives = sum(n for label, n in answers.items() if label.startswith("5"))
        others = sum(n for label, n in answers.items() if label.startswith(("500", "502", "0 ")))
        print(f"5xx answers: {fives} (all 503 busy: {others == 0})")
        print("database afterwards:")
        for key, value in inspect(room_id).items():
            print(f"  {key}: {value}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except Exception:  # noqa: BLE001
            server.kill()
        if room_id and os.environ.get("DATABASE_URL") and not args.keep:
            clean_up(room_id, tag)
            print("bench rows deleted")
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
