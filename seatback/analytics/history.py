"""Writing simulated days as records: a few weeks of history for the demo (`seatback demo`
calls `demo_history`), and synthetic libraries whose true behaviour a test knows.

Each simulated sitting becomes a check-in hold (as if the reader had scanned the seat on
sitting down; that scan is left out, to keep the demo quick to build), each clock a
`Challenge` with its scans, each declared break a step-out scan and its return scan (or,
when the reader overran it, an overdue step-out violation). In reservable rooms some
sittings come with their booking, and some bookings are no-shows or cancellations.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction

from seatback.analytics.rollup import roll_up
from seatback.analytics.simulation import HOURS, Behaviour, Day, simulate_day
from seatback.library.models import Room, Seat
from seatback.library.policy import Policy
from seatback.readers.models import Reader, Violation
from seatback.reservations.models import Reservation
from seatback.seats.models import Challenge, Hold, ScanRecord

OUTCOMES = {
    "challenge": "challenge_started",
    "claim": "claimed",
    "return": "returned",
    "step-out": "stepped_out",
    "checkin": "checked_in",
}
# Readers arriving per hour, per seat, on a weekday in exam season (a morning rush, a dip
# at lunch, an afternoon and an evening peak). Weekends see WEEKEND of it.
DEMO_CURVE = {
    7: 0.45,
    8: 0.70,
    9: 0.40,
    10: 0.20,
    11: 0.10,
    12: 0.12,
    13: 0.50,
    14: 0.35,
    15: 0.15,
    16: 0.10,
    17: 0.06,
    18: 0.40,
    19: 0.35,
    20: 0.10,
    21: 0.03,
}
WEEKEND = 0.55
DEMO_DAYS = 21
BOOKED_SHARE, NO_SHOW_SHARE, CANCEL_SHARE = 0.6, 0.08, 0.06


def demo_behaviour(seats: int, day: date) -> Behaviour:
    factor = seats * (WEEKEND if day.weekday() >= 5 else 1.0)
    curve = tuple(round(DEMO_CURVE.get(hour, 0.0) * factor, 3) for hour in range(HOURS))
    return Behaviour(arrivals_per_hour=curve)


@dataclass
class Writer:
    """Turns one simulated day's log into rows of one room."""

    room: Room
    seats: list[Seat]
    readers: list[Reader]
    run: Day
    rng: random.Random

    def at(self, minute: float | str | None) -> datetime:
        assert isinstance(minute, float | int)
        return self.run.instant(float(minute)).replace(microsecond=0)

    def reader(self, number: int) -> Reader:
        return self.readers[(number * 7 + self.run.day.toordinal()) % len(self.readers)]

    def write(self) -> None:
        closes = self.run.instant(self.run.closes)
        holds, clocks, scans, violations, bookings = [], [], [], [], []
        for kind, seat_number, reader_number, values in self.run.log:
            seat, reader = self.seats[seat_number], self.reader(reader_number)
            if kind == "hold":
                since, ended = self.at(values["since"]), self.at(values["ended"])
                holds.append(
                    Hold(
                        seat=seat,
                        reader=reader,
                        source=str(values["source"]),
                        since=since,
                        closes_at=closes,
                        ended_at=ended,
                        end_reason=str(values["reason"]),
                    )
                )
                if (
                    values["source"] == "checkin"
                    and seat.reservable
                    and self.rng.random() < BOOKED_SHARE
                ):
                    bookings.append(self.booking(seat, reader, since, ended, "checked_in"))
            elif kind == "clock":
                started = self.at(values["started"])
                clocks.append(
                    Challenge(
                        seat=seat,
                        challenger=reader,
                        started_at=started,
                        deadline=self.at(values["deadline"]),
                        claim_until=self.at(values["claim_until"]),
                        status=str(values["status"]),
                        ended_at=self.at(values["ended"]),
                    )
                )
            elif kind == "scan":
                scans.append(self.scan(seat, reader, str(values["intent"]), self.at(values["at"])))
            elif kind == "overrun":
                moment = self.at(values["at"])
                violations.append(
                    Violation(
                        reader=reader,
                        kind=Violation.Kind.OVERDUE_STEP_OUT,
                        at=moment,
                        seat=seat,
                        key=f"history:{seat.pk}:{int(moment.timestamp())}:{reader_number}",
                    )
                )
        self.missed_bookings(bookings, violations)
        Hold.objects.bulk_create(holds)
        Challenge.objects.bulk_create(clocks)
        ScanRecord.objects.bulk_create(scans)
        Violation.objects.bulk_create(violations, ignore_conflicts=True)
        Reservation.objects.bulk_create(bookings)

    def scan(self, seat: Seat, reader: Reader, intent: str, moment: datetime) -> ScanRecord:
        return ScanRecord(
            seat=seat,
            reader=reader,
            intent=intent,
            outcome=OUTCOMES[intent],
            accepted=True,
            at=moment,
        )

    def booking(
        self, seat: Seat, reader: Reader, start: datetime, end: datetime, status: str
    ) -> Reservation:
        start = start.replace(minute=start.minute - start.minute % 30, second=0)
        end = max(end, start + timedelta(minutes=30))
        return Reservation(
            seat=seat,
            reader=reader,
            start=start,
            end=end,
            checkin_from=start - timedelta(minutes=15),
            checkin_until=start + timedelta(minutes=30),
            status=status,
            created_at=start - timedelta(hours=14),
            checked_in_at=start if status == "checked_in" else None,
            cancelled_at=start - timedelta(hours=2) if status == "cancelled" else None,
        )

    def missed_bookings(self, bookings: list[Reservation], violations: list[Violation]) -> None:
        """Bookings nobody came for, and bookings given back, beside the kept ones."""
        kept = len(bookings)
        reservable = [seat for seat in self.seats if seat.reservable]
        if not reservable:
            return
        for status, share in (("no_show", NO_SHOW_SHARE), ("cancelled", CANCEL_SHARE)):
            for n in range(round(kept * share)):
                seat = self.rng.choice(reservable)
                reader = self.reader(self.rng.randrange(1000))
                hour = self.rng.randrange(8, 20)
                start = datetime.combine(self.run.day, time(hour), tzinfo=Policy.zone())
                bookings.append(
                    self.booking(seat, reader, start, start + timedelta(hours=2), status)
                )
                if status == "no_show":
                    violations.append(
                        Violation(
                            reader=reader,
                            kind=Violation.Kind.NO_SHOW,
                            at=start + timedelta(minutes=30),
                            seat=seat,
                            key=f"history:noshow:{seat.pk}:{int(start.timestamp())}:{n}",
                        )
                    )


