"""Shared test characters: a library with a reading room, its seats, and named people.

alice starts clocks (the newcomer), bob sits at seats and comes back (the occupant),
carol is a third reader, lin is a librarian, and the outsider has no account at all.
Times are pinned to DAY in the library's zone; tests pass `now` or move seatback's clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader

DAY = date(2026, 12, 1)  # a Tuesday in exam season
PASSWORD = "correct horse"


def at(hhmm: str, day: date = DAY) -> datetime:
    """An aware instant at local time hh:mm on DAY, in the library's zone."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture(autouse=True)
def _clean_clock_and_cache() -> Iterator[None]:
    from django.core.cache import cache

    clock.reset()
    cache.clear()
    yield
    clock.reset()


@pytest.fixture
def frozen_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the rate limiter's wall clock 30 s into a minute, so a window never rolls over
    in the middle of a test: Retry-After is then exactly 30."""
    from types import SimpleNamespace

    from seatback.core import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 60 * 29_000_000 + 30.0))


@pytest.fixture
def library(db: None) -> Library:
    return Library.get()


@pytest.fixture
def room(library: Library) -> Room:
    return Room.objects.create(library=library, name="二楼自习室", floor="2")


@pytest.fixture
def seat(room: Room) -> Seat:
    return Seat.objects.create(room=room, label="A-001", x=1, y=1, features=["power"])


@pytest.fixture
def other_seat(room: Room) -> Seat:
    return Seat.objects.create(room=room, label="A-002", x=2, y=1)


def make_reader(card_number: str, name: str, **fields: object) -> Reader:
    return Reader.objects.create_user(card_number, PASSWORD, name=name, **fields)


@pytest.fixture
def alice(db: None) -> Reader:
    return make_reader("20230001", "Alice 李")


@pytest.fixture
def bob(db: None) -> Reader:
    return make_reader("20230002", "Bob 王")


@pytest.fixture
def carol(db: None) -> Reader:
    return make_reader("20230003", "Carol 张")


@pytest.fixture
def lin(db: None) -> Reader:
    return make_reader("L0001", "林老师", is_staff=True, kind=Reader.Kind.STAFF)
