"""Small helpers for the rule tests: scan a seat at a given instant, or expect a refusal."""

from __future__ import annotations

from datetime import datetime

import pytest

from seatback.core.errors import Refusal
from seatback.library.models import Seat
from seatback.presence.evidence import Evidence
from seatback.readers.models import Reader
from seatback.seats import services
from seatback.seats.models import Challenge, Hold
from seatback.seats.services import Situation


def scan(
    seat: Seat,
    reader: Reader,
    intent: str,
    when: datetime,
    *,
    minutes: int | None = None,
    evidence: Evidence | None = None,
) -> str:
    """Perform an intent that must succeed; return its outcome."""
    return services.perform(
        seat, reader, intent, now=when, minutes=minutes, evidence=evidence
    ).outcome


def refused(
    seat: Seat,
    reader: Reader,
    intent: str,
    when: datetime,
    *,
    minutes: int | None = None,
    evidence: Evidence | None = None,
) -> Refusal:
    """Perform an intent that must be refused; return the Refusal."""
    with pytest.raises(Refusal) as info:
        services.perform(seat, reader, intent, now=when, minutes=minutes, evidence=evidence)
    return info.value


def situation(seat: Seat, reader: Reader | None, when: datetime) -> Situation:
    """The seat as `reader` sees it at `when`, read fresh from the database."""
    fresh = Seat.objects.select_related("room__library").get(pk=seat.pk)
    return Situation.read(fresh, reader, when)


def current_hold(seat: Seat, when: datetime) -> Hold | None:
    return situation(seat, None, when).hold


def pending_challenge(seat: Seat, when: datetime) -> Challenge | None:
    return situation(seat, None, when).challenge


def seat_held_by(seat: Seat, reader: Reader, since: datetime) -> Hold:
    """Make `reader` the seat's known holder, as a check-in would (closes at 22:30)."""
    policy = seat.room.effective_policy()
    return Hold.objects.create(
        seat=seat,
        reader=reader,
        source=Hold.Source.CHECKIN,
        since=since,
        closes_at=policy.opening(since)[1],
    )
