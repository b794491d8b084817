"""Reading figures for a range of days: rolled-up days from the roll-up table, the others
(today, or days no roll-up has reached) computed from the records; then totals per room,
floor and library, heat maps and curves, and the rows behind each figure."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from seatback.analytics.figures import COUNTS, HOURS, Figures, compute_day, day_bounds
from seatback.analytics.models import DayFigures, RollupDay
from seatback.analytics.rollup import first_record_day, from_row
from seatback.library.models import Room
from seatback.library.policy import Policy
from seatback.readers.models import Violation
from seatback.reservations.models import Reservation
from seatback.seats.models import Challenge, Hold, ScanRecord

# The longest range a page or an export may ask for.
LONGEST_RANGE = timedelta(days=366)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def by_room_and_day(
    first: date, last: date, now: datetime
) -> dict[tuple[int | None, date], Figures]:
    """Every room's (and the library row's) figures for each day of the range, from the
    first recorded day on."""
    rolled = set(
        RollupDay.objects.filter(day__gte=first, day__lte=last, done_at__isnull=False).values_list(
            "day", flat=True
        )
    )
    result: dict[tuple[int | None, date], Figures] = {}
    for row in DayFigures.objects.filter(day__in=rolled):
        result[(row.room_id, row.day)] = from_row(row)
    rooms = list(Room.objects.select_related("library"))
    # Days before the first record, and after today, are left out rather than computed as
    # empty open days (each raw day scans the day's rows).
    since, today = first_record_day(), now.astimezone(Policy.zone()).date()
    for day in days(first, last):
        if since is None or not since <= day <= today:
            continue
        if day not in rolled:
            for room_id, figures in compute_day(day, now, rooms).items():
                result[(room_id, day)] = figures
    return result


@dataclass
class Report:
    """A range's figures, added up the ways the pages show them."""

    first: date
    last: date
    rooms: list[Room]
    cells: dict[tuple[int | None, date], Figures]

    @property
    def days_counted(self) -> int:
        """Days the range has figures for (from the first record up to today)."""
        return len({day for _room, day in self.cells})

    def total(self, room_ids: set[int | None] | None = None) -> Figures:
        total = Figures()
        for (room_id, _day), figures in self.cells.items():
            if room_ids is None or room_id in room_ids:
                total += figures
        return total

    def per_room(self) -> list[tuple[Room, Figures]]:
        return [(room, self.total({room.pk})) for room in self.rooms]

    def per_floor(self) -> list[tuple[str, Figures]]:
        floors: dict[str, set[int | None]] = defaultdict(set)
        for room in self.rooms:
            floors[room.floor].add(room.pk)
        return [(floor, self.total(ids)) for floor, ids in sorted(floors.items())]

    def per_day(self, room_ids: set[int | None] | None = None) -> list[tuple[date, Figures]]:
        totals: dict[date, Figures] = {day: Figures() for day in days(self.first, self.last)}
        for (room_id, day), figures in self.cells.items():
            if room_ids is None or room_id in room_ids:
                totals[day] += figures
        return sorted(totals.items())

    def heat_map(self, room_ids: set[int | None] | None = None) -> list[list[float | None]]:
        """Occupancy by weekday (0 = Monday) and local hour over the range."""
        held = [[0.0] * HOURS for _ in range(7)]
        opened = [[0.0] * HOURS for _ in range(7)]
        for (room_id, day), figures in self.cells.items():
            if room_ids is not None and room_id not in room_ids:
                continue
            for hour in range(HOURS):
                held[day.weekday()][hour] += figures.held_minutes[hour]
                opened[day.weekday()][hour] += figures.open_minutes[hour]
        return [
            [round(h / o, 4) if o else None for h, o in zip(held[w], opened[w], strict=True)]
            for w in range(7)
        ]

    def curves(self) -> list[tuple[Room, list[float | None]]]:
        """Each room's occupancy by hour over the whole range, to compare rooms."""
        return [(room, figures.occupancy_by_hour()) for room, figures in self.per_room()]


def report(first: date, last: date, now: datetime, room_ids: list[int] | None = None) -> Report:
    rooms = list(Room.objects.order_by("floor", "name"))
    if room_ids:
        rooms = [room for room in rooms if room.pk in room_ids]
    cells = by_room_and_day(first, last, now)
    if room_ids:
        cells = {key: value for key, value in cells.items() if key[0] in room_ids}
    return Report(first=first, last=last, rooms=rooms, cells=cells)


# The rows behind a figure -------------------------------------------------------------

# The figures with records behind them, in the order of COUNTS.
BEHIND = tuple(
    name for name in COUNTS if name not in ("seats", "clocks_withdrawn", "clocks_lapsed", "bans")
)


def rows_behind(figure: str, room_ids: list[int] | None, first: date, last: date) -> QuerySet[Any]:
    """The records a figure counts, for some rooms (None: the library) and range of days."""
    start, end = day_bounds(first)[0], day_bounds(last)[1]
    where = Q(seat__room__in=room_ids) if room_ids else Q()
    if figure == "holds_started":
        return Hold.objects.filter(where, since__gte=start, since__lt=end).order_by("since")
    if figure.startswith("clocks_") or figure == "recovered_seconds":
        clocks = Challenge.objects.filter(where, started_at__gte=start, started_at__lt=end)
        status = {
            "clocks_returned": ["returned"],
            "clocks_claimed": ["claimed"],
            "recovered_seconds": ["returned", "claimed"],
        }.get(figure)
        if status:
            clocks = clocks.filter(status__in=status)
        return clocks.order_by("started_at")
    if figure == "step_outs":
        return ScanRecord.objects.filter(
            where, intent="step-out", accepted=True, at__gte=start, at__lt=end
        ).order_by("at")
    if figure in ("bookings", "no_shows", "cancellations"):
        bookings = Reservation.objects.filter(where, start__gte=start, start__lt=end)
        wanted = {"no_shows": "no_show", "cancellations": "cancelled"}.get(figure)
        return (bookings.filter(status=wanted) if wanted else bookings).order_by("start")
    if figure in ("violations", "step_outs_overrun"):
        violations = Violation.objects.filter(where, at__gte=start, at__lt=end)
        if figure == "step_outs_overrun":
            violations = violations.filter(kind=Violation.Kind.OVERDUE_STEP_OUT)
        return violations.order_by("at")
    raise ValueError(f"no rows behind {figure!r}")
