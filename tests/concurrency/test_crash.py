"""Crash test (issue 22): a real `seatback serve` under a burst of scans, every one of its
processes killed with SIGKILL mid-burst, then started again on the same database: every
action it acknowledged (HTTP 200) is there, and no seat or reader holds two of anything.

SQLite by default (WAL, synchronous=NORMAL: a committed scan survives the process; see
docs/operations.md for a power cut), PostgreSQL with SEATBACK_TEST_DATABASE_URL (and
Redis, with two web processes, when REDIS_URL is set)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.concurrency.servers import Burst, Server, assert_nothing_lost, night_room

BURST_SECONDS = 3


@pytest.mark.django_db(transaction=True)
def test_no_acknowledged_scan_is_lost_when_every_server_process_is_killed(
    tmp_path: Path,
) -> None:
    codes, tokens = night_room(seats=12, readers=8)
    server = Server(tmp_path)
    server.start()
    burst = Burst(server.url, codes, tokens)
    try:
        burst.warm_up()  # the burst then measures scans, not the first imports
        burst.start()
        time.sleep(BURST_SECONDS)  # a real burst against a real server
        server.kill()
        time.sleep(0.3)  # requests keep failing against the dead server
        burst.stop()
        server.start()
        assert requests.get(f"{server.url}/healthz", timeout=5).json()["status"] == "ok"
    finally:
        burst.stop()
        server.stop()

    answered = burst.statuses()
    assert sum(burst.acknowledged.values()) >= 5, answered  # the burst really happened
    assert answered["ConnectionError"] > 0, answered  # and was cut short by the kill
    assert not [s for s in answered if isinstance(s, int) and s >= 500 and s != 503], answered
    assert_nothing_lost(burst.acknowledged)
