"""Reading reservations: which bookings keep which seats, derived from stored times.

Imports nothing from seats.services, which reads these for its Situation.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Q

from seatback.core import sql
from seatback.reservations.models import Reservation

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


def upcoming_on_seat(seat_id: int, now: datetime) -> list[Reservation]:
    """The seat's bookings not yet checked in whose check-in deadline is still ahead.

    Every scan and seat read asks this, so it is one hand-written statement (core.sql)."""
    found = sql.rows(_upcoming_sql(), [seat_id, sql.when(now), sql.when(now + LOOKAHEAD)])
    return [sql.instance(Reservation, row) for row in found]


@functools.cache
def _upcoming_sql() -> str:
    cols = sql.columns(Reservation, "b")
    where = (
        f"WHERE b.seat_id = %s AND b.status = '{Reservation.Status.BOOKED.value}'"
        " AND b.checkin_until > %s AND b.start < %s ORDER BY b.start LIMIT 20"
    )
    return f"SELECT {cols} FROM {Reservation._meta.db_table} b {where}"  # noqa: S608


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
