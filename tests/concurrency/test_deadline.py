"""A claim racing a return at the deadline: exactly one wins, the other is cleanly refused."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from django.core.signals import request_started

from seatback.core import clock
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats import services
from seatback.seats.models import Challenge, Hold, ScanRecord
from tests.concurrency.race import Phone, together
from tests.conftest import at

ROUNDS = 6
EPSILON = timedelta(milliseconds=1)


@pytest.fixture
def scan_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, datetime]]:
    """Let each request read the time its intent is given in the returned dict.

    The server reads the clock once per request, in the view, before it locks anything.
    Real scans cannot be timed to the microsecond, so this pins the instants: a request
    whose path ends in an intent listed here reads that instant, everything else reads the
    normal (travelled) clock. It is per server thread (set by `request_started`, which runs
    in the thread that handles the request), so simultaneous requests read different times.
    """
    instants: dict[str, datetime] = {}
    current = threading.local()
    real_now = clock.now

    def remember(sender: object, environ: dict[str, Any], **kwargs: object) -> None:
        current.intent = environ.get("PATH_INFO", "").rstrip("/").rsplit("/", 1)[-1]

    def now() -> datetime:
        return instants.get(getattr(current, "intent", "")) or real_now()

    request_started.connect(remember)
    monkeypatch.setattr(clock, "now", now)
    try:
        yield instants
    finally:
        request_started.disconnect(remember)


def test_claim_and_return_straddling_the_deadline(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
    scan_clock: dict[str, datetime],
) -> None:
    """The occupant's return reaches the server 1 ms before the deadline, the challenger's
    claim 1 ms after it, and both reach the seat lock at the same instant.

    Each is allowed at its own instant (return: now < deadline; claim: now >= deadline), so
    the lock decides. Whichever transaction goes first wins; the second sees the changed
    seat and is refused cleanly: a claim after the return gets 403 `not_challenger` (the
    clock was cancelled), a return after the claim gets 409 `nothing_to_return` (no clock
    is running; the seat has passed on). Never both, never neither, never a 500. Six rounds
    on fresh seats, each with its own challenger and occupant; the tally of which side won
    is printed.
    """
    seats = new_seats(ROUNDS)
    challengers = new_readers(ROUNDS)
    occupants = new_readers(ROUNDS)
    started = at("09:00")
    for seat, challenger in zip(seats, challengers, strict=True):
        services.perform(seat, challenger, "challenge", now=started)
    (deadline,) = set(Challenge.objects.values_list("deadline", flat=True))
    assert deadline == started + timedelta(minutes=20)
    scan_clock["return"] = deadline - EPSILON
    scan_clock["claim"] = deadline + EPSILON

    challenger_phones = phones(challengers)
    occupant_phones = phones(occupants)
    winners: Counter[str] = Counter()
    for seat, challenger_phone, occupant_phone in zip(
        seats, challenger_phones, occupant_phones, strict=True
    ):
        claim, back = together(
            [
                partial(challenger_phone.intent, seat.code, "claim"),
                partial(occupant_phone.intent, seat.code, "return"),
            ]
        )
        outcome = {claim.label, back.label}
        assert outcome in (
            {"200 claimed", "409 nothing_to_return"},
            {"200 returned", "403 not_challenger"},
        ), outcome
        challenge = Challenge.objects.get(seat=seat)
        (holder,) = Hold.objects.filter(seat=seat, ended_at__isnull=True)
        if claim.status == 200:
            winners["claim"] += 1
            assert challenge.status == Challenge.Status.CLAIMED
            assert holder.reader.card_number == challenger_phone.card_number
            assert holder.source == Hold.Source.CLAIM
        else:
            winners["return"] += 1
            assert challenge.status == Challenge.Status.RETURNED
            assert holder.reader.card_number == occupant_phone.card_number
            assert holder.source == Hold.Source.RETURN
        assert ScanRecord.objects.filter(seat=seat, intent__in=("claim", "return")).count() == 2
    print(f"\ndeadline race: {dict(winners)} over {ROUNDS} rounds")
