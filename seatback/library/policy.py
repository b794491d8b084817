"""The policy of spec §2: library defaults, per-room overrides, validation, local times."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

TimeRange = tuple[time, time]

DEFAULTS: dict[str, Any] = {
    "leave_allowance_minutes": 20,
    "claim_window_minutes": 15,
    "return_cooldown_minutes": 10,
    "step_out_minutes": 30,
    "protected_windows": "11:30-13:00,17:30-18:30",
    "opening_hours": "07:00-22:30",
    # Presence checks (docs/presence.md): which ones a scan must pass, and their settings.
    "presence": "",
    "presence_networks": "",
    "presence_radius_m": 150,
    "presence_accuracy_m": 100,
    "rotating_seconds": 60,
    "gate_hours": 12,
    # Entrance gates (docs/gates.md): an entry during a booking's check-in window checks
    # the reader in; an exit protects the reader's seat, and ends their hold when they are
    # not back through a gate within this many minutes (0: exits do nothing).
    "gate_checkin": "no",
    "gate_exit_minutes": 30,
    # Seat reservation (issue 7); checked by reservation_value below.
    "booking_days_ahead": 1,
    "booking_opens_at": "20:00",
    "reservation_slot_minutes": 30,
    "reservation_longest_minutes": 240,
    "reservations_per_day": 2,
    "checkin_before_minutes": 15,
    "checkin_after_minutes": 30,
    "cancel_cutoff_minutes": 30,
    "late_cancel_is_violation": "yes",
    "violations_before_ban": 3,
    "violation_window_days": 30,
    "ban_days": 7,
}
MINUTE_KEYS = (
    "leave_allowance_minutes",
    "claim_window_minutes",
    "return_cooldown_minutes",
    "step_out_minutes",
)
KEYS = tuple(DEFAULTS)
PRESENCE_CHECKS = ("network", "location", "rotating", "gate")
# key -> (smallest, largest) for the presence checks' whole numbers
PRESENCE_NUMBERS = {
    "presence_radius_m": (10, 100_000),
    "presence_accuracy_m": (5, 100_000),
    "rotating_seconds": (10, 3600),
    "gate_hours": (1, 48),
    "gate_exit_minutes": (0, 240),
}
MINUTES_IN_A_DAY = 24 * 60


class PolicyError(ValueError):
    """A policy value that does not parse or does not fit; names the key."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"{key}: {message}")


def _parse_time(text: str) -> time:
    hours, _sep, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(text)
    if int(hours) == 24 and int(minutes) == 0:
        return time.max
    return time(int(hours), int(minutes))


def parse_range(key: str, text: str) -> TimeRange:
    start_text, sep, end_text = text.partition("-")
    try:
        if not sep:
            raise ValueError(text)
        start, end = _parse_time(start_text), _parse_time(end_text)
    except ValueError:
        raise PolicyError(
            key, _("%(value)r is not a time range like 07:00-22:30") % {"value": text}
        ) from None
    if start >= end:
        raise PolicyError(key, _("%(value)r ends before it starts") % {"value": text})
    return start, end


def parse_ranges(key: str, text: str) -> tuple[TimeRange, ...]:
    ranges = sorted(parse_range(key, part) for part in text.split(",") if part.strip())
    for (_s1, end1), (start2, _e2) in zip(ranges, ranges[1:], strict=False):
        if start2 < end1:
            raise PolicyError(key, _("the time ranges overlap"))
    return tuple(ranges)


