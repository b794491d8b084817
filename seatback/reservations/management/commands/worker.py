"""`seatback worker`: the scheduler of reservations (violations, bans, reminders).

`seatback serve` starts one alongside the web server; more may run on other machines.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from seatback.core import clock, metrics
from seatback.reservations.worker import run_once


class Command(BaseCommand):
    help = (
        "Record no-shows and overdue step-outs, apply bans, queue reminders, keep the "
        "occupancy history (and what other apps schedule); loop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--interval", type=float, default=15.0, help="seconds between rounds")
        parser.add_argument(
            "--parent", type=int, default=0, help="exit when this process is gone (serve)"
        )

    def handle(self, *args: Any, once: bool, interval: float, parent: int, **options: Any) -> None:
        while True:
            try:
                done = run_once(clock.now())
                metrics.WORKER_ROUNDS.inc()
                for kind, count in done.items():
                    metrics.WORKER_DONE.labels(kind).inc(count)
                if once or any(done.values()):
                    self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(done.items())))
                    self.stdout.flush()
            except DatabaseError as exc:
                # A busy or unreachable database: the next round tries again.
                self.stderr.write(f"worker: {exc}")
                if once:
                    raise
            if once:
                return
            close_old_connections()
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline:
                if parent and os.getppid() != parent:
                    return  # the server that started us is gone
                time.sleep(min(1.0, interval))
