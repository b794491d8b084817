#!/usr/bin/env python
"""Where a scan's and a seat read's time goes: pyinstrument over Django's request path.

    .venv/bin/python bench/profile_requests.py [--requests 300] [--html DIR] [--bookings]

In-process (Django's test client: the full middleware stack, the API decorator, the view;
not gunicorn and not the front of api/front.py), on embedded SQLite in a temporary data
folder, or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set (their rows are deleted
afterwards). It loads 200 seats and 400 readers with bearer tokens, then profiles
--requests scans (challenge, then withdraw, each reader on its own seat) and --requests
seat pages (GET /api/v1/seats/{code}), and prints per kind: mean CPU per request, queries
per request, and pyinstrument's call tree (pyinstrument is not a dependency of Seatback:
pip install pyinstrument).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import OPEN_ALL_DAY, Run, Target, say


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--html", help="also write pyinstrument's HTML pages here")
    parser.add_argument(
        "--bookings",
        action="store_true",
        help="profile POST /api/v1/reservations instead: bookings, then refusals of taken seats",
    )
    args = parser.parse_args()
    if args.bookings:
        profile_bookings(min(args.requests, 200))
        return

    with Run(Target.from_environment(), serve=False, tidy=True) as run:
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        lib = run.seed(seats=200, readers=400, policy=OPEN_ALL_DAY)
        n = min(args.requests, 200)
        clients = [Client(headers={"Authorization": f"Bearer {t}"}) for t in lib.tokens[:n]]

        def scans() -> None:
            for i, client in enumerate(clients):
                client.post(
                    f"/api/v1/seats/{lib.codes[i]}/challenge", content_type="application/json"
                )
                client.post(
                    f"/api/v1/seats/{lib.codes[i]}/withdraw", content_type="application/json"
                )

        def reads() -> None:
            for i, client in enumerate(clients):
                client.get(f"/api/v1/seats/{lib.codes[i]}")
                client.get(f"/api/v1/seats/{lib.codes[(i + 1) % n]}")

        for name, work in (("scan", scans), ("seat page", reads)):
            work()  # warm: caches, connections, translations
            profiler = profiled(name, 2 * n, work)
            if args.html:
                Path(args.html).mkdir(parents=True, exist_ok=True)
                Path(args.html, f"{name.replace(' ', '-')}.html").write_text(profiler.output_html())


def profile_bookings(n: int) -> None:
    """n readers each book their own seat for tomorrow 09:00-11:00 (the rush's booking),
    then n others ask for those seats (refused: taken, read from the database)."""
    import json

    from bench.reservation_rush import POLICY, tomorrow_slot

    with Run(Target.from_environment(), serve=False, tidy=True) as run:
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        lib = run.seed(seats=n + 3, readers=2 * n + 3, policy=POLICY, reservable=True)
        start, end = tomorrow_slot()
        clients = [Client(headers={"Authorization": f"Bearer {t}"}) for t in lib.tokens]

        def book(reader: int, seat: int) -> int:
            body = json.dumps({"seat_id": lib.seat_ids[seat], "start": start, "end": end})
            answer = clients[reader].post(
                "/api/v1/reservations", body, content_type="application/json"
            )
            return int(answer.status_code)

        for i in range(3):  # warm: caches, connections, translations
            book(n + i, n + i)
        for name, pairs in (
            ("booking", [(i, i) for i in range(n)]),
            ("refusal (taken seat)", [(n + 3 + i, i) for i in range(n)]),
        ):
            codes: set[int] = set()

            def work(pairs: list[tuple[int, int]] = pairs, codes: set[int] = codes) -> None:
                codes.update(book(reader, seat) for reader, seat in pairs)

            profiled(name, n, work)
            say(f"   answers: {sorted(codes)}")


def profiled(name: str, count: int, work: Callable[[], object]) -> Any:
    """Run `work` (count requests) under pyinstrument, counting queries; print the mean CPU,
    wall time and queries per request and the call tree; the profiler."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    with CaptureQueriesContext(connection) as queries:
        profiler = Profiler(interval=0.0005)
        started, cpu = time.perf_counter(), time.process_time()
        profiler.start()
        work()
        profiler.stop()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    say(
        f"\n== {name}: {count} requests, {1000 * cpu / count:.2f} ms CPU and"
        f" {1000 * wall / count:.2f} ms wall each (profiled), "
        f"{len(queries) / count:.1f} queries each"
    )
    say(profiler.output_text(unicode=True, color=False, show_all=False))
    return profiler


if __name__ == "__main__":
    main()
