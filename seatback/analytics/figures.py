"""Figures of a local day, computed from the records themselves (docs/analytics.md).

`Figures` is one room's (or the library's) day; figures of several rooms or days add up
with `+`. `compute_day` reads a day's rows once per table and hands back every room's
figures; the roll-up stores exactly these, and a test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from seatback.audit.models import AuditEntry
from seatback.library.models import Room
from seatback.library.policy import Policy
from seatback.notifications.models import Notice
from seatback.readers.models import Violation
from seatback.reservations.models import Reservation
from seatback.seats.models import Challenge, Hold, ScanRecord

HOURS = 24
# The counted figures, in the order the exports list them.
COUNTS = (
    "seats",
    "holds_started",
    "clocks_started",
    "clocks_returned",
    "clocks_claimed",
    "clocks_withdrawn",
    "clocks_lapsed",
    "recovered_seconds",
    "step_outs",
    "step_outs_overrun",
    "bookings",
    "no_shows",
    "cancellations",
    "violations",
    "bans",
)


def _zeros() -> list[float]:
    return [0.0] * HOURS


@dataclass
class Figures:
    seats: int = 0
    open_minutes: list[float] = field(default_factory=_zeros)
    held_minutes: list[float] = field(default_factory=_zeros)
    holds_started: int = 0
    clocks_started: int = 0
    clocks_returned: int = 0
    clocks_claimed: int = 0
    clocks_withdrawn: int = 0
    clocks_lapsed: int = 0
    recovered_seconds: int = 0
    step_outs: int = 0
    step_outs_overrun: int = 0
    bookings: int = 0
    no_shows: int = 0
    cancellations: int = 0
    violations: int = 0
    bans: int = 0

    def __add__(self, other: Figures) -> Figures:
        total = Figures()
        for name in COUNTS:
            setattr(total, name, getattr(self, name) + getattr(other, name))
        total.open_minutes = [
            a + b for a, b in zip(self.open_minutes, other.open_minutes, strict=True)
        ]
        total.held_minutes = [
            a + b for a, b in zip(self.held_minutes, other.held_minutes, strict=True)
        ]
        return total

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    # Derived figures ---------------------------------------------------------------

    @property
    def recovered_minutes(self) -> float:
        """Hogged seat-minutes recovered: each claim's clock (start → claim) and each
        answered clock (start → return)."""
        return round(self.recovered_seconds / 60, 1)

    def occupancy_by_hour(self) -> list[float | None]:
        """Held seat-minutes over open seat-minutes, per local hour (None: closed)."""
        return [
            round(held / opened, 4) if opened else None
            for held, opened in zip(self.held_minutes, self.open_minutes, strict=True)
        ]

    @property
    def occupancy(self) -> float | None:
        opened = sum(self.open_minutes)
        return round(sum(self.held_minutes) / opened, 4) if opened else None

    @property
    def turnover(self) -> float | None:
        """Holds started per seat and day (`seats` adds up to seat-days over days)."""
        return round(self.holds_started / self.seats, 2) if self.seats else None

    def busiest_hours(self, count: int = 3) -> list[int]:
        """The local hours with the highest occupancy, busiest first."""
        ranked = [(share, hour) for hour, share in enumerate(self.occupancy_by_hour()) if share]
        return [hour for _share, hour in sorted(ranked, key=lambda r: (-r[0], r[1]))[:count]]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=Policy.zone())
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=Policy.zone())


def hour_start(day: date, hour: int) -> datetime:
    """The instant local hour `hour` of `day` starts (a zone without daylight saving)."""
    return datetime.combine(day, time(hour), tzinfo=Policy.zone())


def _spread(minutes: list[float], day: date, start: datetime, end: datetime) -> None:
    """Add the stretch [start, end) to `minutes`, per local hour of `day`."""
    midnight = day_bounds(day)[0]
    first = max(0.0, (start - midnight).total_seconds() / 60)
    last = min(HOURS * 60.0, (end - midnight).total_seconds() / 60)
    hour = int(first // 60)
    while hour < HOURS and hour * 60 < last:
        overlap = min(last, hour * 60 + 60) - max(first, hour * 60)
        if overlap > 0:
            minutes[hour] += overlap
        hour += 1


def open_minutes(room: Room, seats: int, day: date, now: datetime) -> list[float]:
    """Seat-minutes open per local hour of `day`, up to `now`."""
    minutes = _zeros()
    opens, closes = room.effective_policy().opening(hour_start(day, 12))
    if now > opens:
        _spread(minutes, day, opens, min(closes, now))
    return [round(m * seats, 4) for m in minutes]


def challenge_outcome(challenge: Challenge, now: datetime) -> str:
    """Its status, with a pending clock whose claim window is over counted as lapsed."""
    if challenge.status == Challenge.Status.PENDING and challenge.claim_until <= now:
        return Challenge.Status.LAPSED
    return str(challenge.status)


def compute_day(
    day: date, now: datetime, rooms: list[Room] | None = None
) -> dict[int | None, Figures]:
    """Every room's figures for local `day` (key None: the library's own row)."""
    rooms = rooms if rooms is not None else list(Room.objects.select_related("library"))
    start, end = day_bounds(day)
    result: dict[int | None, Figures] = {None: Figures()}
    for room in rooms:
        seats = room.seats.filter(active=True).count() if room.active else 0
        result[room.pk] = Figures(seats=seats, open_minutes=open_minutes(room, seats, day, now))
    room_ids = [room.pk for room in rooms]

    def fig(room_id: int) -> Figures:
        return result[room_id]

    holds = Hold.objects.filter(seat__room__in=room_ids, since__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )
    for hold in holds.values_list("seat__room", "since", "ended_at", "closes_at"):
        room_id, since, ended_at, closes_at = hold
        stopped = min(ended_at or closes_at, closes_at, now)
        if stopped > since:
            _spread(fig(room_id).held_minutes, day, since, stopped)
        if start <= since < end:
            fig(room_id).holds_started += 1
    challenges = Challenge.objects.filter(
        seat__room__in=room_ids, started_at__gte=start, started_at__lt=end
    ).select_related("seat")
    for challenge in challenges:
        f = fig(challenge.seat.room_id)
        f.clocks_started += 1
        outcome = challenge_outcome(challenge, now)
        if outcome != Challenge.Status.PENDING:
            setattr(f, f"clocks_{outcome}", getattr(f, f"clocks_{outcome}") + 1)
        if outcome in (Challenge.Status.CLAIMED, Challenge.Status.RETURNED) and challenge.ended_at:
            f.recovered_seconds += int((challenge.ended_at - challenge.started_at).total_seconds())
    step_outs = ScanRecord.objects.filter(
        seat__room__in=room_ids, intent="step-out", accepted=True, at__gte=start, at__lt=end
    )
    for room_id in step_outs.values_list("seat__room", flat=True):
        fig(room_id).step_outs += 1
    bookings = Reservation.objects.filter(seat__room__in=room_ids, start__gte=start, start__lt=end)
    for room_id, status in bookings.values_list("seat__room", "status"):
        fig(room_id).bookings += 1
        fig(room_id).no_shows += status == Reservation.Status.NO_SHOW
        fig(room_id).cancellations += status == Reservation.Status.CANCELLED
    violations = Violation.objects.filter(at__gte=start, at__lt=end).filter(
        Q(seat__room__in=room_ids) | Q(seat__isnull=True)
    )
    for room_id, kind in violations.values_list("seat__room", "kind"):
        f = result[room_id] if room_id in result else result[None]
        f.violations += 1
        f.step_outs_overrun += kind == Violation.Kind.OVERDUE_STEP_OUT
    bans = Notice.objects.filter(kind=Notice.Kind.BANNED, created_at__gte=start, created_at__lt=end)
    manual = AuditEntry.objects.filter(action="reader.ban", at__gte=start, at__lt=end)
    result[None].bans = bans.count() + manual.count()
    return result