def _minutes(key: str, value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        message = _("%(value)r is not a whole number of minutes") % {"value": value}
        raise PolicyError(key, message) from None
    if number < 0:
        raise PolicyError(key, _("must not be negative"))
    if number > MINUTES_IN_A_DAY:
        raise PolicyError(key, _("must be at most %d minutes (a day)") % MINUTES_IN_A_DAY)
    return number


def _whole_number(key: str, value: Any) -> int:
    low, high = PRESENCE_NUMBERS[key]
    try:
        number = int(str(value).strip())
    except ValueError:
        raise PolicyError(key, _("%(value)r is not a whole number") % {"value": value}) from None
    if not low <= number <= high:
        raise PolicyError(key, _("must be from %(low)d to %(high)d") % {"low": low, "high": high})
    return number


def parse_checks(key: str, text: str) -> tuple[str, ...]:
    """`presence`: a comma list of checks, returned in the canonical order."""
    names = {part.strip().lower() for part in str(text).split(",") if part.strip()}
    unknown = sorted(names - set(PRESENCE_CHECKS))
    if unknown:
        raise PolicyError(
            key,
            _("unknown check %(names)s; known checks: %(known)s")
            % {"names": ", ".join(unknown), "known": ", ".join(PRESENCE_CHECKS)},
        )
    return tuple(name for name in PRESENCE_CHECKS if name in names)


def parse_networks(
    key: str, text: str
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """`presence_networks`: a comma list of CIDR ranges (IPv4 or IPv6)."""
    networks = []
    for part in str(text).split(","):
        if not part.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError:
            message = _("%(value)r is not a network like 10.0.0.0/8 or 2001:db8::/32")
            raise PolicyError(key, message % {"value": part.strip()}) from None
    return tuple(networks)


def _span_minutes(value: TimeRange) -> float:
    start, end = value
    day = date(2000, 1, 1)
    return (datetime.combine(day, end) - datetime.combine(day, start)).total_seconds() / 60


def clean(values: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validate `values` (a partial policy) on top of `base`; return the canonical values.

    Raises PolicyError naming the first bad key. Nothing is changed by a failed call.
    """
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key not in DEFAULTS:
            raise PolicyError(key, _("unknown policy key; known keys: %s") % ", ".join(KEYS))
        if key in MINUTE_KEYS:
            cleaned[key] = _minutes(key, value)
        elif key in RESERVATION_KEYS:
            cleaned[key] = reservation_value(key, value)
        elif key == "protected_windows":
            ranges = parse_ranges(key, str(value))
            cleaned[key] = ",".join(_format_range(r) for r in ranges)
        elif key == "presence":
            cleaned[key] = ",".join(parse_checks(key, value))
        elif key == "presence_networks":
            cleaned[key] = ",".join(str(n) for n in parse_networks(key, value))
        elif key == "gate_checkin":
            cleaned[key] = yes_or_no(key, value)
        elif key in PRESENCE_NUMBERS:
            cleaned[key] = _whole_number(key, value)
        else:
            cleaned[key] = _format_range(parse_range(key, str(value)))
    merged = {**DEFAULTS, **(base or {}), **cleaned}
    opening = parse_range("opening_hours", merged["opening_hours"])
    # A zero claim window would let every clock lapse at its deadline: nobody could claim;
    # a zero step-out would report "stepped out" and protect nothing.
    for key in ("leave_allowance_minutes", "claim_window_minutes", "step_out_minutes"):
        if merged[key] < 1:
            raise PolicyError(key, _("must be at least 1 minute"))
    if merged["reservation_longest_minutes"] < merged["reservation_slot_minutes"]:
        raise PolicyError("reservation_longest_minutes", _("is shorter than one slot"))
    if merged["leave_allowance_minutes"] > _span_minutes(opening):
        raise PolicyError(
            "leave_allowance_minutes",
            _("is longer than the opening hours %s") % merged["opening_hours"],
        )
    # The network check with no networks would refuse every scan in the room.
    if (
        "network" in parse_checks("presence", merged["presence"])
        and not str(merged["presence_networks"]).strip()
    ):
        raise PolicyError("presence_networks", _("the network check needs at least one network"))
    return cleaned


RESERVATION_KEYS = tuple(DEFAULTS)[tuple(DEFAULTS).index("booking_days_ahead") :]
# key -> (least, most) for the whole-number reservation keys
_RESERVATION_NUMBERS = {
    "booking_days_ahead": (0, 30),
    "reservation_slot_minutes": (5, 240),
    "reservation_longest_minutes": (5, MINUTES_IN_A_DAY),
    "reservations_per_day": (1, 50),
    "checkin_before_minutes": (0, 240),
    "checkin_after_minutes": (1, 240),
    "cancel_cutoff_minutes": (0, MINUTES_IN_A_DAY),
    "violations_before_ban": (1, 100),
    "violation_window_days": (1, 365),
    "ban_days": (1, 365),
}


def reservation_value(key: str, value: Any) -> Any:
    """A reservation key's canonical value: a whole number in range, a time, or yes/no."""
    text = str(value).strip().lower()
    if key == "booking_opens_at":
        try:
            moment = _parse_time(text)
        except ValueError:
            raise PolicyError(
                key, _("%(value)r is not a time like 20:00") % {"value": value}
            ) from None
        if moment == time.max:
            raise PolicyError(key, _("%(value)r is not a time like 20:00") % {"value": value})
        return moment.strftime("%H:%M")
    if key == "late_cancel_is_violation":
        return yes_or_no(key, value)
    least, most = _RESERVATION_NUMBERS[key]
    if not text.isdigit():
        raise PolicyError(key, _("%(value)r is not a whole number") % {"value": value})
    number = int(text)
    if not least <= number <= most:
        raise PolicyError(
            key, _("must be between %(least)d and %(most)d") % {"least": least, "most": most}
        )
    return number


def yes_or_no(key: str, value: Any) -> str:
    """A yes/no key's canonical value: "yes" or "no"."""
    text = str(value).strip().lower()
    if text in ("yes", "true", "1", "on"):
        return "yes"
    if text in ("no", "false", "0", "off"):
        return "no"
    raise PolicyError(key, _("%(value)r is not yes or no") % {"value": value})


def _format_range(value: TimeRange) -> str:
    return "-".join("24:00" if t == time.max else t.strftime("%H:%M") for t in value)


@dataclass(frozen=True)
class Policy:
    """A room's effective policy, with helpers that turn local times into aware instants."""

    leave_allowance: timedelta
    claim_window: timedelta
    return_cooldown: timedelta
    step_out: timedelta
    protected_windows: tuple[TimeRange, ...]
    opening_hours: TimeRange
    values: dict[str, Any]

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Policy:
        merged = {**DEFAULTS, **values}
        return cls(
            leave_allowance=timedelta(minutes=int(merged["leave_allowance_minutes"])),
            claim_window=timedelta(minutes=int(merged["claim_window_minutes"])),
            return_cooldown=timedelta(minutes=int(merged["return_cooldown_minutes"])),
            step_out=timedelta(minutes=int(merged["step_out_minutes"])),
            protected_windows=parse_ranges("protected_windows", merged["protected_windows"]),
            opening_hours=parse_range("opening_hours", merged["opening_hours"]),
            values=merged,
        )

    @staticmethod
    def zone() -> ZoneInfo:
        return ZoneInfo(settings.TIME_ZONE)

    def _instant(self, day: date, moment: time) -> datetime:
        if moment == time.max:
            return datetime.combine(day + timedelta(days=1), time.min, tzinfo=self.zone())
        return datetime.combine(day, moment, tzinfo=self.zone())

    def local_day(self, now: datetime) -> date:
        return now.astimezone(self.zone()).date()

    def opening(self, now: datetime) -> tuple[datetime, datetime]:
        """Opening and closing instants of the local day that contains `now`."""
        day = self.local_day(now)
        return self._instant(day, self.opening_hours[0]), self._instant(day, self.opening_hours[1])

    def is_open(self, now: datetime) -> bool:
        opens, closes = self.opening(now)
        return opens <= now < closes

    def windows(self, now: datetime) -> list[tuple[datetime, datetime]]:
        day = self.local_day(now)
        return [(self._instant(day, s), self._instant(day, e)) for s, e in self.protected_windows]

    def protected_window_at(self, now: datetime) -> tuple[datetime, datetime] | None:
        for start, end in self.windows(now):
            if start <= now < end:
                return start, end
        return None

    def deadline(self, started_at: datetime) -> datetime:
        """started_at + allowance, pushed later by the time spent inside protected windows."""
        moment, remaining = started_at, self.leave_allowance
        for start, end in self.windows(started_at):
            if end <= moment:
                continue
            if start > moment:
                if moment + remaining <= start:
                    break
                remaining -= start - moment
            moment = max(moment, end)
        return moment + remaining
