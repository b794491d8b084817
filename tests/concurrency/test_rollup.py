"""Several `seatback rollup` runs at once, on their own database connections: each day is
computed by exactly one of them (claimed with a conditional UPDATE), even when all of them
reach a day's claim at the same moment. The control claims by reading the row and then
writing it: all runs read the day as free, and all compute it."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from seatback.analytics import rollup
from seatback.analytics.figures import compute_day
from seatback.analytics.models import DayFigures, RollupDay
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from tests.analytics.story import play
from tests.conftest import DAY, PASSWORD, at

RUNS = 4
FIRST, LAST = DAY - timedelta(days=9), DAY
LAST_NIGHT = at("03:00", DAY + timedelta(days=1))


@pytest.fixture
def story(transactional_db: None) -> Room:
    library = Library.get()
    room = Room.objects.create(library=library, name="二楼自习室", floor="2")
    seat = Seat.objects.create(room=room, label="A-001")
    other = Seat.objects.create(room=room, label="A-002")
    people = [
        Reader.objects.create_user(card, PASSWORD, name=name, **extra)
        for card, name, extra in (
            ("20230001", "Alice", {}),
            ("20230002", "Bob", {}),
            ("20230003", "Carol", {}),
            ("L0001", "Lin", {"is_staff": True}),
        )
    ]
    play(seat, other, *people)
    return room


def naive_claim(day: date, now: datetime, worker: str, seen: threading.Barrier) -> bool:
    """Read, then write: the claim without its condition in the UPDATE."""
    RollupDay.objects.bulk_create([RollupDay(day=day)], ignore_conflicts=True)
    row = RollupDay.objects.get(day=day)
    if day == FIRST:
        seen.wait()  # every run has read the row before any writes it
    if row.done_at or row.claimed_at:
        return False
    RollupDay.objects.filter(day=day).update(claimed_at=now, claimed_by=worker)
    return True


def race(
    monkeypatch: pytest.MonkeyPatch, *, conditional: bool
) -> tuple[Counter[date], list[BaseException]]:
    """RUNS roll-ups at once, all reaching the first day's claim together; counts how often
    each day was computed."""
    computed: Counter[date] = Counter()
    lock = threading.Lock()
    together, seen = threading.Barrier(RUNS), threading.Barrier(RUNS)
    real_claim = rollup.claim

    def counting(day: date, now: datetime, rooms: list[Room] | None = None) -> Any:
        with lock:
            computed[day] += 1
        return compute_day(day, now, rooms)

    def gated(day: date, now: datetime, worker: str) -> bool:
        if day == FIRST:
            together.wait()
        if conditional:
            return real_claim(day, now, worker)
        return naive_claim(day, now, worker, seen)

    monkeypatch.setattr(rollup, "compute_day", counting)
    monkeypatch.setattr(rollup, "claim", gated)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            rollup.roll_up(FIRST, LAST, LAST_NIGHT)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return computed, errors


def test_each_day_is_computed_by_one_run(story: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    computed, errors = race(monkeypatch, conditional=True)

    assert errors == []
    assert sorted(computed.values()) == [1] * 10
    assert DayFigures.objects.filter(room=story).count() == 10
    assert DayFigures.objects.get(room=story, day=DAY).clocks_started == 3


def test_control_a_claim_read_then_written_lets_every_run_take_the_day(
    story: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed, _errors = race(monkeypatch, conditional=False)

    # every run read the first day as free and computed it (on PostgreSQL their stores
    # then collide on the one-row-per-day constraints: the errors are the point)
    assert computed[FIRST] == RUNS
