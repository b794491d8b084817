"""A short-lived view of seat times known to be booked, so that in a rush "seat taken" is
answered before any database query, queue or lock.

In a morning rush most requests ask for a seat someone already has. Each booking this
server makes, and each booking a database check finds, is remembered here for a few
seconds (the cache: this process's memory, or Redis shared by all workers). A booking only
disappears by cancellation (forgotten here at once), its check-in deadline (never
remembered past it) or a checked-in reader leaving early, so an answer from here is at
worst a few seconds out of date. It is only ever used to refuse early; every booking is
still decided in the database, whose unique constraints are the guarantee.
"""

from __future__ import annotations

import random
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

from seatback.library.models import Seat
from seatback.reservations.selectors import booked_seat_ids


def _seconds() -> float:
    return float(settings.BOOKING_TAKEN_SECONDS)


def _key(seat_id: int) -> str:
    return f"rsv:taken:{seat_id}"


def known(seat_id: int, start: datetime, end: datetime, now: datetime) -> bool:
    """Whether a booking overlapping [start, end) on the seat was seen in the last seconds."""
    entries = cache.get(_key(seat_id))
    if not entries:
        return False
    s, e, t = start.timestamp(), end.timestamp(), now.timestamp()
    return any(b_start < e and b_end > s and until > t for b_start, b_end, until in entries)


def remember(
    seat_id: int, start: datetime, end: datetime, now: datetime, deadline: datetime | None
) -> None:
    """Note that [start, end) on the seat is booked at `now`, until `deadline` at the latest
    (a booking not checked in is released at its check-in deadline)."""
    t = now.timestamp()
    until = t + _seconds()
    if deadline is not None:
        until = min(until, deadline.timestamp())
    if until <= t:
        return
    key = _key(seat_id)
    # Not atomic across workers: a lost entry only means one more database check.
    entries = [entry for entry in cache.get(key) or [] if entry[2] > t]
    entries.append((start.timestamp(), end.timestamp(), until))
    cache.set(key, entries[-20:], timeout=max(1, int(_seconds()) + 1))


def forget(seat_id: int) -> None:
    """A booking on the seat was cancelled: stop answering from memory for it."""
    cache.delete(_key(seat_id))


# Other seats to offer ----------------------------------------------------------------------

FREE_SECONDS = 1  # how old the list of a room's free seats may be (the cache's timeout)
FREE_OFFERED = 5


def _free_key(room_id: int, start: datetime, end: datetime) -> str:
    return f"rsv:free:{room_id}:{int(start.timestamp())}:{int(end.timestamp())}"


def free_seats(room_id: int, start: datetime, end: datetime, now: datetime) -> list[int]:
    """The room's reservable seats that no live booking keeps in [start, end), as the
    database said at most a second ago: in a rush thousands of refusals a second offer
    other seats, from one query a second per room and time. Advisory: a seat offered may
    have been booked meanwhile (the booking itself is decided in the database), and for a
    time that has begun someone may be sitting there."""
    key = _free_key(room_id, start, end)
    found: list[int] | None = cache.get(key)
    if found is None:
        booked = booked_seat_ids(room_id, start, end, now)
        seats = Seat.objects.filter(room_id=room_id, active=True, reservable=True)
        found = [pk for pk in seats.values_list("pk", flat=True).order_by("pk") if pk not in booked]
        cache.set(key, found, timeout=FREE_SECONDS)
    return found


def offer(
    room_id: int, seat_id: int, start: datetime, end: datetime, now: datetime
) -> tuple[int, list[int]]:
    """For a reader told that `seat_id` is taken: how many other seats of the room are
    free then (0: none, a definite answer) and a few of them, drawn at random so that
    readers refused at the same moment do not all run for the same seat."""
    others = [pk for pk in free_seats(room_id, start, end, now) if pk != seat_id]
    return len(others), sorted(random.sample(others, min(FREE_OFFERED, len(others))))
