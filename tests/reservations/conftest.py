"""Reservable seats, and helpers to book them at a given instant.

Default policy: bookings for a day open at 20:00 the evening before; slots of 30 minutes;
at most 240 minutes and 2 bookings a day; check-in from 15 minutes before the start to 30
minutes after; 3 violations within 30 days bring a 7-day ban. DAY is Tuesday 2026-12-01.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.utils import translation

from seatback.core.errors import Refusal
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.reservations import services
from seatback.reservations.models import Reservation
from tests.conftest import DAY, at

EVE = DAY - timedelta(days=1)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def bookable(room: Room) -> Seat:
    return Seat.objects.create(room=room, label="B-001", x=1, y=2, reservable=True)


@pytest.fixture
def bookable2(room: Room) -> Seat:
    return Seat.objects.create(room=room, label="B-002", x=2, y=2, reservable=True)


def fresh(seat: Seat) -> Seat:
    return Seat.objects.select_related("room__library").get(pk=seat.pk)


def book(seat: Seat, reader: Reader, start: str, end: str, when: datetime) -> Reservation:
    """Book seat for start-end (local times on DAY) at `when`; must succeed."""
    return services.reserve(fresh(seat), reader, at(start), at(end), now=when)


def refused_booking(seat: Seat, reader: Reader, start: str, end: str, when: datetime) -> Refusal:
    with pytest.raises(Refusal) as info:
        book(seat, reader, start, end, when)
    return info.value


def evening(hhmm: str) -> datetime:
    """hh:mm on the evening before DAY."""
    return at(hhmm, EVE)
