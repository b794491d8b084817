"""Spec §2.2: the occupant comes back (回座) before the clock runs out and keeps the seat."""

from __future__ import annotations

import pytest

from seatback.core import live
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, Hold
from tests.conftest import at
from tests.seats.scans import current_hold, refused, scan, seat_held_by, situation

pytestmark = pytest.mark.django_db


def test_the_holder_returns_before_the_deadline_and_keeps_the_seat(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    hold = seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))

    assert scan(seat, bob, "return", at("09:19")) == "returned"

    challenge = Challenge.objects.get()
    assert (challenge.status, challenge.ended_at, challenge.ended_by) == (
        Challenge.Status.RETURNED,
        at("09:19"),
        bob,
    )
    assert current_hold(seat, at("09:20")) == hold
    seen_by_alice = situation(seat, alice, at("09:20"))
    assert (seen_by_alice.state, seen_by_alice.challenge) == ("held", None)
    assert "claim" not in seen_by_alice.actions()
    assert refused(seat, alice, "claim", at("09:20")).code == "not_challenger"


def test_a_return_tells_the_challengers_page_at_once(
    seat: Seat, alice: Reader, bob: Reader, django_capture_on_commit_callbacks
) -> None:
    """The watching page polls the seat's change token; a return must change it."""
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))
    before = live.token(seat.pk)

    with django_capture_on_commit_callbacks(execute=True):
        scan(seat, bob, "return", at("09:05"))

    assert live.token(seat.pk) != before


def test_a_return_at_or_after_the_deadline_is_too_late(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, bob, "return", at("09:20"))
    assert (refusal.code, refusal.status) == ("challenge_expired", 409)
    assert "09:20" in refusal.message
    assert refused(seat, bob, "return", at("09:30")).code == "challenge_expired"
    assert scan(seat, alice, "claim", at("09:30")) == "claimed"


def test_when_the_holder_is_known_only_they_may_return(
    seat: Seat, alice: Reader, bob: Reader, carol: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, carol, "return", at("09:05"))
    assert (refusal.code, refusal.status) == ("not_holder", 403)
    assert Challenge.objects.get().status == Challenge.Status.PENDING


def test_the_challenger_cannot_return_and_is_told_to_withdraw(seat: Seat, alice: Reader) -> None:
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, alice, "return", at("09:05"))
    assert (refusal.code, refusal.status) == ("not_holder", 403)
    assert "withdraw" in refusal.message


def test_when_the_occupant_is_unknown_whoever_returns_becomes_the_known_holder(
    seat: Seat, alice: Reader, bob: Reader, carol: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"))  # belongings, nobody the system knows

    assert scan(seat, bob, "return", at("09:10")) == "returned"

    hold = current_hold(seat, at("09:10"))
    assert hold is not None
    assert (hold.reader, hold.source, hold.since) == (bob, Hold.Source.RETURN, at("09:10"))
    # From now on only bob may return: the next challenge cannot be answered by carol.
    scan(seat, alice, "challenge", at("09:30"))
    assert refused(seat, carol, "return", at("09:35")).code == "not_holder"
    assert scan(seat, bob, "return", at("09:35")) == "returned"


def test_returning_to_an_unknown_seat_moves_the_returners_other_hold(
    seat: Seat, other_seat: Seat, alice: Reader, carol: Reader
) -> None:
    """A reader holds one seat at most: returning to this one gives up the other."""
    old = seat_held_by(other_seat, carol, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))

    scan(seat, carol, "return", at("09:05"))

    old.refresh_from_db()
    assert (old.ended_at, old.end_reason) == (at("09:05"), Hold.EndReason.MOVED)
    assert current_hold(seat, at("09:05")).reader == carol  # type: ignore[union-attr]


def test_return_with_no_clock_running_has_nothing_to_return(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    assert refused(seat, alice, "return", at("09:00")).code == "nothing_to_return"
    seat_held_by(seat, bob, at("08:00"))
    refusal = refused(seat, bob, "return", at("09:00"))  # held, not away, not challenged
    assert (refusal.code, refusal.status) == ("nothing_to_return", 409)


def test_the_holder_ends_a_step_out_with_return(seat: Seat, alice: Reader, bob: Reader) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, bob, "step-out", at("09:00"))
    assert refused(seat, alice, "return", at("09:05")).code == "nothing_to_return"

    assert scan(seat, bob, "return", at("09:05")) == "returned"

    hold = current_hold(seat, at("09:05"))
    assert hold is not None and hold.away_until == at("09:05")  # the step-out ended then
    assert situation(seat, bob, at("09:05")).state == "held"


def test_a_new_step_out_waits_a_cooldown_after_the_last_one_ended(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    """Back-to-back step-outs (tap return, tap step out, from anywhere) would protect a
    seat all day: after a step-out ends, by return or by running out, the seat is open to
    challenge for the return cooldown (10 min) before the holder may step out again."""
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, bob, "step-out", at("09:00"))
    scan(seat, bob, "return", at("09:05"))

    refusal = refused(seat, bob, "step-out", at("09:06"))
    assert (refusal.code, refusal.retry_after) == ("cooldown", 9 * 60)
    assert "step-out" not in situation(seat, bob, at("09:06")).actions()
    assert "challenge" in situation(seat, alice, at("09:06")).actions()
    assert scan(seat, bob, "step-out", at("09:15")) == "stepped_out"

    # the same after a step-out that simply ran out (09:15 + 30 min = 09:45)
    assert refused(seat, bob, "step-out", at("09:50")).code == "cooldown"
    assert scan(seat, bob, "step-out", at("09:55")) == "stepped_out"


def test_ending_a_step_out_starts_no_cooldown(seat: Seat, alice: Reader, bob: Reader) -> None:
    """The cooldown follows a return that answered a clock; coming back from a declared
    step-out only lifts the protection the holder asked for, so the seat is an ordinary
    held seat again."""
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, bob, "step-out", at("09:00"))
    scan(seat, bob, "return", at("09:05"))

    assert scan(seat, alice, "challenge", at("09:06")) == "challenge_started"


def test_a_holder_back_from_a_step_out_that_ran_out_has_nothing_to_return(
    seat: Seat, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, bob, "step-out", at("09:00"))

    assert refused(seat, bob, "return", at("09:30")).code == "nothing_to_return"
    assert current_hold(seat, at("09:30")).reader == bob  # type: ignore[union-attr]


def test_the_holder_may_return_during_a_protected_window(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    """A window stops new clocks, not a holder coming back from lunch to a running one."""
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("11:20"))  # deadline 13:10

    assert scan(seat, bob, "return", at("12:30")) == "returned"
    # the cooldown runs during the window too, and ends before it does
    assert situation(seat, alice, at("13:00")).cooldown_until is None
