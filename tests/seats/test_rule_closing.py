"""Spec §2.7: at closing time every hold ends and every pending challenge lapses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, Hold
from seatback.seats.services import settle_room_and_reader_rows
from tests.conftest import DAY, at
from tests.seats.scans import current_hold, refused, scan, seat_held_by, situation

pytestmark = pytest.mark.django_db

NEXT_DAY = DAY + timedelta(days=1)


def test_holds_end_at_closing_time(seat: Seat, bob: Reader) -> None:
    seat_held_by(seat, bob, at("08:00"))

    assert situation(seat, bob, at("22:29")).state == "held"
    assert situation(seat, bob, at("22:30")).state == "closed"
    assert current_hold(seat, at("22:30")) is None
    # the next morning the seat is free, and bob holds nothing
    morning = situation(seat, bob, at("07:00", NEXT_DAY))
    assert (morning.state, morning.hold, morning.reader_hold) == ("free", None, None)
    assert refused(seat, bob, "release", at("07:00", NEXT_DAY)).code == "not_holder"


def test_a_challenge_lapses_at_closing_time_even_inside_its_claim_window(
    seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("22:09"))  # deadline 22:29, claim until 22:30

    assert scan(seat, alice, "claim", at("22:29")) == "claimed"


def test_an_unclaimed_late_challenge_lapses_at_closing(seat: Seat, alice: Reader) -> None:
    scan(seat, alice, "challenge", at("22:05"))

    pending_at_close = situation(seat, alice, at("22:29")).challenge
    assert pending_at_close is not None
    assert pending_at_close.claim_until == at("22:30")
    assert situation(seat, alice, at("22:30")).challenge is None
    assert refused(seat, alice, "claim", at("22:30")).code == "room_closed"


def test_yesterdays_rows_never_block_today(
    seat: Seat, other_seat: Seat, alice: Reader, bob: Reader, carol: Reader
) -> None:
    """Rows that ran out overnight are settled by the next scan, so the one-per-reader and
    one-per-seat constraints see the truth: nobody is stuck with yesterday's clock or seat."""
    seat_held_by(seat, bob, at("08:00"))
    scan(other_seat, alice, "challenge", at("22:05"))  # lapses unclaimed at 22:30

    morning = at("07:30", NEXT_DAY)
    # alice may start a new clock on another seat, carol on alice's old seat
    assert scan(seat, alice, "challenge", morning) == "challenge_started"
    assert scan(other_seat, carol, "challenge", morning) == "challenge_started"
    # bob's hold of yesterday ended at closing; answering carol's clock makes him the
    # known holder of another seat today
    assert scan(other_seat, bob, "return", morning) == "returned"
    assert current_hold(other_seat, morning).reader == bob  # type: ignore[union-attr]

    old = Hold.objects.get(seat=seat, reader=bob)
    assert (old.ended_at, old.end_reason) == (at("22:30"), Hold.EndReason.CLOSED)
    assert Challenge.objects.get(seat=other_seat, challenger=alice).status == "lapsed"
    assert Challenge.objects.get(seat=other_seat, challenger=alice).ended_at == at("22:30")


def test_housekeeping_settles_every_run_out_row(
    seat: Seat, other_seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(other_seat, alice, "challenge", at("22:05"))

    assert settle_room_and_reader_rows(at("22:29")) == (0, 0)
    assert settle_room_and_reader_rows(at("22:30")) == (1, 1)
    assert settle_room_and_reader_rows(at("22:31")) == (0, 0)
