"""Check-in by scanning the seat, no-shows released by the stored times, cancelling."""

from __future__ import annotations

import pytest

from seatback.library.models import Room, Seat
from seatback.library.policy_changes import change_policy
from seatback.readers.models import Reader, Violation
from seatback.reservations import services
from seatback.reservations.models import Reservation
from seatback.seats.models import Hold
from tests.conftest import at
from tests.reservations.conftest import book, evening, refused_booking
from tests.seats.scans import current_hold, refused, scan, situation

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(alice: Reader, bookable: Seat) -> Reservation:
    return book(bookable, alice, "09:00", "11:00", evening("20:00"))


def test_check_in_opens_fifteen_minutes_before_the_start(
    alice: Reader, bookable: Seat, booking: Reservation
) -> None:
    refusal = refused(bookable, alice, "checkin", at("08:44"))
    assert refusal.code == "too_early"
    assert refusal.retry_after == 60
    assert "08:45" in refusal.message
    assert "checkin" not in situation(bookable, alice, at("08:44")).actions()
    assert "checkin" in situation(bookable, alice, at("08:45")).actions()

    assert scan(bookable, alice, "checkin", at("08:45")) == "checked_in"

    booking.refresh_from_db()
    assert booking.status == Reservation.Status.CHECKED_IN
    assert booking.checked_in_at == at("08:45")
    hold = current_hold(bookable, at("08:46"))
    assert hold is not None and hold.reader == alice and hold.source == Hold.Source.CHECKIN
    assert hold.closes_at == at("11:00")  # the booking's end
    assert current_hold(bookable, at("11:00")) is None
    assert refused(bookable, alice, "checkin", at("09:00")).code == "already_yours"


def test_only_the_reader_who_booked_checks_in(
    bob: Reader, bookable: Seat, booking: Reservation
) -> None:
    assert refused(bookable, bob, "checkin", at("09:00")).code == "not_reserved"


def test_a_reserved_seat_cannot_be_challenged_until_the_deadline(
    bob: Reader, bookable: Seat, booking: Reservation
) -> None:
    assert situation(bookable, bob, at("08:44")).state == "free"
    assert situation(bookable, bob, at("08:45")).state == "reserved"
    assert refused(bookable, bob, "challenge", at("09:10")).code == "reserved"
    # Not checked in by 09:30: released at that moment, no job needed.
    assert situation(bookable, bob, at("09:30")).state == "free"
    assert scan(bookable, bob, "challenge", at("09:30")) == "challenge_started"


def test_after_the_deadline_the_booking_is_gone_and_the_seat_can_be_booked_again(
    alice: Reader, bob: Reader, bookable: Seat, booking: Reservation
) -> None:
    assert refused(bookable, alice, "checkin", at("09:30")).code == "not_reserved"
    assert refused_booking(bookable, bob, "09:30", "10:30", at("09:29")).code == (
        "seat_unavailable"
    )
    second = book(bookable, bob, "09:30", "10:30", at("09:30"))
    assert second.pk
    booking.refresh_from_db()
    # The booking that freed the seat settled the no-show, and recorded it once.
    assert booking.status == Reservation.Status.NO_SHOW
    (violation,) = Violation.objects.all()
    assert (violation.reader, violation.kind, violation.at) == (alice, "no_show", at("09:30"))


def test_checking_in_takes_over_from_a_walk_in_and_ends_a_pending_clock(
    alice: Reader, bob: Reader, carol: Reader, bookable: Seat, booking: Reservation
) -> None:
    scan(bookable, carol, "challenge", at("08:00"))
    scan(bookable, bob, "return", at("08:05"))  # bob's hold, known, runs until 09:00
    hold = current_hold(bookable, at("08:06"))
    assert hold is not None and hold.closes_at == at("09:00")

    scan(bookable, alice, "checkin", at("08:50"))

    hold = current_hold(bookable, at("08:51"))
    assert hold is not None and hold.reader == alice
    bobs = Hold.objects.get(reader=bob)
    assert (bobs.ended_at, bobs.end_reason) == (at("08:50"), Hold.EndReason.CLAIMED)


def test_a_claim_on_a_seat_booked_later_ends_at_the_booking(
    alice: Reader, bob: Reader, bookable: Seat, booking: Reservation
) -> None:
    scan(bookable, bob, "challenge", at("08:00"))
    scan(bookable, bob, "claim", at("08:20"))
    hold = current_hold(bookable, at("08:21"))
    assert hold is not None and hold.reader == bob and hold.closes_at == at("09:00")


def test_the_checked_in_reader_is_the_known_holder_under_the_anti_hogging_rule(
    alice: Reader, bob: Reader, carol: Reader, bookable: Seat, booking: Reservation
) -> None:
    scan(bookable, alice, "checkin", at("09:00"))
    # alice has left her things and gone: bob challenges and claims as usual.
    assert scan(bookable, bob, "challenge", at("09:10")) == "challenge_started"
    assert scan(bookable, bob, "claim", at("09:30")) == "claimed"
    hold = current_hold(bookable, at("09:31"))
    assert hold is not None and hold.reader == bob
    # The booking ends with alice's hold; its slots are free to book again.
    assert book(bookable, carol, "10:00", "11:00", at("09:35")).pk
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.ENDED
    assert not Violation.objects.exists()


def test_cancel_before_the_cutoff_is_free_and_frees_the_seat(
    alice: Reader, bob: Reader, bookable: Seat, booking: Reservation
) -> None:
    assert services.cancel(booking, alice, now=at("08:30")) is False
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_at) == ("cancelled", at("08:30"))
    assert not Violation.objects.exists()
    assert book(bookable, bob, "09:00", "10:00", at("08:31")).pk


def test_a_late_cancel_counts_as_a_violation_when_the_policy_says_so(
    alice: Reader, room: Room, bookable: Seat, booking: Reservation
) -> None:
    assert services.cancel(booking, alice, now=at("08:31")) is True
    (violation,) = Violation.objects.all()
    assert (violation.kind, violation.at) == ("late_cancel", at("08:31"))

    change_policy(room, {"late_cancel_is_violation": "no"})
    other = book(bookable, alice, "14:00", "15:00", at("09:00"))
    assert services.cancel(other, alice, now=at("13:59")) is True
    assert Violation.objects.count() == 1


def test_cancel_of_someone_elses_or_a_past_booking_is_refused(
    alice: Reader, bob: Reader, booking: Reservation
) -> None:
    from seatback.core.errors import Refusal

    with pytest.raises(Refusal) as info:
        services.cancel(booking, bob, now=at("08:00"))
    assert info.value.code == "not_found"
    with pytest.raises(Refusal) as info:
        services.cancel(booking, alice, now=at("09:30"))
    assert info.value.code == "not_found"
    booking.refresh_from_db()
    assert booking.status == "booked"
