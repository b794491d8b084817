"""A group study room in an open reading room; the clock at 09:00 on DAY.

alice organises, bob and carol come along, dave is a fourth reader.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from seatback.core import clock
from seatback.library.models import Room
from seatback.readers.models import Reader
from seatback.spaces.models import Space
from tests.conftest import at, make_reader


@pytest.fixture(autouse=True)
def nine_am() -> None:
    clock.travel_to(at("09:00"))


@pytest.fixture
def dave(db: None) -> Reader:
    return make_reader("20230004", "Dave 赵")


@pytest.fixture
def study(room: Room) -> Space:
    """Groups of 3 to 6, hour slots, at most three hours a day per person."""
    return Space.objects.create(
        name="研讨室 A",
        kind=Space.Kind.GROUP_STUDY,
        room=room,
        capacity=6,
        min_group=3,
        features=["screen", "whiteboard"],
        slot_minutes=60,
        longest_minutes=180,
    )


@pytest.fixture
def carrel(room: Room) -> Space:
    """A research carrel for one."""
    return Space.objects.create(
        name="研究间 1", kind=Space.Kind.CARREL, room=room, capacity=1, min_group=1
    )


def hours(start: str, length: int = 1) -> tuple:
    return at(start), at(start) + timedelta(hours=length)
