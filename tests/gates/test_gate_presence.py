"""With presence `gate`, a scan counts only from a reader who is inside the building."""

from __future__ import annotations

import pytest
from django.utils import translation

from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.gates.models import Gate
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.seats.models import ScanRecord
from seatback.seats.services import perform
from tests.conftest import at
from tests.gates.conftest import deliver, passage
from tests.presence.conftest import ask

pytestmark = pytest.mark.django_db


def refusal_of(seat: Seat, reader: Reader, hhmm: str) -> Refusal:
    # (a request through the test client leaves its language active: ask in English)
    with translation.override("en"), pytest.raises(Refusal) as refused:
        perform(seat, reader, "challenge", now=at(hhmm))
    return refused.value


def test_a_scan_from_someone_outside_is_refused(
    gate: Gate, room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, presence="gate")
    clock.travel_to(at("09:00"))
    deliver(gate, passage("i-1", "in", alice.card_number, at("08:00")))
    deliver(gate, passage("o-1", "out", alice.card_number, at("08:50")))

    refusal = refusal_of(seat, alice, "09:00")

    assert refusal.code == "not_present"
    assert refusal.extra["reasons"] == {"gate": "left"}
    assert "library gate" in refusal.message
    assert ScanRecord.objects.get().evidence["gate"]["reason"] == "left"


def test_a_scan_from_someone_who_never_came_through_a_gate_is_refused(
    gate: Gate, room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, presence="gate")

    assert refusal_of(seat, alice, "09:00").extra["reasons"] == {"gate": "no_gate_events"}


def test_a_scan_from_someone_inside_counts(
    gate: Gate, room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, presence="gate")
    clock.travel_to(at("09:00"))
    deliver(gate, passage("i-1", "in", alice.card_number, at("08:40")))

    assert perform(seat, alice, "challenge", now=at("09:00")).outcome == "challenge_started"
    assert ScanRecord.objects.get().evidence["passed"] == ["gate"]


def test_an_entry_before_last_nights_closing_does_not_count(
    gate: Gate, room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, presence="gate", gate_hours=48)
    clock.travel_to(at("22:00"))
    deliver(gate, passage("i-1", "in", alice.card_number, at("21:00")))  # never swiped out
    tomorrow_morning = at("08:00").replace(day=2)

    with pytest.raises(Refusal) as refused:
        perform(seat, alice, "challenge", now=tomorrow_morning)

    assert refused.value.extra["reasons"] == {"gate": "entered_before_closing"}


def test_an_entry_longer_ago_than_gate_hours_does_not_count(
    gate: Gate, room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, presence="gate", gate_hours=1)
    clock.travel_to(at("09:00"))
    deliver(gate, passage("i-1", "in", alice.card_number, at("07:30")))

    assert refusal_of(seat, alice, "09:00").extra["reasons"] == {"gate": "entered_too_long_ago"}
