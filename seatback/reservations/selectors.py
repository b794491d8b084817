"""Reading reservations: which bookings keep which seats, derived from stored times.

Imports nothing from seats.services, which reads these for its Situation.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from seatback.core import sql
from seatback.reservations.models import Reservation, ReservationSlot
from seatback.seats.models import Hold

# How far ahead a scan looks for bookings on its seat (a hold never outlasts a day).
LOOKAHEAD = timedelta(days=1)


def live_q(now: datetime, prefix: str = "") -> Q:
    """Bookings that keep their seat at `now`: booked and not past the check-in deadline,
    or checked in while the check-in's hold lasts. A no-show is released at its deadline
    by this very condition, whether or not a worker has run."""
    p = prefix
    return Q(**{f"{p}status": Reservation.Status.BOOKED, f"{p}checkin_until__gt": now}) | Q(
        **{
            f"{p}status": Reservation.Status.CHECKED_IN,
            f"{p}hold__ended_at__isnull": True,
            f"{p}hold__closes_at__gt": now,
        }
    )


def upcoming_statement(seat_id: int, now: datetime) -> sql.Statement:
    """The seat's bookings not yet checked in whose check-in deadline is still ahead: every
    scan and seat read asks this, with its other reads (core.sql.batch)."""
    return sql.Statement(_upcoming_sql(), [seat_id, sql.when(now), sql.when(now + LOOKAHEAD)])


def upcoming_from(rows: Sequence[tuple[Any, ...]]) -> list[Reservation]:
    return [sql.instance(Reservation, row) for row in rows]


@functools.cache
def _upcoming_sql() -> str:
    cols = sql.columns(Reservation, "b")
    where = (
        f"WHERE b.seat_id = %s AND b.status = '{Reservation.Status.BOOKED.value}'"
        " AND b.checkin_until > %s AND b.start < %s ORDER BY b.start LIMIT 20"
    )
    return f"SELECT {cols} FROM {Reservation._meta.db_table} b {where}"  # noqa: S608


# A booking's checks, as hand-written statements (core.sql): in a rush every booking asks
# them, and the ORM building them cost more than the database answering them.


def _live_sql() -> str:
    """live_q as SQL over a booking `b` and its check-in's hold `h` (LEFT JOIN): two
    parameters, both `now`. A checked-in booking without a hold keeps nothing."""
    booked, checked_in = Reservation.Status.BOOKED.value, Reservation.Status.CHECKED_IN.value
    return (
        f"((b.status = '{booked}' AND b.checkin_until > %s) OR (b.status = '{checked_in}'"
        " AND h.id IS NOT NULL AND h.ended_at IS NULL AND h.closes_at > %s))"
    )


@functools.cache
def _tables() -> tuple[str, str, str]:
    return Reservation._meta.db_table, ReservationSlot._meta.db_table, Hold._meta.db_table


def stale_bookings(seat_id: int, reader_id: int, now: datetime) -> sql.Statement:
    """Bookings of the seat or the reader whose slots are still active although they no
    longer keep the seat (no-shows, check-ins whose hold ended): the ones to settle. Their
    ids are the rows' first column; read with the booking's locks (lock_then_read)."""
    return sql.Statement(_stale_sql(), [True, seat_id, reader_id, *[sql.when(now)] * 2])


@functools.cache
def _stale_sql() -> str:
    bookings, slots, holds = _tables()
    return (
        f"SELECT DISTINCT b.id FROM {slots} sl JOIN {bookings} b ON b.id = sl.reservation_id"  # noqa: S608
        f" LEFT JOIN {holds} h ON h.id = b.hold_id"
        f" WHERE sl.active = %s AND (sl.seat_id = %s OR sl.reader_id = %s) AND NOT {_live_sql()}"
    )


def booking_conflicts(
    seat_id: int,
    reader_id: int,
    start: datetime,
    end: datetime,
    day: tuple[datetime, datetime],
    now: datetime,
) -> tuple[bool, int, bool]:
    """In one statement: whether the reader has a live booking overlapping [start, end),
    how many bookings (not cancelled) the reader has starting on `day` (start, end), and
    whether the seat has a live booking overlapping [start, end)."""
    at, to, live = sql.when(start), sql.when(end), [sql.when(now)] * 2
    params = [reader_id, to, at, *live, reader_id, sql.when(day[0]), sql.when(day[1])]
    row = sql.rows(_conflicts_sql(), [*params, seat_id, to, at, *live])[0]
    return bool(row[0]), int(row[1]), bool(row[2])


@functools.cache
def _conflicts_sql() -> str:
    bookings, _slots, holds = _tables()
    overlapping = (
        f"SELECT 1 FROM {bookings} b LEFT JOIN {holds} h ON h.id = b.hold_id"  # noqa: S608
        ' WHERE b.{who} = %s AND b.start < %s AND b."end" > %s AND {live}'
    )
    mine = overlapping.format(who="reader_id", live=_live_sql())
    seats = overlapping.format(who="seat_id", live=_live_sql())
    cancelled = Reservation.Status.CANCELLED.value
    that_day = (
        f"SELECT COUNT(*) FROM {bookings} d WHERE d.reader_id = %s"  # noqa: S608
        f" AND d.start >= %s AND d.start < %s AND d.status <> '{cancelled}'"
    )
    return f"SELECT EXISTS ({mine}), ({that_day}), EXISTS ({seats})"


def seat_booked(
    seat_id: int, start: datetime, end: datetime, now: datetime
) -> tuple[datetime, datetime, str, datetime] | None:
    """A live booking of the seat overlapping [start, end): its start, end, status and
    check-in deadline; None when the seat is free then."""
    params = [seat_id, sql.when(end), sql.when(start), *[sql.when(now)] * 2]
    found = sql.rows(_seat_booked_sql(), params)
    if not found:
        return None
    booking = sql.instance(Reservation, found[0])
    return booking.start, booking.end, booking.status, booking.checkin_until


@functools.cache
def _seat_booked_sql() -> str:
    bookings, _slots, holds = _tables()
    return (
        f"SELECT {sql.columns(Reservation, 'b')} FROM {bookings} b"  # noqa: S608
        f" LEFT JOIN {holds} h ON h.id = b.hold_id"
        f' WHERE b.seat_id = %s AND b.start < %s AND b."end" > %s AND {_live_sql()}'
        " ORDER BY b.id LIMIT 1"
    )


def reserved_seat_ids(room_ids: Iterable[int], now: datetime) -> set[int]:
    """Seats whose booking is waiting for its reader to check in at `now`."""
    return set(
        Reservation.objects.awaiting_checkin(now)
        .filter(seat__room_id__in=list(room_ids))
        .values_list("seat_id", flat=True)
    )


def booked_seat_ids(room_id: int, start: datetime, end: datetime, now: datetime) -> set[int]:
    """Seats of the room that a live booking keeps at some time in [start, end)."""
    return set(
        Reservation.objects.filter(
            live_q(now), seat__room_id=room_id, start__lt=end, end__gt=start
        ).values_list("seat_id", flat=True)
    )


def reader_reservations(reader_id: int, now: datetime) -> list[Reservation]:
    """A reader's bookings that are still ahead or in force, soonest first."""
    return list(
        Reservation.objects.filter(reader_id=reader_id, end__gt=now)
        .filter(live_q(now))
        .select_related("seat__room")
        .order_by("start")
    )


def status_at(reservation: Reservation, now: datetime) -> str:
    """The stored status, with a booking past its check-in deadline shown as a no-show
    even before any worker has marked it."""
    if reservation.status == Reservation.Status.BOOKED and reservation.checkin_until <= now:
        return str(Reservation.Status.NO_SHOW)
    return str(reservation.status)


def reader_history(reader_id: int, now: datetime, limit: int = 20) -> list[Reservation]:
    """A reader's bookings that are over: past, cancelled, no-shows, newest first."""
    return list(
        Reservation.objects.filter(reader_id=reader_id)
        .exclude(Q(end__gt=now) & live_q(now))
        .select_related("seat__room")
        .order_by("-start")[:limit]
    )
