"""Entering during a booking's check-in window checks the reader in when the library turns
`gate_checkin` on (off by default: the seat's check-in stays the rule)."""

from __future__ import annotations

import pytest

from seatback.core import clock
from seatback.gates.models import Gate, GateEvent
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from seatback.reservations.models import Reservation
from seatback.reservations.services import reserve
from seatback.seats.models import Hold
from tests.conftest import at
from tests.gates.conftest import deliver, passage

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(room: Room, bob: Reader) -> Reservation:
    seat = Seat.objects.create(room=room, label="B-001", reservable=True)
    seat = Seat.objects.select_related("room__library").get(pk=seat.pk)
    return reserve(seat, bob, at("10:00"), at("12:00"), now=at("08:00"))


def test_by_default_entering_does_not_check_in(
    gate: Gate, booked: Reservation, bob: Reader
) -> None:
    clock.travel_to(at("09:50"))

    response = deliver(gate, passage("i-1", "in", bob.card_number, at("09:50")))

    assert response.json()["results"] == [{"id": "i-1", "outcome": "in"}]
    booked.refresh_from_db()
    assert booked.status == Reservation.Status.BOOKED
    assert not Hold.objects.exists()


def test_with_gate_checkin_entering_in_the_window_checks_in(
    gate: Gate, library: Library, booked: Reservation, bob: Reader
) -> None:
    library.policy = {"gate_checkin": "yes"}
    library.save()
    clock.travel_to(at("09:50"))

    response = deliver(gate, passage("i-1", "in", bob.card_number, at("09:50")))

    assert response.json()["results"] == [{"id": "i-1", "outcome": "checked_in"}]
    booked.refresh_from_db()
    assert booked.status == Reservation.Status.CHECKED_IN
    assert Hold.objects.get(ended_at__isnull=True).seat == booked.seat
    assert GateEvent.objects.get().outcome == "checked_in"


def test_with_gate_checkin_entering_before_the_window_does_not(
    gate: Gate, library: Library, booked: Reservation, bob: Reader
) -> None:
    library.policy = {"gate_checkin": "yes"}
    library.save()
    clock.travel_to(at("09:00"))

    response = deliver(gate, passage("i-1", "in", bob.card_number, at("09:00")))

    assert response.json()["results"] == [{"id": "i-1", "outcome": "in"}]
    booked.refresh_from_db()
    assert booked.status == Reservation.Status.BOOKED
