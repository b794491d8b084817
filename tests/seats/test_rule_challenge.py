"""Spec §2.1, 2.5, 2.6, 2.9: starting the allowance clock (一次扫码), and every refusal of it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge
from tests.conftest import at
from tests.seats.scans import pending_challenge, refused, scan, seat_held_by, situation

pytestmark = pytest.mark.django_db


def test_a_challenge_starts_the_default_20_minute_allowance_and_15_minute_claim_window(
    seat: Seat, alice: Reader
) -> None:
    assert scan(seat, alice, "challenge", at("09:00")) == "challenge_started"

    challenge = Challenge.objects.get()
    assert (challenge.seat, challenge.challenger) == (seat, alice)
    assert challenge.status == Challenge.Status.PENDING
    assert challenge.started_at == at("09:00")
    assert challenge.deadline == at("09:20")
    assert challenge.claim_until == at("09:35")
    assert situation(seat, alice, at("09:01")).state == "challenged"


def test_a_seat_with_a_known_holder_can_be_challenged(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    assert situation(seat, alice, at("09:00")).state == "held"

    assert scan(seat, alice, "challenge", at("09:00")) == "challenge_started"
    assert situation(seat, alice, at("09:00")).state == "challenged"


def test_someone_elses_pending_challenge_refuses_a_second_challenger(
    seat: Seat, alice: Reader, carol: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, carol, "challenge", at("09:05"))
    assert (refusal.code, refusal.status) == ("seat_challenged", 409)
    # still refused inside the claim window, after the deadline
    assert refused(seat, carol, "challenge", at("09:30")).code == "seat_challenged"
    assert Challenge.objects.count() == 1


def test_challenging_the_same_seat_twice_says_your_clock_is_already_running(
    seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(seat, alice, "challenge", at("09:05"))
    assert refusal.code == "has_active_challenge"
    assert "already running" in refusal.message


def test_a_reader_has_at_most_one_pending_challenge(
    seat: Seat, other_seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"))

    refusal = refused(other_seat, alice, "challenge", at("09:01"))
    assert (refusal.code, refusal.status) == ("has_active_challenge", 409)
    assert pending_challenge(other_seat, at("09:01")) is None


def test_after_withdrawing_the_reader_may_challenge_elsewhere(
    seat: Seat, other_seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"))
    scan(seat, alice, "withdraw", at("09:02"))

    assert scan(other_seat, alice, "challenge", at("09:03")) == "challenge_started"


def test_after_a_challenge_lapses_the_reader_may_challenge_again(
    seat: Seat, other_seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"))  # claim window ends 09:35

    assert refused(other_seat, alice, "challenge", at("09:34")).code == "has_active_challenge"
    assert scan(other_seat, alice, "challenge", at("09:35")) == "challenge_started"
    assert Challenge.objects.get(seat=seat).status == Challenge.Status.LAPSED


def test_the_holder_cannot_challenge_their_own_seat(seat: Seat, bob: Reader) -> None:
    seat_held_by(seat, bob, at("08:00"))

    refusal = refused(seat, bob, "challenge", at("09:00"))
    assert (refusal.code, refusal.status) == ("already_yours", 409)


def test_a_banned_reader_can_do_nothing_until_the_ban_ends(
    seat: Seat, other_seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(other_seat, bob, at("08:00"))
    Reader.objects.filter(pk=bob.pk).update(banned_until=at("10:00"), ban_reason="no-shows")
    seat_held_by(seat, alice, at("08:00"))

    for target, intent in [
        (seat, "challenge"),
        (seat, "claim"),
        (seat, "return"),
        (seat, "withdraw"),
        (seat, "step-out"),
        (other_seat, "release"),
        (other_seat, "step-out"),
    ]:
        refusal = refused(target, bob, intent, at("09:00"))
        assert (refusal.code, refusal.status) == ("banned", 403), intent
    bob.refresh_from_db()
    assert situation(seat, bob, at("09:00")).actions() == []

    assert scan(seat, bob, "challenge", at("10:00")) == "challenge_started"


def test_no_challenge_can_start_inside_a_protected_window(seat: Seat, alice: Reader) -> None:
    for when in ("11:30", "12:00", "12:59", "17:30", "18:29"):
        refusal = refused(seat, alice, "challenge", at(when))
        assert (refusal.code, refusal.status) == ("protected_window", 409), when
    assert Challenge.objects.count() == 0


def test_a_protected_window_refusal_says_when_it_ends_with_retry_after(
    seat: Seat, alice: Reader
) -> None:
    refusal = refused(seat, alice, "challenge", at("12:50"))

    assert refusal.retry_after == 10 * 60
    assert "13:00" in refusal.message
    assert scan(seat, alice, "challenge", at("13:00")) == "challenge_started"


def test_time_inside_a_protected_window_does_not_count_toward_the_allowance(
    seat: Seat, alice: Reader
) -> None:
    """A challenge at 11:20 has 10 minutes before lunch (11:30-13:00) and 10 after: 13:10."""
    scan(seat, alice, "challenge", at("11:20"))

    challenge = Challenge.objects.get()
    assert challenge.deadline == at("13:10")
    assert challenge.claim_until == at("13:25")
    refusal = refused(seat, alice, "claim", at("13:09"))
    assert (refusal.code, refusal.retry_after) == ("too_early", 60)
    assert scan(seat, alice, "claim", at("13:10")) == "claimed"


def test_an_allowance_that_ends_exactly_when_a_window_starts_is_not_extended(
    seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("11:10"))
    assert Challenge.objects.get().deadline == at("11:30")


def test_the_evening_window_moves_the_deadline_too(seat: Seat, alice: Reader) -> None:
    scan(seat, alice, "challenge", at("17:25"))  # 5 minutes, then 18:30 + 15 minutes
    assert Challenge.objects.get().deadline == at("18:45")


def test_a_challenge_is_refused_outside_opening_hours(seat: Seat, alice: Reader) -> None:
    for when in ("06:59", "22:30", "23:59"):
        refusal = refused(seat, alice, "challenge", at(when))
        assert (refusal.code, refusal.status) == ("room_closed", 409), when
    assert scan(seat, alice, "challenge", at("07:00")) == "challenge_started"


def test_a_challenge_whose_deadline_would_pass_closing_time_is_refused(
    seat: Seat, alice: Reader
) -> None:
    refusal = refused(seat, alice, "challenge", at("22:10"))  # deadline would be 22:30
    assert (refusal.code, refusal.status) == ("room_closed", 409)
    assert "22:30" in refusal.message

    assert scan(seat, alice, "challenge", at("22:09")) == "challenge_started"
    challenge = Challenge.objects.get()
    assert (challenge.deadline, challenge.claim_until) == (at("22:29"), at("22:30"))


def test_a_closed_room_or_an_inactive_seat_refuses_challenges(
    room: Room, seat: Seat, alice: Reader
) -> None:
    Room.objects.filter(pk=room.pk).update(active=False)
    assert refused(seat, alice, "challenge", at("09:00")).code == "room_closed"
    assert situation(seat, alice, at("09:00")).state == "closed"

    Room.objects.filter(pk=room.pk).update(active=True)
    Seat.objects.filter(pk=seat.pk).update(active=False)
    assert refused(seat, alice, "challenge", at("09:00")).code == "room_closed"


def test_a_holder_who_stepped_out_is_protected_until_it_runs_out(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    assert scan(seat, bob, "step-out", at("09:00")) == "stepped_out"  # default 30 minutes

    refusal = refused(seat, alice, "challenge", at("09:10"))
    assert (refusal.code, refusal.status, refusal.retry_after) == ("holder_away", 409, 20 * 60)
    assert "09:30" in refusal.message
    assert situation(seat, alice, at("09:29")).state == "away"

    # After it runs out the seat is an ordinary held seat: anyone may challenge it.
    assert situation(seat, alice, at("09:30")).state == "held"
    assert scan(seat, alice, "challenge", at("09:30")) == "challenge_started"


def test_a_shorter_declared_step_out_protects_only_that_long(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, bob, "step-out", at("09:00"), minutes=10)

    assert refused(seat, alice, "challenge", at("09:09")).retry_after == 60
    assert scan(seat, alice, "challenge", at("09:10")) == "challenge_started"


def test_after_a_return_the_seat_cannot_be_challenged_during_the_cooldown(
    seat: Seat, alice: Reader, bob: Reader, carol: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))
    scan(seat, bob, "return", at("09:05"))  # cooldown until 09:15

    for reader in (alice, carol):
        refusal = refused(seat, reader, "challenge", at("09:10"))
        assert (refusal.code, refusal.status, refusal.retry_after) == ("cooldown", 409, 300)
    assert "09:15" in refused(seat, carol, "challenge", at("09:14")).message
    assert "challenge" not in situation(seat, carol, at("09:14")).actions()

    assert scan(seat, carol, "challenge", at("09:15")) == "challenge_started"


def test_a_withdrawn_challenge_starts_no_cooldown(seat: Seat, alice: Reader, carol: Reader) -> None:
    """Only a return (the occupant came back) protects the seat; a withdrawal does not."""
    scan(seat, alice, "challenge", at("09:00"))
    scan(seat, alice, "withdraw", at("09:01"))

    assert scan(seat, carol, "challenge", at("09:01")) == "challenge_started"


def test_retry_after_is_whole_seconds_rounded_up(seat: Seat, alice: Reader, bob: Reader) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, bob, "step-out", at("09:00"))

    refusal = refused(seat, alice, "challenge", at("09:10") + timedelta(milliseconds=1))
    assert refusal.retry_after == 20 * 60  # 1199.999 s → 1200
