"""Read-only views of many seats at once: room counts and seat maps."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from django.core.cache import cache

from seatback.core import live
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.seats import bookings
from seatback.seats.models import Challenge, Hold

STATES = ("free", "held", "challenged", "reserved", "away")
T = TypeVar("T")


def _seat_rows(rooms: list[Room], now: datetime) -> Iterator[tuple[int, int, str]]:
    """(seat id, room id, state) for every active seat of the rooms, in three queries."""
    open_rooms = {room.pk for room in rooms if room.active and room.effective_policy().is_open(now)}
    room_ids = [room.pk for room in rooms]
    challenged = set(
        Challenge.objects.pending(now)
        .filter(seat__room_id__in=room_ids)
        .values_list("seat_id", flat=True)
    )
    holds = dict(
        Hold.objects.current(now)
        .filter(seat__room_id__in=room_ids)
        .values_list("seat_id", "away_until")
    )
    reserved = bookings.source().reserved_seat_ids(room_ids, now)
    seats = Seat.objects.filter(room_id__in=room_ids, active=True).values_list("id", "room_id")
    for seat_id, room_id in seats:
        if room_id not in open_rooms:
            state = "closed"
        elif seat_id in challenged:
            state = "challenged"
        elif seat_id in holds:
            away_until = holds[seat_id]
            state = "away" if away_until and away_until > now else "held"
        elif seat_id in reserved:
            state = "reserved"
        else:
            state = "free"
        yield seat_id, room_id, state


def seat_states(rooms: Iterable[Room], now: datetime) -> dict[int, str]:
    """seat id -> state (free, held, challenged, away, reserved, closed)."""
    return {seat_id: state for seat_id, _room, state in _seat_rows(list(rooms), now)}


def room_counts(rooms: Iterable[Room], now: datetime) -> dict[int, dict[str, int]]:
    """room id -> {"free", "held", "challenged", "reserved", "away"}; a closed room's seats
    count as free, since nobody can hold or challenge them."""
    rooms = list(rooms)
    tallies: dict[int, Counter[str]] = {room.pk: Counter() for room in rooms}
    for _seat, room_id, state in _seat_rows(rooms, now):
        tallies[room_id]["free" if state == "closed" else state] += 1
    return {
        room_id: {state: tally[state] for state in STATES} for room_id, tally in tallies.items()
    }


def reader_now(reader: Reader, now: datetime) -> tuple[Hold | None, Challenge | None]:
    """The reader's current hold and pending challenge, with their seats and rooms."""
    hold = Hold.objects.current(now).select_related("seat__room").filter(reader=reader).first()
    challenge = (
        Challenge.objects.pending(now)
        .select_related("seat__room")
        .filter(challenger=reader)
        .first()
    )
    return hold, challenge


def shared_read(name: str, now: datetime, compute: Callable[[], T]) -> T:
    """compute(), shared through the cache by every request in the same second of seatback's
    clock while no seat changes: a committed scan shows at the next read (it changes
    live.library_token), anything that happens by time alone (a clock running out, a room
    closing, a change made outside a scan) within a second."""
    key = f"read:{name}:{live.library_token()}:{int(now.timestamp())}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=5)
    return value  # type: ignore[no-any-return]


def room_counts_shared(rooms: Iterable[Room], now: datetime) -> dict[int, dict[str, int]]:
    """room_counts, shared by the room screens polling it (see shared_read)."""
    rooms = list(rooms)
    ids = hashlib.sha256(",".join(str(room.pk) for room in rooms).encode()).hexdigest()[:16]
    return shared_read(f"counts:{ids}", now, lambda: room_counts(rooms, now))


def room_seat_map(room: Room, now: datetime) -> list[dict[str, Any]]:
    """The active seats of a room with their states, as the API lists them; shared by the
    room screens polling it (see shared_read)."""

    def compute() -> list[dict[str, Any]]:
        states = seat_states([room], now)
        return [
            {
                "id": seat.pk,
                "label": seat.label,
                "x": seat.x,
                "y": seat.y,
                "features": seat.features,
                "reservable": seat.reservable,
                "state": states[seat.pk],
            }
            for seat in room.seats.filter(active=True).order_by("label")
        ]

    return shared_read(f"seat-map:{room.pk}", now, compute)
