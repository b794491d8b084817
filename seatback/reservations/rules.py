"""The reservation keys of a room's effective policy, as times and numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from seatback.library.policy import Policy


@dataclass(frozen=True)
class BookingRules:
    days_ahead: int
    opens_at: time
    slot: timedelta
    longest: timedelta
    per_day: int
    checkin_before: timedelta
    checkin_after: timedelta
    cancel_cutoff: timedelta
    late_cancel_is_violation: bool
    violations_before_ban: int
    violation_window: timedelta
    ban_length: timedelta
    policy: Policy

    @classmethod
    def of(cls, policy: Policy) -> BookingRules:
        v = policy.values
        hours, minutes = (int(part) for part in str(v["booking_opens_at"]).split(":"))
        return cls(
            days_ahead=int(v["booking_days_ahead"]),
            opens_at=time(hours, minutes),
            slot=timedelta(minutes=int(v["reservation_slot_minutes"])),
            longest=timedelta(minutes=int(v["reservation_longest_minutes"])),
            per_day=int(v["reservations_per_day"]),
            checkin_before=timedelta(minutes=int(v["checkin_before_minutes"])),
            checkin_after=timedelta(minutes=int(v["checkin_after_minutes"])),
            cancel_cutoff=timedelta(minutes=int(v["cancel_cutoff_minutes"])),
            late_cancel_is_violation=v["late_cancel_is_violation"] == "yes",
            violations_before_ban=int(v["violations_before_ban"]),
            violation_window=timedelta(days=int(v["violation_window_days"])),
            ban_length=timedelta(days=int(v["ban_days"])),
            policy=policy,
        )

    def booking_opens(self, day: date) -> datetime:
        """When bookings for the local `day` open: opens_at, days_ahead days before."""
        return datetime.combine(
            day - timedelta(days=self.days_ahead), self.opens_at, tzinfo=Policy.zone()
        )

    def bookable_days(self, now: datetime) -> list[date]:
        """The local days a reader may book at `now`, today first."""
        today = self.policy.local_day(now)
        return [
            today + timedelta(days=n)
            for n in range(self.days_ahead + 1)
            if self.booking_opens(today + timedelta(days=n)) <= now
        ]

    def on_slot(self, moment: datetime) -> bool:
        local = moment.astimezone(Policy.zone())
        minutes = local.hour * 60 + local.minute
        step = int(self.slot.total_seconds() // 60)
        return local.second == 0 and local.microsecond == 0 and minutes % step == 0

    def slot_starts(self, start: datetime, end: datetime) -> list[datetime]:
        starts, moment = [], start
        while moment < end:
            starts.append(moment)
            moment += self.slot
        return starts

    def checkin_window(self, start: datetime, end: datetime) -> tuple[datetime, datetime]:
        return start - self.checkin_before, min(start + self.checkin_after, end)
