#!/usr/bin/env python
"""What the seat pages' live updates cost the server.

Every open seat page (and /me with a seat or a clock) polls GET /api/v1/seats/{code}/watch
every 1.5 s while it is visible. This times that request against a throwaway test database,
in-process with Django's test client and over real HTTP to an in-process threaded server,
and prints what a room full of open challenge pages costs.

    .venv/bin/python bench/poll_cost.py [--polls 2000] [--pages 200] [--interval 1.5]

SQLite and the in-process cache by default; with SEATBACK_TEST_DATABASE_URL (PostgreSQL)
and REDIS_URL it measures those, as the tests do. It starts nothing outside this process
and sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/x.py run as a script
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seatback.test_settings")

import django  # noqa: E402

from bench.harness import OPEN_ALL_DAY, percentile, seed  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.db import OperationalError, connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)


class QuietHandler(WSGIRequestHandler):
    """No access log; TCP_NODELAY so keep-alive answers are not held back by delayed ACKs
    (gunicorn writes a response in one go, Django's development handler does not)."""

    def setup(self) -> None:
        super().setup()
        cast(socket.socket, self.connection).setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return (
        f"mean {statistics.fmean(ms):.2f} ms, median {percentile(ms, 0.5):.2f} ms, "
        f"p95 {percentile(ms, 0.95):.2f} ms"
    )


def time_calls(call: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polls", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--pages", type=int, default=200, help="open pages to cost")
    parser.add_argument("--interval", type=float, default=1.5, help="seconds between polls")
    parser.add_argument("--threads", type=int, default=8, help="concurrent HTTP clients")
    args = parser.parse_args()

    import requests

    from seatback.readers.models import Reader

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        lib = seed(seats=1, readers=1, policy=OPEN_ALL_DAY)
        # A seat with a running clock, as on a challenger's page. The poll costs the same
        # whatever the seat's state, so a refusal is fine too.
        code = lib.codes[0]
        Client(headers={"Authorization": f"Bearer {lib.tokens[0]}"}).post(
            f"/api/v1/seats/{code}/challenge"
        )
        url = f"/api/v1/seats/{code}/watch"

        client = Client()
        client.force_login(Reader.objects.get(pk=lib.reader_ids[0]))
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        per_poll = [q["sql"].split(" FROM ")[1].split()[0] for q in queries.captured_queries]
        time_calls(lambda: client.get(url), 50)  # warm up
        in_process = time_calls(lambda: client.get(url), args.polls)

        server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
        server.set_app(WSGIHandler())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        cookie = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}

        http = requests.Session()
        http.cookies.update(cookie)

        def one() -> None:
            response = http.get(base + url, timeout=10)
            assert response.status_code == 200, response.text

        time_calls(one, 50)
        over_http = time_calls(one, args.polls)

        per_thread = max(1, args.polls // args.threads)
        errors: list[BaseException] = []

        def worker() -> None:
            session = requests.Session()
            session.cookies.update(cookie)
            try:
                for _ in range(per_thread):
                    assert session.get(base + url, timeout=10).status_code == 200
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                session.close()

        workers = [threading.Thread(target=worker) for _ in range(args.threads)]
        start = time.perf_counter()
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        elapsed = time.perf_counter() - start
        http.close()
        if errors:
            raise errors[0]
        concurrent_rate = per_thread * args.threads / elapsed

        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        demand = args.pages / args.interval
        in_process_mean = statistics.fmean(in_process)
        http_mean = statistics.fmean(over_http)
        print(f"database {connection.vendor}, cache {cache}, {os.cpu_count()} CPUs")
        print(f"database queries per poll: {len(per_poll)} ({', '.join(per_poll)})")
        print(
            f"in-process (Django test client), {args.polls} polls: {summary(in_process)}; "
            f"{1 / in_process_mean:.0f} polls/s on one thread"
        )
        print(
            f"over HTTP, one keep-alive client, {args.polls} polls: {summary(over_http)}; "
            f"{1 / http_mean:.0f} polls/s"
        )
        print(
            f"over HTTP, {args.threads} concurrent clients: {concurrent_rate:.0f} polls/s "
            f"(one Django process, threads)"
        )
        print(
            f"{args.pages} open pages polling every {args.interval} s = {demand:.1f} polls/s "
            f"= {demand * in_process_mean:.2f} s of request handling per second "
            "(busy thread time), "
            f"{100 * demand / concurrent_rate:.0f}% of the HTTP throughput measured here "
            "(client and server share this process, so that throughput is a floor)"
        )
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        connections.close_all()
        for attempt in range(10):
            # The server's threads close their database connections as their clients go.
            try:
                connection.creation.destroy_test_db(old_name, verbosity=0)
                break
            except OperationalError:
                if attempt == 9:
                    raise
                time.sleep(0.5)
        teardown_test_environment()


if __name__ == "__main__":
    main()