def write_days(
    room: Room,
    first: date,
    last: date,
    *,
    seed: int,
    behaviour: Behaviour | None = None,
    readers: list[Reader] | None = None,
    leave_alone: frozenset[int] = frozenset(),
) -> int:
    """Simulate each day of the range in `room` under its policy and write the records;
    `behaviour` None: the demo's weekday/weekend curve; seats in `leave_alone` get no
    rows. Returns the days written."""
    seats = [
        seat
        for seat in room.seats.filter(active=True).order_by("label")
        if seat.pk not in leave_alone
    ]
    readers = readers or list(Reader.objects.filter(is_staff=False).order_by("pk"))
    if not seats or not readers:
        return 0
    policy, rng = room.effective_policy(), random.Random(seed)
    day, written = first, 0
    while day <= last:
        chosen = behaviour or demo_behaviour(len(seats), day)
        run = simulate_day(chosen, policy, len(seats), day, seed + day.toordinal())
        with transaction.atomic():
            Writer(room, seats, readers, run, rng).write()
        written += 1
        day += timedelta(days=1)
    return written


def demo_history(now: datetime, days: int = DEMO_DAYS) -> int:
    """A few weeks of history before yesterday in every room, rolled up; once: a library
    with clocks older than that is left alone, and so are seats with scans already (the
    staged dispute's seat keeps its own story). Returns the days written per room."""
    today = now.astimezone(Policy.zone()).date()
    first, last = today - timedelta(days=days), today - timedelta(days=2)
    if Challenge.objects.filter(started_at__lt=now - timedelta(days=2)).exists():
        return 0
    # Seats with scans already (the staged dispute's) keep a timeline of their own story.
    staged = frozenset(ScanRecord.objects.values_list("seat", flat=True).distinct())
    written = 0
    with transaction.atomic():  # one commit: SQLite syncs the disk at each
        for room in Room.objects.filter(active=True).select_related("library").order_by("pk"):
            written = write_days(room, first, last, seed=room.pk, leave_alone=staged)
        roll_up(first, last, now)
    return written
