#!/usr/bin/env python
"""The morning rush of seat reservations against a real `seatback serve` (gunicorn).

    .venv/bin/python bench/reservation_rush.py [--seats 2000] [--readers 20000]
        [--seconds 10] [--threads 200] [--attempts 3] [--workers N] [--server-threads 64]

Also the suite's "reservation" scenario (bench/suite.py: --rush-seats, --rush-readers,
--rush-attempts, --rush-connections; scaled down under --quick), on the suite's server.

Standalone it starts `seatback serve` on a fresh temporary data folder: embedded SQLite, or
PostgreSQL when DATABASE_URL is set (REDIS_URL is passed on too). Either way it makes a room
with --seats reservable seats, open all day, bookings for tomorrow open from 00:00, one
booking a reader a day, and --readers readers with bearer tokens (written straight into the
database: the password hasher is not what is measured). The server clock is real: the
booking is for tomorrow 09:00-11:00.

Then every reader arrives once within --seconds (arrivals spread evenly, in random order)
and asks for a seat: a random one, with half of the readers wanting the first tenth of the
seats (by the window, say). A reader told `seat_unavailable` tries another random seat; one
told `busy` waits its Retry-After and tries again; up to --attempts requests per reader.
In the suite (--rush-follow 60, its default) a reader instead keeps at it for 60 s: after
each `busy` its Retry-After, after each `seat_unavailable` one of the seats the refusal
offers (`free_seats`), until booked or told that nothing is left (`free: 0`); the figure
is the share of readers settled so within 60 s of arriving.
The load generator (bench/loadgen.py, arrivals mode) sends them over --threads keep-alive
connections; latency is counted from when a request was sent.

Prints throughput, latency p50/p95/p99 (every request), answers by status and code, what
became of the readers, and checks afterwards what the database says: no seat slot booked
twice, no reader with two bookings, every booking with its slots. At the end it deletes its
data folder and, on PostgreSQL, its rows (--keep keeps them).
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/x.py run as a script

from bench.harness import (
    OPEN_ALL_DAY,
    Context,
    Run,
    Target,
    load,
    model,
    plan,
    print_figures,
    print_invariants,
    say,
    standalone_parser,
    tally,
)

POLICY = {**OPEN_ALL_DAY, "booking_opens_at": "00:00", "reservations_per_day": 1}
SLOTS_PER_BOOKING = 4  # 09:00-11:00 in half-hour slots


@dataclass(frozen=True)
class Rush:
    seats: int
    readers: int
    seconds: float  # arrivals spread over
    connections: int
    attempts: int
    seed: int = 1
    # > 0: readers keep at it for this many seconds (Retry-After, then the offered seats)
    # until booked or told nothing is left; 0: at most `attempts` requests each.
    follow: float = 0


def tomorrow_slot() -> tuple[str, str]:
    """Tomorrow 09:00-11:00 in the library's time zone, ISO 8601."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    zone = ZoneInfo(settings.TIME_ZONE)
    day = timezone.now().astimezone(zone).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=zone)
    return start.isoformat(), (start + timedelta(hours=2)).isoformat()


