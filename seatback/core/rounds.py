"""Scheduled work that other apps add to `seatback worker`: each registers a function of
`now` (from its AppConfig.ready()) returning how many things it did; the worker runs them
all every round. Each must be safe to run from any number of workers at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

ROUNDS: dict[str, Callable[[datetime], int]] = {}


def register(name: str, work: Callable[[datetime], int]) -> None:
    ROUNDS[name] = work


def run_all(now: datetime) -> dict[str, int]:
    return {name: work(now) for name, work in ROUNDS.items()}
