"""Scheduled work, registered by the apps that own it and run by `seatback worker`.

Spec §2.8: telling readers things is the only scheduled work. Each job takes `now`,
claims its work with a conditional UPDATE or a unique key (so any number of workers can
run) and returns how much it did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

Job = Callable[[datetime], int]

_jobs: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    _jobs[name] = job


def run_due(now: datetime) -> Counter[str]:
    return Counter({name: job(now) for name, job in _jobs.items()})
