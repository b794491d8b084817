#!/usr/bin/env python
"""A scan rush against a real `seatback serve` (gunicorn) over loopback.

    .venv/bin/python bench/scan_rush.py [--seats 20] [--readers 300] [--intents 6000]
        [--threads 32] [--workers N] [--server-threads 16] [--spread]

Starts `seatback serve` on a fresh temporary data folder: embedded SQLite, or PostgreSQL
when DATABASE_URL is set (REDIS_URL is passed on too). Makes a room open all day with no
protected windows, --seats seats and --readers readers with bearer tokens (written straight
into the database: signing in hundreds of readers through the production password hasher
would time the hasher). Then the load generator (bench/loadgen.py, closed loop) fires
--intents intents in all over --threads keep-alive connections (bounded; it stops by
itself), each a random reader scanning a random seat: challenge 50%, return 20%, withdraw
15%, claim 10%, release 5%. With --spread the readers scan seats evenly; without it, the
rush: half of all scans go to the first quarter of the seats.

Prints progress each second, then throughput (intents/s), latency p50/p95/p99, CPU used by
the server and by the load generator, the answers by status and code, and what the
database says afterwards: scan records written, and any seat with two holders or two
pending clocks, any reader with two (there must be none; the constraints forbid it, this
only looks). Asserts nothing. At the end it deletes its data folder (SQLite's database, the
server's log) and, on PostgreSQL, the room, seats, readers and their rows; --keep keeps
them.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/x.py run as a script

from bench.harness import (
    OPEN_ALL_DAY,
    Run,
    Target,
    load,
    print_figures,
    print_invariants,
    say,
    scan_invariants,
    scan_plan,
    standalone_parser,
)

MIX = ["challenge"] * 10 + ["return"] * 4 + ["withdraw"] * 3 + ["claim"] * 2 + ["release"]
POLICY = {**OPEN_ALL_DAY, "leave_allowance_minutes": 1}


def intents(
    seats: int, readers: int, count: int, *, spread: bool, seed: int
) -> list[tuple[str, int, int]]:
    """(intent, reader index, seat index) for `count` intents of the rush."""
    rng = random.Random(seed)
    hot = max(1, seats // 4)
    out = []
    for _ in range(count):
        seat = rng.randrange(seats if spread or rng.random() < 0.5 else hot)
        out.append((rng.choice(MIX), rng.randrange(readers), seat))
    return out


def main() -> None:
    parser = standalone_parser(__doc__, seats=20, readers=300, threads=32, server_threads=16)
    parser.add_argument("--intents", type=int, default=6000, help="intents fired in all")
    parser.add_argument("--spread", action="store_true", help="no hot seats")
    args = parser.parse_args()
    target = Target.from_environment(workers=args.workers, threads=args.server_threads)
    with Run(target, keep=args.keep, tidy=True, prefix="seatback-rush-") as run:
        lib = run.seed(seats=args.seats, readers=args.readers, policy=POLICY)
        say(
            f"scan rush, {run.shape()}, load average {load()}: {args.seats} seats,"
            f" {args.readers} readers; {args.intents} intents over {args.threads} connections"
            f" ({'spread' if args.spread else 'half of them on a quarter of the seats'})"
        )
        scans = intents(args.seats, args.readers, args.intents, spread=args.spread, seed=args.seed)
        how = {"connections": args.threads, "seconds": 3600, "timeout": 60}
        result = run.measure(scan_plan(lib, "closed", scans, max_requests=len(scans), **how))
        invariants = scan_invariants(lib.room_ids)
    print_figures("scan rush", result)
    print_invariants(invariants)


if __name__ == "__main__":
    main()
