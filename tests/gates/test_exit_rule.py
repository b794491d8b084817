"""Going out through an entrance gate: the seat is protected as a step-out, and the hold ends
at the right minute if the reader is not back in (controlled clock); back in time keeps it;
leaving while a clock runs on the seat gives no "I'm back"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.gates.models import Gate, GateStepOut
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.seats.models import Hold, ScanRecord
from seatback.seats.services import Situation, perform
from tests.conftest import at
from tests.gates.conftest import deliver, hold_seat, passage

pytestmark = pytest.mark.django_db


def state(seat: Seat, reader: Reader, hhmm: str, seconds: int = 0) -> str:
    return Situation.read(seat, reader, at(hhmm) + timedelta(seconds=seconds)).state


def test_out_and_not_back_ends_the_hold_at_the_minute(
    gate: Gate, seat: Seat, bob: Reader, alice: Reader
) -> None:
    hold_seat(seat, bob, at("08:30"))
    clock.travel_to(at("10:00"))

    response = deliver(gate, passage("o-1", "out", bob.card_number, at("10:00")))

    assert response.json()["results"] == [{"id": "o-1", "outcome": "stepped_out"}]
    # Protected like a step-out for the 30 minutes of gate_exit_minutes ...
    assert state(seat, alice, "10:29", 59) == "away"
    with pytest.raises(Refusal) as refused:
        perform(seat, alice, "challenge", now=at("10:15"))
    assert refused.value.code == "holder_away"
    # ... and at 10:30 the seat is free: bob's hold is over.
    assert state(seat, alice, "10:30") == "free"
    assert perform(seat, alice, "challenge", now=at("10:30")).outcome == "challenge_started"
    step = ScanRecord.objects.get(intent="step-out")
    assert (step.reader, step.at, step.client) == (bob, at("10:00"), "gate east-1")


def test_a_shorter_policy_ends_the_hold_sooner(
    gate: Gate, room: Room, seat: Seat, bob: Reader, alice: Reader
) -> None:
    room.policy = {"gate_exit_minutes": 10}
    room.save()
    hold_seat(seat, bob, at("08:30"))
    clock.travel_to(at("10:00"))

    deliver(gate, passage("o-1", "out", bob.card_number, at("10:00")))

    assert state(seat, alice, "10:09", 59) == "away"
    assert state(seat, alice, "10:10") == "free"


def test_back_in_time_keeps_the_seat(gate: Gate, seat: Seat, bob: Reader, alice: Reader) -> None:
    hold = hold_seat(seat, bob, at("08:30"))
    clock.travel_to(at("10:00"))
    deliver(gate, passage("o-1", "out", bob.card_number, at("10:00")))
    clock.travel_to(at("10:20"))

    response = deliver(gate, passage("i-1", "in", bob.card_number, at("10:20")))

    assert response.json()["results"] == [{"id": "i-1", "outcome": "back"}]
    assert state(seat, alice, "10:31") == "held"
    hold.refresh_from_db()
    assert hold.closes_at == at("22:30") and hold.away_until == at("10:20")
    assert GateStepOut.objects.get().back_at == at("10:20")


def test_back_too_late_does_not_bring_the_seat_back(
    gate: Gate, seat: Seat, bob: Reader, alice: Reader
) -> None:
    hold_seat(seat, bob, at("08:30"))
    clock.travel_to(at("10:00"))
    deliver(gate, passage("o-1", "out", bob.card_number, at("10:00")))
    clock.travel_to(at("10:45"))

    response = deliver(gate, passage("i-1", "in", bob.card_number, at("10:45")))

    assert response.json()["results"] == [{"id": "i-1", "outcome": "in"}]
    assert state(seat, alice, "10:46") == "free"
    assert GateStepOut.objects.get().back_at == at("10:45")  # that step-out is over


def test_exits_do_nothing_to_seats_when_the_policy_says_zero(
    gate: Gate, library: object, seat: Seat, bob: Reader, alice: Reader
) -> None:
    seat.room.library.policy = {"gate_exit_minutes": 0}
    seat.room.library.save()
    hold_seat(seat, bob, at("08:30"))
    clock.travel_to(at("10:00"))

    response = deliver(gate, passage("o-1", "out", bob.card_number, at("10:00")))

    assert response.json()["results"] == [{"id": "o-1", "outcome": "out"}]
    assert state(seat, alice, "11:00") == "held"


def test_leaving_while_the_clock_runs_loses_im_back(
    gate: Gate, seat: Seat, bob: Reader, alice: Reader
) -> None:
    hold_seat(seat, bob, at("08:30"))
    perform(seat, alice, "challenge", now=at("09:00"))
    clock.travel_to(at("09:05"))

    out = deliver(gate, passage("o-1", "out", bob.card_number, at("09:05")))
    clock.travel_to(at("09:10"))
    deliver(gate, passage("i-1", "in", bob.card_number, at("09:10")))

    assert out.json()["results"] == [{"id": "o-1", "outcome": "left_while_challenged"}]
    assert "return" not in Situation.read(seat, bob, at("09:12")).actions()
    with translation.override("en"), pytest.raises(Refusal) as refused:
        perform(seat, bob, "return", now=at("09:12"))
    assert refused.value.code == "not_present"
    assert "went out through the gate" in refused.value.message
    # The clock runs out and alice takes the seat.
    assert perform(seat, alice, "claim", now=at("09:20")).outcome == "claimed"


def test_staying_in_while_the_clock_runs_keeps_im_back(
    gate: Gate, seat: Seat, bob: Reader, alice: Reader
) -> None:
    hold_seat(seat, bob, at("08:30"))
    perform(seat, alice, "challenge", now=at("09:00"))

    assert perform(seat, bob, "return", now=at("09:12")).outcome == "returned"
    assert Hold.objects.get(ended_at__isnull=True).reader == bob
