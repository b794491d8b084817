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

import bisect
import random
import threading
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
    return _overlapping(cache.get(_key(seat_id)), start, end, now)


def _overlapping(
    entries: list[tuple[float, float, float]] | None, start: datetime, end: datetime, now: datetime
) -> bool:
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
    """A booking on the seat was cancelled: stop answering from memory for it, and do
    not trust a list of the room's free seats read before now (from_memory)."""
    cache.delete(_key(seat_id))
    cache.set(_freed_key(seat_id), True, timeout=FREE_SECONDS + 4)


# Other seats to offer ----------------------------------------------------------------------

FREE_SECONDS = 1  # how old the list of a room's free seats may be (the cache's timeout)
FREE_OFFERED = 5
READ_WAIT_SECONDS = 2.0  # how long a refusal waits for another thread's reading of the list

# The room of each seat this process has seen (a room's list of free seats names them all;
# a booking loads its seat): a seat refused from memory is still offered its room's other
# seats. A seat moved to another room is not in its old room's list, so nothing is
# answered from memory for it until the process has seen it again.
_ROOM_OF: dict[int, int] = {}

# One reading of a room's free seats at a time in this process: in a rush hundreds of
# refusals a second miss the same expired entry at once, and each would run the query.
_reading: dict[str, threading.Event] = {}
_reading_lock = threading.Lock()


def _free_key(room_id: int, start: datetime, end: datetime) -> str:
    # The exact times (a list for 10:00:00.5 must not answer for 10:00); "free2": the value
    # is (reservable, free) since issue 17, and an older worker must not read it as a list.
    return f"rsv:free2:{room_id}:{start.timestamp()!r}:{end.timestamp()!r}"


def _freed_key(seat_id: int) -> str:
    return f"rsv:freed:{seat_id}"


def note_room(seat_id: int, room_id: int) -> None:
    _ROOM_OF[seat_id] = room_id


def room_of(seat_id: int) -> int | None:
    return _ROOM_OF.get(seat_id)


# (the room's reservable seats, those of them free in [start, end)), both sorted
Free = tuple[list[int], list[int]]


def _read_free(room_id: int, start: datetime, end: datetime, now: datetime) -> Free:
    booked = booked_seat_ids(room_id, start, end, now)
    seats = Seat.objects.filter(room_id=room_id, active=True, reservable=True)
    reservable = list(seats.values_list("pk", flat=True).order_by("pk"))
    for pk in reservable:
        _ROOM_OF[pk] = room_id
    return reservable, [pk for pk in reservable if pk not in booked]


def free_seats(room_id: int, start: datetime, end: datetime, now: datetime) -> list[int]:
    """The room's reservable seats that no live booking keeps in [start, end), as the
    database said at most a second ago: in a rush thousands of refusals a second offer
    other seats, from one query a second per room, time and process. Advisory: a seat
    offered may have been booked meanwhile (the booking itself is decided in the database),
    and for a time that has begun someone may be sitting there."""
    key = _free_key(room_id, start, end)
    found: Free | None = cache.get(key)
    if found is not None:
        return found[1]
    with _reading_lock:
        other = _reading.get(key)
        if other is None:
            mine = _reading[key] = threading.Event()
    if other is not None:  # another thread is reading it: wait for its answer
        other.wait(READ_WAIT_SECONDS)
        found = cache.get(key)
        if found is None:  # it failed or is slow: read it here
            found = _read_free(room_id, start, end, now)
        return found[1]
    try:
        found = _read_free(room_id, start, end, now)
        cache.set(key, found, timeout=FREE_SECONDS)
    finally:
        with _reading_lock:
            del _reading[key]
        mine.set()
    return found[1]


def offer_from(free: list[int], seat_id: int) -> tuple[int, list[int]]:
    """For a reader told that `seat_id` is taken: how many other seats of the room are
    free then (0: none, a definite answer) and a few of them, drawn at random so that
    readers refused at the same moment do not all run for the same seat."""
    others = [pk for pk in free if pk != seat_id]
    return len(others), sorted(random.sample(others, min(FREE_OFFERED, len(others))))


def from_memory(
    seat_id: int, start: datetime, end: datetime, now: datetime
) -> tuple[int, list[int] | None] | None:
    """Whether the seat is taken in [start, end) as far as this server knows without a
    query, in one cache round trip: a booking remembered in the last seconds, or the
    room's list of free seats (at most a second old) leaving the seat out while naming it
    reservable, with no cancellation on the seat since. Then the seat's room and, if that
    list is at hand, the room's free seats then; None when it is not known to be taken."""
    room_id = _ROOM_OF.get(seat_id)
    if room_id is None:
        return None
    keys = [_key(seat_id), _freed_key(seat_id), _free_key(room_id, start, end)]
    found = cache.get_many(keys)
    entry: Free | None = found.get(keys[2])
    free = entry[1] if entry is not None else None
    if _overlapping(found.get(keys[0]), start, end, now):
        return room_id, free
    if (
        entry is not None
        and keys[1] not in found
        and _contains(entry[0], seat_id)
        and not _contains(entry[1], seat_id)
    ):
        return room_id, free
    return None


def _contains(ordered: list[int], value: int) -> bool:
    at = bisect.bisect_left(ordered, value)
    return at < len(ordered) and ordered[at] == value
