"""The one place the server reads the time. Tests may move it; nothing else can."""

from __future__ import annotations

from datetime import datetime, timedelta

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
