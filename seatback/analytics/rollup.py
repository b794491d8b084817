"""The nightly roll-up: store each past day's figures, so a year of charts reads 365 rows
a room instead of every scan.

Each day is claimed with a conditional UPDATE on its `RollupDay` row (unclaimed, or claimed
so long ago that its worker must have died), so any number of `seatback rollup` runs can
go side by side; each day is computed by exactly one of them.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from seatback.analytics.figures import Figures, compute_day
from seatback.analytics.models import DayFigures, RollupDay
from seatback.library.models import Room
from seatback.library.policy import Policy
from seatback.reservations.models import Reservation
from seatback.seats.models import Challenge, Hold

# A claim older than this is taken to belong to a run that died.
STALE_CLAIM = timedelta(minutes=15)


def to_row(room_id: int | None, day: date, figures: Figures) -> DayFigures:
    return DayFigures(room_id=room_id, day=day, **figures.as_dict())


def from_row(row: DayFigures) -> Figures:
    return Figures(**{name: getattr(row, name) for name in Figures().as_dict()})


def claim(day: date, now: datetime, worker: str) -> bool:
    RollupDay.objects.bulk_create([RollupDay(day=day)], ignore_conflicts=True)
    return bool(
        RollupDay.objects.filter(day=day, done_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
        .update(claimed_at=now, claimed_by=worker)
    )


def roll_up_day(day: date, now: datetime, worker: str) -> bool:
    """Compute and store `day`'s figures if this worker wins the day; True if it did."""
    if not claim(day, now, worker):
        return False
    figures = compute_day(day, now, list(Room.objects.select_related("library")))
    with transaction.atomic():
        DayFigures.objects.filter(day=day).delete()
        DayFigures.objects.bulk_create([to_row(room_id, day, f) for room_id, f in figures.items()])
        RollupDay.objects.filter(day=day, claimed_by=worker).update(done_at=now)
    return True


def roll_up(first: date, last: date, now: datetime, *, redo: bool = False) -> list[date]:
    """Roll up every day from `first` to `last` that is over (before today, locally) and
    not rolled up yet (all of them again with `redo`); returns the days this run did."""
    today = now.astimezone(Policy.zone()).date()
    last = min(last, today - timedelta(days=1))
    if redo:
        RollupDay.objects.filter(day__gte=first, day__lte=last).update(
            done_at=None, claimed_at=None, claimed_by=""
        )
    worker = secrets.token_hex(8)
    done = []
    day = first
    while day <= last:
        if roll_up_day(day, now, worker):
            done.append(day)
        day += timedelta(days=1)
    return done


def first_record_day() -> date | None:
    """The local day of the oldest hold, clock or booking, where a roll-up starts."""
    firsts = [
        Hold.objects.order_by("since").values_list("since", flat=True).first(),
        Challenge.objects.order_by("started_at").values_list("started_at", flat=True).first(),
        Reservation.objects.order_by("start").values_list("start", flat=True).first(),
    ]
    known = [moment for moment in firsts if moment is not None]
    return min(known).astimezone(Policy.zone()).date() if known else None


def nightly(now: datetime) -> int:
    """The round `seatback worker` runs (core.rounds): yesterday's figures, once the day
    is over; a claimed or finished day costs one conditional UPDATE."""
    yesterday = now.astimezone(Policy.zone()).date() - timedelta(days=1)
    if RollupDay.objects.filter(day=yesterday, done_at__isnull=False).exists():
        return 0
    return len(roll_up(yesterday, yesterday, now))
