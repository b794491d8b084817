#!/usr/bin/env python
"""What one round trip to Redis costs the server's CPU, through Django's cache as Seatback
uses it: a GET, a get_many of three keys, and the read limit's pipeline with two keys
(ratelimit.hit_fetching: SET NX, INCR, MGET). The fronts make two such round trips a read.

    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python -m bench.redis_cost [--calls 5000]

In one process, one thread: the client's CPU per call (process time, so the server's and
the kernel's time on the other side are not in it), the least and the median of 7 rounds,
and which parser redis-py uses (hiredis, the C parser that `redis[hiredis]` installs, or
its own Python one). Run it with and without hiredis installed to compare the two.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import say

ROUNDS = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=5000)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("set REDIS_URL (a database this may write a few keys in)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seatback.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.core.cache import cache
    from redis.utils import HIREDIS_AVAILABLE

    from seatback.core import ratelimit

    cache.set_many({f"bench-redis-{n}": ("a token", 12345, "2026-12-01") for n in range(3)})
    keys = [f"bench-redis-{n}" for n in range(3)]
    calls: dict[str, Callable[[], object]] = {
        "get": lambda: cache.get(keys[0]),
        "get_many (3 keys)": lambda: cache.get_many(keys),
        "read limit + 2 keys": lambda: ratelimit.hit_fetching(
            "bench-redis", "r1", 10**12, keys[:2]
        ),
    }
    say(f"redis-py's parser: {'hiredis' if HIREDIS_AVAILABLE else 'Python'}")
    for name, call in calls.items():
        for _ in range(500):  # warm: the connection, the code paths
            call()
        rounds = []
        for _ in range(ROUNDS):
            started = time.process_time()
            for _ in range(args.calls):
                call()
            rounds.append(1e6 * (time.process_time() - started) / args.calls)
        rounds.sort()
        least, median = rounds[0], rounds[ROUNDS // 2]
        say(f"  {name:20} least {least:4.0f} µs of CPU a call, median {median:4.0f}")
    cache.delete_many(keys)


if __name__ == "__main__":
    main()
