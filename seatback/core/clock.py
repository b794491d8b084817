"""The one place the server reads the time. Tests may move it; nothing else can."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

_offset = timedelta(0)


def now() -> datetime:
    return timezone.now() + _offset


def travel(delta: timedelta) -> None:
    """Move the server clock forward (or back) by delta. Tests only."""
    global _offset
    if not settings.CLOCK_ADJUSTABLE:
        raise RuntimeError("the clock can only be moved in tests")
    _offset += delta


def travel_to(moment: datetime) -> None:
    """Set the server clock so that now() reads `moment`. Tests only."""
    travel(moment - now())


def reset() -> None:
    global _offset
    _offset = timedelta(0)


def midday_zone(moment: datetime) -> str:
    """A fixed-offset zone (Etc/GMT-8 is eight hours east) in which `moment` falls between
    12:00 and 13:00. Servers started by tests and benchmarks run in it: they read the wall
    clock, and at a room's closing time (midnight, even for a room open 00:00-24:00) holds
    end, and no clock may start in the allowance before it."""
    hours = 12 - moment.astimezone(UTC).hour  # -11 .. +12: every one a real Etc zone
    return "Etc/GMT" + (f"{-hours:+d}" if hours else "")
