"""Who is inside: per reader (the `gate` presence check), per building and floor (the
headcount), and who never went out on a day (docs/gates.md).

The count resets at the library's closing time: a passage before the last closing does not
make anyone inside. Everything is read from stored times; nothing is reset by a job.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count

from seatback.gates.models import Building, Direction, GateEvent, Passage
from seatback.library.models import Library
from seatback.library.policy import Policy


def _library_policy() -> Policy:
    return Policy.from_values(Library.get().policy)


def day_started(now: datetime) -> datetime:
    """The last closing time at or before `now`: when today's count began."""
    policy = _library_policy()
    closes = policy.opening(now)[1]
    return closes if now >= closes else policy.opening(now - timedelta(days=1))[1]


def inside(reader_id: int, hours: int, now: datetime) -> tuple[bool, str]:
    """The `gate` presence check: the reader's latest passage through an entrance gate is
    an entry, within `hours`, and since the last closing (presence.passages)."""
    latest = (
        Passage.objects.filter(reader_id=reader_id, floor="", at__lte=now)
        .order_by("-at")
        .values_list("direction", "at")
        .first()
    )
    if latest is None:
        return False, "no_gate_events"
    direction, at = latest
    if direction == Direction.OUT:
        return False, "left"
    if at < now - timedelta(hours=hours):
        return False, "entered_too_long_ago"
    if at < day_started(now):
        return False, "entered_before_closing"
    return True, "ok"


@dataclass
class Headcount:
    """One building, now: people inside, on each guarded floor, and today's passages."""

    building_id: int
    building: str
    capacity: int
    warn_percent: int
    inside: int = 0
    entries_today: int = 0
    exits_today: int = 0
    floors: dict[str, int] = field(default_factory=dict)

    @property
    def near_capacity(self) -> bool:
        return bool(self.capacity) and self.inside * 100 >= self.capacity * self.warn_percent

    @property
    def full(self) -> bool:
        return bool(self.capacity) and self.inside >= self.capacity

    def as_dict(self) -> dict[str, object]:
        return {
            "building": self.building,
            "inside": self.inside,
            "capacity": self.capacity or None,
            "near_capacity": self.near_capacity,
            "entries_today": self.entries_today,
            "exits_today": self.exits_today,
            "floors": dict(self.floors),
        }


def inside_counts(now: datetime) -> dict[str, Headcount]:
    """Every building's headcount at `now`, by building name (for occupancy and screens).

    A building's `inside` counts cards whose latest passage through its entrance gates is
    an entry since the last closing; `floors` does the same through each floor's gates.
    Today's entries and exits are those through the entrance gates since the last closing.
    """
    since = day_started(now)
    counts = {
        b.pk: Headcount(b.pk, b.name, b.capacity, b.warn_percent) for b in Building.objects.all()
    }
    rows = (
        Passage.objects.filter(direction=Direction.IN, at__gte=since, at__lte=now)
        .values_list("building_id", "floor")
        .annotate(n=Count("id"))
    )
    for building_id, floor, n in rows:
        if building_id not in counts:
            continue
        if floor:
            counts[building_id].floors[floor] = n
        else:
            counts[building_id].inside = n
    passages = (
        GateEvent.objects.filter(floor="", at__gte=since, at__lte=now)
        .values_list("building_id", "direction")
        .annotate(n=Count("id"))
    )
    for building_id, direction, n in passages:
        if building_id in counts:
            if direction == Direction.IN:
                counts[building_id].entries_today = n
            else:
                counts[building_id].exits_today = n
    return {count.building: count for count in counts.values()}


@dataclass(frozen=True)
class StayedIn:
    """A card whose last passage of the day through a building's entrance was an entry."""

    building: str
    card: str
    reader_id: int | None
    entered_at: datetime


def never_left(day: date) -> list[StayedIn]:
    """The day's record of readers who never went out (the daily reset at closing)."""
    policy = _library_policy()
    closes = policy.opening(datetime.combine(day, time(12), tzinfo=Policy.zone()))[1]
    began = day_started(closes - timedelta(seconds=1))
    last: dict[tuple[str, str], tuple[str, int | None, datetime]] = {}
    events = (
        GateEvent.objects.filter(floor="", at__gte=began, at__lt=closes)
        .order_by("at", "pk")
        .values_list("building__name", "card", "reader_id", "direction", "at")
    )
    for building, card, reader_id, direction, at in events.iterator():
        last[(building, card)] = (direction, reader_id, at)
    stayed = [
        StayedIn(building, card, reader_id, at)
        for (building, card), (direction, reader_id, at) in last.items()
        if direction == Direction.IN
    ]
    return sorted(stayed, key=lambda s: (s.building, s.entered_at, s.card))


def today(now: datetime) -> dict[str, int]:
    """Entries and exits through all entrance gates since the last closing."""
    totals: dict[str, int] = defaultdict(int)
    for count in inside_counts(now).values():
        totals["entries"] += count.entries_today
        totals["exits"] += count.exits_today
        totals["inside"] += count.inside
    return dict(totals)
