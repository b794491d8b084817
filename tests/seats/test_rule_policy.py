"""The rule follows the policy: library defaults, overridden per room (spec §2, Policy)."""

from __future__ import annotations

import pytest

from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge
from tests.conftest import at
from tests.seats.scans import refused, scan, seat_held_by, situation

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_room(library: Library) -> Room:
    """A silent study room with its own, stricter rules."""
    return Room.objects.create(
        library=library,
        name="三楼静音室",
        floor="3",
        policy={
            "leave_allowance_minutes": 5,
            "claim_window_minutes": 3,
            "return_cooldown_minutes": 2,
            "step_out_minutes": 10,
            "protected_windows": "12:00-12:30",
            "opening_hours": "08:00-21:00",
        },
    )


@pytest.fixture
def quiet_seat(quiet_room: Room) -> Seat:
    return Seat.objects.create(room=quiet_room, label="Q-01")


def test_a_rooms_own_allowance_and_claim_window_apply_to_its_seats(
    seat: Seat, quiet_seat: Seat, alice: Reader, carol: Reader
) -> None:
    scan(quiet_seat, alice, "challenge", at("09:00"))
    scan(seat, carol, "challenge", at("09:00"))

    quiet = Challenge.objects.get(seat=quiet_seat)
    assert (quiet.deadline, quiet.claim_until) == (at("09:05"), at("09:08"))
    ordinary = Challenge.objects.get(seat=seat)  # the library defaults, untouched
    assert (ordinary.deadline, ordinary.claim_until) == (at("09:20"), at("09:35"))
    assert refused(quiet_seat, alice, "claim", at("09:08")).code == "challenge_expired"


def test_a_rooms_own_protected_windows_replace_the_librarys(
    quiet_seat: Seat, alice: Reader, carol: Reader
) -> None:
    assert scan(quiet_seat, alice, "challenge", at("11:45")) == "challenge_started"
    scan(quiet_seat, alice, "withdraw", at("11:46"))
    assert refused(quiet_seat, carol, "challenge", at("12:10")).code == "protected_window"
    scan(quiet_seat, carol, "challenge", at("11:58"))  # 2 min, then 12:30 + 3 min
    assert Challenge.objects.get(challenger=carol).deadline == at("12:33")


def test_a_rooms_own_hours_cooldown_and_step_out(
    quiet_seat: Seat, alice: Reader, bob: Reader
) -> None:
    assert refused(quiet_seat, alice, "challenge", at("07:30")).code == "room_closed"
    assert refused(quiet_seat, alice, "challenge", at("20:56")).code == "room_closed"
    hold = seat_held_by(quiet_seat, bob, at("08:00"))
    assert hold.closes_at == at("21:00")

    refusal = refused(quiet_seat, bob, "step-out", at("09:00"), minutes=11)
    assert "1 to 10 minutes" in refusal.message
    scan(quiet_seat, bob, "step-out", at("09:00"))
    assert refused(quiet_seat, alice, "challenge", at("09:09")).retry_after == 60

    scan(quiet_seat, alice, "challenge", at("09:10"))
    scan(quiet_seat, bob, "return", at("09:11"))
    assert refused(quiet_seat, alice, "challenge", at("09:12")).code == "cooldown"
    assert scan(quiet_seat, alice, "challenge", at("09:13")) == "challenge_started"
    assert situation(quiet_seat, alice, at("21:00")).state == "closed"


def test_the_librarys_defaults_apply_where_a_room_says_nothing(
    library: Library, room: Room, seat: Seat, alice: Reader
) -> None:
    Library.objects.filter(pk=library.pk).update(
        policy={"leave_allowance_minutes": 30, "protected_windows": ""}
    )
    Room.objects.filter(pk=room.pk).update(policy={"claim_window_minutes": 5})

    scan(seat, alice, "challenge", at("12:00"))  # no protected windows any more

    challenge = Challenge.objects.get()
    assert (challenge.deadline, challenge.claim_until) == (at("12:30"), at("12:35"))
