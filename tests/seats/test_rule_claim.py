"""Spec §2.3 and §2.9: the second scan (二次扫码) takes the seat, only after the deadline."""

from __future__ import annotations

import pytest

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, Hold
from tests.conftest import at
from tests.seats.scans import current_hold, refused, scan, seat_held_by, situation

pytestmark = pytest.mark.django_db


def test_a_claim_before_the_deadline_is_too_early_and_says_how_long_to_wait(
    seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, alice, "claim", at("09:05"))
    assert (refusal.code, refusal.status, refusal.retry_after) == ("too_early", 409, 15 * 60)
    assert "09:20" in refusal.message
    assert refused(seat, alice, "claim", at("09:19")).retry_after == 60
    assert current_hold(seat, at("09:19")) is None


def test_a_claim_at_the_deadline_takes_the_seat_from_its_holder(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    bobs = seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))

    assert scan(seat, alice, "claim", at("09:20")) == "claimed"

    hold = current_hold(seat, at("09:21"))
    assert hold is not None
    assert (hold.reader, hold.source, hold.since) == (alice, Hold.Source.CLAIM, at("09:20"))
    assert hold.closes_at == at("22:30")
    bobs.refresh_from_db()
    assert (bobs.ended_at, bobs.end_reason) == (at("09:20"), Hold.EndReason.CLAIMED)
    challenge = Challenge.objects.get()
    assert (challenge.status, challenge.ended_at, challenge.ended_by) == (
        Challenge.Status.CLAIMED,
        at("09:20"),
        alice,
    )
    seen_by_alice = situation(seat, alice, at("09:21"))
    assert seen_by_alice.state == "held"
    assert seen_by_alice.is_mine(seen_by_alice.hold)
    assert not situation(seat, bob, at("09:21")).is_mine(seen_by_alice.hold)


def test_a_claim_on_the_last_minute_of_the_claim_window_succeeds(seat: Seat, alice: Reader) -> None:
    scan(seat, alice, "challenge", at("09:00"))
    assert scan(seat, alice, "claim", at("09:34")) == "claimed"


def test_the_challenge_lapses_at_the_end_of_the_claim_window(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, alice, "claim", at("09:35"))
    assert (refusal.code, refusal.status) == ("challenge_expired", 409)
    assert Challenge.objects.get().status == Challenge.Status.LAPSED
    # the seat stays bob's, and is no longer challenged
    assert current_hold(seat, at("09:35")).reader == bob  # type: ignore[union-attr]
    assert situation(seat, alice, at("09:35")).state == "held"


def test_only_the_challenger_may_claim(seat: Seat, alice: Reader, carol: Reader) -> None:
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, carol, "claim", at("09:20"))
    assert (refusal.code, refusal.status) == ("not_challenger", 403)
    assert scan(seat, alice, "claim", at("09:20")) == "claimed"


def test_a_claim_with_no_clock_running_is_refused(seat: Seat, alice: Reader) -> None:
    refusal = refused(seat, alice, "claim", at("09:00"))
    assert (refusal.code, refusal.status) == ("not_challenger", 403)
    assert "Start one first" in refusal.message


def test_claiming_a_seat_you_already_hold_says_so(seat: Seat, alice: Reader) -> None:
    scan(seat, alice, "challenge", at("09:00"))
    scan(seat, alice, "claim", at("09:20"))

    refusal = refused(seat, alice, "claim", at("09:21"))
    assert (refusal.code, refusal.status) == ("already_yours", 409)


def test_a_successful_claim_ends_the_claimants_other_hold(
    seat: Seat, other_seat: Seat, alice: Reader
) -> None:
    old = seat_held_by(other_seat, alice, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))
    assert current_hold(other_seat, at("09:19")) == old  # still hers while the clock runs

    scan(seat, alice, "claim", at("09:20"))

    old.refresh_from_db()
    assert (old.ended_at, old.end_reason) == (at("09:20"), Hold.EndReason.MOVED)
    assert situation(other_seat, alice, at("09:21")).state == "free"
    assert Hold.objects.filter(reader=alice, ended_at__isnull=True).get().seat == seat


def test_a_claim_may_complete_inside_a_protected_window(seat: Seat, alice: Reader) -> None:
    """Protected windows stop clocks from starting, not the challenger from sitting down."""
    scan(seat, alice, "challenge", at("11:10"))  # deadline 11:30, claim until 11:45

    assert scan(seat, alice, "claim", at("11:40")) == "claimed"


def test_a_claim_after_closing_is_refused_and_the_next_day_says_expired(
    seat: Seat, alice: Reader
) -> None:
    from tests.conftest import DAY

    scan(seat, alice, "challenge", at("22:05"))  # deadline 22:25, claim until 22:30

    assert refused(seat, alice, "claim", at("22:30")).code == "room_closed"
    next_morning = at("08:00", DAY.replace(day=DAY.day + 1))
    assert refused(seat, alice, "claim", next_morning).code == "challenge_expired"
