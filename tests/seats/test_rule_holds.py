"""Spec §2.4 and the other intents: withdraw, release, step out, check in, unknown intents."""

from __future__ import annotations

import pytest

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, Hold, ScanRecord
from tests.conftest import at
from tests.seats.scans import current_hold, refused, scan, seat_held_by, situation

pytestmark = pytest.mark.django_db


def test_the_challenger_may_withdraw_and_the_seat_is_as_before(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))

    assert scan(seat, alice, "withdraw", at("09:05")) == "withdrawn"

    challenge = Challenge.objects.get()
    assert (challenge.status, challenge.ended_at) == (Challenge.Status.WITHDRAWN, at("09:05"))
    assert situation(seat, bob, at("09:05")).state == "held"


def test_only_the_challenger_may_withdraw(seat: Seat, alice: Reader, bob: Reader) -> None:
    assert refused(seat, alice, "withdraw", at("09:00")).code == "not_challenger"
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, bob, "withdraw", at("09:05"))
    assert (refusal.code, refusal.status) == ("not_challenger", 403)


def test_a_holder_may_release_the_seat_when_leaving_for_good(
    seat: Seat, bob: Reader, carol: Reader
) -> None:
    hold = seat_held_by(seat, bob, at("08:00"))
    refusal = refused(seat, carol, "release", at("09:00"))
    assert (refusal.code, refusal.status) == ("not_holder", 403)

    assert scan(seat, bob, "release", at("09:00")) == "released"

    hold.refresh_from_db()
    assert (hold.ended_at, hold.end_reason) == (at("09:00"), Hold.EndReason.RELEASED)
    assert situation(seat, carol, at("09:00")).state == "free"
    assert refused(seat, bob, "release", at("09:01")).code == "not_holder"


def test_releasing_a_challenged_seat_leaves_the_challenge_running(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    """A holder who leaves for good gives the challenger the seat at the deadline."""
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))

    scan(seat, bob, "release", at("09:05"))

    assert situation(seat, alice, at("09:05")).state == "challenged"
    assert scan(seat, alice, "claim", at("09:20")) == "claimed"


def test_a_step_out_lasts_the_policy_default_unless_the_holder_says_less(
    seat: Seat, other_seat: Seat, bob: Reader, carol: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    seat_held_by(other_seat, carol, at("08:00"))

    assert scan(seat, bob, "step-out", at("09:00")) == "stepped_out"
    assert scan(other_seat, carol, "step-out", at("09:00"), minutes=5) == "stepped_out"

    assert current_hold(seat, at("09:00")).away_until == at("09:30")  # type: ignore[union-attr]
    assert current_hold(other_seat, at("09:00")).away_until == at("09:05")  # type: ignore[union-attr]


@pytest.mark.parametrize("minutes", [0, -5, 31])
def test_a_step_out_longer_than_the_policy_or_not_positive_is_refused(
    seat: Seat, bob: Reader, minutes: int
) -> None:
    seat_held_by(seat, bob, at("08:00"))

    refusal = refused(seat, bob, "step-out", at("09:00"), minutes=minutes)
    assert (refusal.code, refusal.status) == ("invalid_request", 400)
    assert "1 to 30 minutes" in refusal.message
    assert current_hold(seat, at("09:00")).away_until is None  # type: ignore[union-attr]


def test_a_step_out_never_outlasts_closing_time(seat: Seat, bob: Reader) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, bob, "step-out", at("22:15"))
    assert current_hold(seat, at("22:15")).away_until == at("22:30")  # type: ignore[union-attr]


def test_step_out_refusals(seat: Seat, alice: Reader, bob: Reader) -> None:
    assert refused(seat, alice, "step-out", at("09:00")).code == "not_holder"
    seat_held_by(seat, bob, at("08:00"))

    scan(seat, alice, "challenge", at("09:00"))
    refusal = refused(seat, bob, "step-out", at("09:05"))
    assert (refusal.code, refusal.status) == ("seat_challenged", 409)
    scan(seat, bob, "return", at("09:06"))

    scan(seat, bob, "step-out", at("09:10"))
    refusal = refused(seat, bob, "step-out", at("09:20"))
    assert (refusal.code, refusal.retry_after) == ("holder_away", 20 * 60)
    assert "09:40" in refusal.message

    assert refused(seat, bob, "step-out", at("22:30")).code == "room_closed"


def test_checkin_needs_a_reservation_and_nobody_has_one_yet(seat: Seat, alice: Reader) -> None:
    refusal = refused(seat, alice, "checkin", at("09:00"))
    assert (refusal.code, refusal.status) == ("not_reserved", 409)


def test_an_unknown_intent_is_refused_and_recorded(seat: Seat, alice: Reader) -> None:
    refusal = refused(seat, alice, "sit-forever", at("09:00"))

    assert (refusal.code, refusal.status) == ("invalid_intent", 400)
    record = ScanRecord.objects.get()
    assert (record.intent, record.outcome, record.accepted) == (
        "sit-forever",
        "invalid_intent",
        False,
    )