def arrivals(seat_ids: list[int], readers: int, rush: Rush) -> tuple[list[Any], list[Any]]:
    """Each reader's requests (up to --attempts, each for a seat drawn as described) and
    when it arrives: the requests and visitors of the load generator's arrivals mode."""
    start, end = tomorrow_slot()
    rng = random.Random(rush.seed)
    hot = seat_ids[: max(1, len(seat_ids) // 10)]
    order = list(range(readers))
    rng.shuffle(order)
    spacing = rush.seconds / max(1, readers)
    requests: list[list[Any]] = []
    visitors: list[list[Any]] = []
    for n, reader in enumerate(order):
        mine = []
        for _ in range(rush.attempts):
            seat = rng.choice(hot if rng.random() < 0.5 else seat_ids)
            body = json.dumps({"seat_id": seat, "start": start, "end": end})
            mine.append(len(requests))
            requests.append(["POST", "/api/v1/reservations", reader, body])
        visitors.append([0.5 + n * spacing, mine])
    return requests, visitors


def inspect(room_ids: list[int]) -> dict[str, int]:
    from django.db.models import Count

    bookings = model("reservations", "Reservation").objects.filter(seat__room_id__in=room_ids)
    slots = model("reservations", "ReservationSlot").objects.filter(
        seat__room_id__in=room_ids, active=True
    )
    return {
        "bookings": bookings.count(),
        "seats_booked": bookings.values("seat").distinct().count(),
        "seat_slots_booked_twice": slots.values("seat", "slot_start")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "readers_with_two_bookings": bookings.values("reader")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "bookings_without_their_slots": bookings.annotate(n=Count("slots"))
        .exclude(n=SLOTS_PER_BOOKING)
        .count(),
    }


def rush(run: Run, rush: Rush) -> dict[str, Any]:
    """Seed the room and readers, run the rush, inspect the database; the figures."""
    lib = run.seed(seats=rush.seats, readers=rush.readers, policy=POLICY, reservable=True)
    say(
        f"  {rush.seats} reservable seats, {rush.readers} readers arriving over"
        f" {rush.seconds:.0f} s, {rush.connections} connections, "
        + (
            f"each keeping at it for {rush.follow:.0f} s (Retry-After, offered seats)"
            if rush.follow
            else f"up to {rush.attempts} requests a reader"
        )
    )
    requests, visitors = arrivals(lib.seat_ids, len(lib.tokens), rush)
    out = run.measure(
        plan(
            "arrivals",
            requests,
            lib.tokens,
            connections=rush.connections,
            seconds=rush.seconds + 1,
            timeout=60,
            label_ok="booked",
            retry={"seat_unavailable": "now", "busy": "after"},
            follow=rush.follow,
            visitors=visitors,
        )
    )
    raw = out.pop("_raw")

    def became(label: str) -> str:
        if label.startswith("201"):
            return "booked"
        if label == "409 nothing_left":
            return "told nothing is left"
        if label.startswith("gave up"):
            return label
        return f"gave up after {label.partition(' ')[2]}"

    readers = Counter(became(label) for label in raw["outcomes"])
    out["readers"] = dict(readers.most_common())
    if rush.follow:
        # Issue 17: the share of readers holding a booking or a definite "nothing left"
        # within 60 s of arriving (following every Retry-After and every offer).
        answered = [
            after
            for label, after in zip(raw["outcomes"], raw["settled_after"], strict=True)
            if label.startswith("201") or label == "409 nothing_left"
        ]
        out["settled_within_60s"] = round(
            sum(1 for after in answered if after <= 60) / max(1, len(raw["outcomes"])), 4
        )
        settled = sorted(raw["settled_after"])
        out["settled_after_p50_p95_max_s"] = (
            [round(settled[int(q * (len(settled) - 1))], 1) for q in (0.5, 0.95, 1.0)]
            if settled
            else []
        )
    out["http_5xx_not_busy"] = sum(
        n for label, n in out["answers"].items() if label.startswith("5") and label != "503 busy"
    )
    out["invariants"] = inspect(lib.room_ids)
    out["parameters"] = rush.__dict__
    return out


def scenario(ctx: Context) -> dict[str, Any]:
    """The suite's "reservation" scenario: arrivals over --rush-seconds (10 s); the scale
    is --rush-seats and --rush-readers (--quick: 100 and 1,000 unless given)."""
    args = ctx.args
    return rush(
        ctx.run,
        Rush(
            seats=args.rush_seats,
            readers=args.rush_readers,
            seconds=args.rush_seconds,
            connections=args.rush_connections,
            attempts=args.rush_attempts,
            follow=args.rush_follow,
        ),
    )


def main() -> None:
    parser = standalone_parser(__doc__, seats=2000, readers=20000, threads=200, server_threads=64)
    parser.add_argument("--seconds", type=float, default=10.0, help="arrivals spread over")
    parser.add_argument("--attempts", type=int, default=3, help="requests per reader at most")
    parser.add_argument("--concurrency", type=int, default=4, help="bookings at once/process")
    parser.add_argument("--queue", type=int, default=64, help="bookings queued/process")
    args = parser.parse_args()
    target = Target.from_environment(
        workers=args.workers,
        threads=args.server_threads,
        extra_env={
            "SEATBACK_BOOKING_CONCURRENCY": str(args.concurrency),
            "SEATBACK_BOOKING_QUEUE": str(args.queue),
        },
    )
    with Run(target, keep=args.keep, tidy=True, prefix="seatback-reservation-rush-") as run:
        say(
            f"reservation rush, load average {load()}: {run.shape()}; bookings"
            f" {args.concurrency} at once and {args.queue} queued per worker"
        )
        params = Rush(
            seats=args.seats,
            readers=args.readers,
            seconds=args.seconds,
            connections=args.threads,
            attempts=args.attempts,
            seed=args.seed,
        )
        result = rush(run, params)
    print_figures("reservation rush", result)
    say(tally("readers", result["readers"]))
    say(f"5xx other than 503 busy: {result['http_5xx_not_busy']}")
    print_invariants(result["invariants"])


if __name__ == "__main__":
    main()
