#!/usr/bin/env python
"""What the front saves on a reader's seat page: CPU per GET /api/v1/seats/{code}, through
Django's WSGI handler against through api/front.py's SharedReadFront, in one process.

    .venv/bin/python -m bench.front_cost [--pages 200] [--rounds 15]

In-process, one thread (no gunicorn, no other request in flight), on embedded SQLite in a
temporary data folder, or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set (their rows
are deleted afterwards). It loads 200 seats and readers with bearer tokens, warms both
paths (the front learns Django's headers, the cache the tokens and seats), then alternates
the two, --pages pages a round (checking that the front answered every one), and prints
each side's CPU per page: the least, the first quartile and the median over the rounds
(on a shared machine the least is the steadiest estimate of the cost itself). Both give
the same answers with the same queries (tests/api/test_seat_page_front.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import OPEN_ALL_DAY, bearer_get, in_process, say

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    pages = min(args.pages, 200)

    with in_process() as run:
        from django.core.handlers.wsgi import WSGIHandler

        from seatback.api.front import SharedReadFront

        lib = run.seed(seats=pages, readers=pages, policy=OPEN_ALL_DAY)
        django = WSGIHandler()
        reached = [0]

        def counted_django(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            reached[0] += 1
            return django(environ, start_response)

        sides: dict[str, App] = {"Django": django, "front": SharedReadFront(counted_django)}

        def read_all(app: App) -> None:
            for i in range(pages):
                environ = bearer_get(f"/api/v1/seats/{lib.codes[i]}", lib.tokens[i])
                chunks = app(environ, answered)
                b"".join(chunks)
                if hasattr(chunks, "close"):  # as a server does: Django's request_finished
                    chunks.close()

        for app in (*sides.values(), sides["front"]):  # warm: caches, headers, connections
            read_all(app)
        reached[0] = 0
        cpu: dict[str, list[float]] = {name: [] for name in sides}
        for done in range(1, args.rounds + 1):
            for name, app in sides.items():
                started = time.process_time()
                read_all(app)
                cpu[name].append(1000 * (time.process_time() - started) / pages)
            say(f"  round {done}/{args.rounds}")
        if reached[0]:
            raise SystemExit(f"the front left {reached[0]} seat pages to Django")
        say(f"CPU per seat page, {args.rounds} rounds of {pages} ({run.target.label}):")
        for name, figures in cpu.items():
            figures.sort()
            least, quartile, median = (
                figures[0],
                figures[len(figures) // 4],
                figures[len(figures) // 2],
            )
            say(
                f"  {name:6}  least {least:.3f} ms, first quartile {quartile:.3f},"
                f" median {median:.3f}"
            )
        say(f"  front ÷ Django (least): {cpu['front'][0] / cpu['Django'][0]:.2f}")


def answered(status: str, headers: list[tuple[str, str]], *rest: Any) -> None:
    if not status.startswith("200"):
        raise SystemExit(f"a seat page answered {status}")


if __name__ == "__main__":
    main()
