#!/usr/bin/env python
"""What a thousand phones polling maps cost the server (docs/benchmarks.md, docs/maps.md).

An open room map polls GET /api/v1/rooms/{id}/map/states every second, an entrance screen
its data every second, and anyone may read GET /api/v1/occupancy. All three are shared
answers (seats.selectors.shared_read): computed at most once per second of the clock and
per seat change, then served from the cache to everyone. This times, in-process with
Django's test client and over HTTP to an in-process threaded server:

- a poll served from the shared answer (the common case), and
- a poll that recomputes it (the first after a scan, or in a new second).

    .venv/bin/python bench/map_polls.py [--seats 120] [--polls 2000] [--phones 1000]

SQLite and the in-process cache by default; SEATBACK_TEST_DATABASE_URL and REDIS_URL as in
the tests. Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seatback.test_settings")

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from bench.harness import OPEN_ALL_DAY, seed  # noqa: E402
from bench.poll_cost import QuietHandler, summary, time_calls  # noqa: E402 (sets Django up)


def queries(call: Callable[[], object]) -> int:
    """How many SQL statements one call runs."""
    count = 0

    def counting(execute: Callable[..., object], *args: object) -> object:
        nonlocal count
        count += 1
        return execute(*args)

    with connection.execute_wrapper(counting):
        call()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seats", type=int, default=120, help="seats in the room")
    parser.add_argument("--rooms", type=int, default=6, help="rooms in the building")
    parser.add_argument("--polls", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--phones", type=int, default=1000, help="phones to cost")
    parser.add_argument("--interval", type=float, default=1.5, help="seconds between polls")
    parser.add_argument("--threads", type=int, default=8, help="concurrent HTTP clients")
    args = parser.parse_args()

    import requests

    from seatback.core import live

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        lib = seed(seats=args.seats * args.rooms, readers=1, rooms=args.rooms, policy=OPEN_ALL_DAY)
        room = lib.room_ids[0]
        urls = {
            "map states": f"/api/v1/rooms/{room}/map/states",
            "occupancy": "/api/v1/occupancy",
        }
        client = Client()
        print(
            f"database {connection.vendor}, cache "
            f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, {os.cpu_count()} CPUs; "
            f"{args.rooms} rooms of {args.seats} seats"
        )
        for name, url in urls.items():
            assert client.get(url).status_code == 200
            shared_queries = queries(lambda url=url: client.get(url))
            time_calls(lambda url=url: client.get(url), 50)
            shared = time_calls(lambda url=url: client.get(url), args.polls)

            def fresh(url: str = url) -> None:
                live.bump(lib.seat_ids[0])  # as a committed scan does
                client.get(url)

            fresh_queries = queries(fresh)
            recomputed = time_calls(fresh, max(50, args.polls // 10))
            print(
                f"{name}: shared {summary(shared)} ({shared_queries} queries); "
                f"recomputed {summary(recomputed)} ({fresh_queries} queries)"
            )
            # Each second: one recomputation (a new second, or a scan), the rest shared.
            rate = args.phones / args.interval
            for how, pick in (("mean", statistics.fmean), ("median", statistics.median)):
                cost = (rate - 1) * pick(shared) + pick(recomputed)
                print(
                    f"  {args.phones} phones polling every {args.interval} s = {rate:.0f} "
                    f"polls/s: {cost:.2f} s of request handling per second ({how} times; "
                    "plus one recomputation per scan)"
                )

        server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
        server.set_app(WSGIHandler())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        per_thread = max(1, args.polls // args.threads)

        def worker() -> None:
            with requests.Session() as session:
                for _ in range(per_thread):
                    assert session.get(base + urls["map states"], timeout=10).status_code == 200

        workers = [threading.Thread(target=worker) for _ in range(args.threads)]
        start = time.perf_counter()
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        rate = per_thread * args.threads / (time.perf_counter() - start)
        print(
            f"over HTTP, {args.threads} concurrent clients, one process: {rate:.0f} map polls/s "
            f"({args.phones} phones every {args.interval} s = "
            f"{100 * args.phones / args.interval / rate:.0f}% of that)"
        )
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
