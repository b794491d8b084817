"""Thirty organisers race for one space and hour over real HTTP: exactly one booking.

The control run (locking off) shows the race is real: the space's row lock is what turns
the losers' requests into clean "already booked" answers; without it the database's
SpaceSlot constraint still stops a double booking, but the losers collide (busy).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.test import override_settings

from seatback.core import clock
from seatback.library.models import Room
from seatback.readers.models import Reader
from seatback.spaces.models import Space, SpaceBooking
from tests.concurrency.race import Phone, Reply, together
from tests.conftest import at

ORGANISERS = 30
CONTROL_ROUNDS = 5


def _carrel(room: Room, name: str) -> Space:
    return Space.objects.create(name=name, kind="carrel", room=room, capacity=1, min_group=1)


def _race(space: Space, devices: list[Phone], start: str) -> list[Reply]:
    body = {
        "space_id": space.pk,
        "start": at(start).isoformat(),
        "end": (at(start) + timedelta(hours=1)).isoformat(),
    }

    def book(phone: Phone) -> Reply:
        response = phone.session.post(
            f"{phone.base_url}/api/v1/space-bookings", json=body, timeout=30
        )
        return Reply(response.status_code, response.json(), None, 0.0)

    return together([partial(book, phone) for phone in devices])


def test_thirty_organisers_one_booking(
    race_room: Room,
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
) -> None:
    space = _carrel(race_room, "研究间 R")
    replies = _race(space, phones(new_readers(ORGANISERS)), "14:00")
    assert Counter(r.status for r in replies) == {201: 1, 409: ORGANISERS - 1}
    assert {r.body["error"]["code"] for r in replies if r.status == 409} == {"seat_unavailable"}
    assert SpaceBooking.objects.filter(space=space).count() == 1


def test_control_without_locking_the_losers_collide(
    race_room: Room,
    vendor: str,
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
) -> None:
    outcomes = []
    for round_ in range(CONTROL_ROUNDS):
        clock.travel_to(at("09:00") + timedelta(minutes=round_))
        space = _carrel(race_room, f"研究间 C{round_}")
        devices = phones(new_readers(ORGANISERS))
        with override_settings(SEAT_LOCKING=False):
            replies = _race(space, devices, "14:00")
        for phone in devices:
            phone.close()
        statuses = Counter(r.status for r in replies)
        # Never two bookings: the constraint holds even without the lock.
        assert SpaceBooking.objects.filter(space=space).count() == 1
        outcomes.append(statuses)
    assert any(statuses[503] > 0 for statuses in outcomes), (vendor, outcomes)
