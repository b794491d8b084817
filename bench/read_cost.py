#!/usr/bin/env python
"""What the shared-read front's answers cost against the static file: CPU per answer for
the room list, a room's seat map and a seat's watch, answered by api/front.py from the
cache, and for a static file, all through the server's WSGI application
(seatback.wsgi.application: the two fronts, then Django), in one process.

    .venv/bin/python -m bench.read_cost [--answers 200] [--rounds 7] [--profile watch]

In-process, one thread (no gunicorn), on embedded SQLite in a temporary data folder, or
PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set (their rows are deleted afterwards).
It loads 2,000 seats in 10 rooms and 200 readers with bearer tokens, warms every path
(the first answer of each second comes from Django and fills the cache), then times
--rounds rounds of --answers answers per path and prints the least CPU per answer (on a
shared machine the least is the steadiest estimate of the cost itself). --profile KIND
(static, rooms, map, watch) also prints pyinstrument's call tree for that path
(pyinstrument is not a dependency of Seatback: pip install pyinstrument).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import OPEN_ALL_DAY, bearer_get, in_process, say


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", choices=["static", "rooms", "map", "watch"])
    args = parser.parse_args()
    answers = min(args.answers, 200)

    with in_process() as run:
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)
        lib = run.seed(seats=2000, readers=answers, rooms=10, policy=OPEN_ALL_DAY)
        from seatback.wsgi import application

        paths = {
            "static": "/static/pages/book.css",
            "rooms": "/api/v1/rooms",
            "map": f"/api/v1/rooms/{lib.room_ids[0]}/seats",
            "watch": f"/api/v1/seats/{lib.codes[0]}/watch",
        }
        sizes: dict[str, int] = {}

        def read_all(path: str) -> None:
            for token in lib.tokens[:answers]:
                environ = bearer_get(path, token)
                chunks = application(environ, answered)
                sizes[path] = len(b"".join(chunks))
                if hasattr(chunks, "close"):  # as a server does: Django's request_finished
                    chunks.close()

        for path in paths.values():  # warm: tokens, readers, seats, answers, headers
            read_all(path)
        say(f"CPU per answer, least of {args.rounds} rounds of {answers} ({run.target.label}):")
        for name, path in paths.items():
            rounds = []
            for _ in range(args.rounds):
                started = time.process_time()
                read_all(path)
                rounds.append(1000 * (time.process_time() - started) / answers)
            say(f"  {name:6} {sizes[path]:6d} bytes  {min(rounds):.3f} ms")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0001)
            profiler.start()
            for _ in range(args.rounds):
                read_all(paths[args.profile])
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False))


def answered(status: str, headers: list[tuple[str, str]], *rest: Any) -> None:
    if not status.startswith("200"):
        raise SystemExit(f"a read answered {status}")


if __name__ == "__main__":
    main()
