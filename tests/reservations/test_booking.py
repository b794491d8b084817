"""Booking rules: reservable seats, the booking window, slots, limits, no double booking."""

from __future__ import annotations

import pytest

from seatback.library.models import Library, Room, Seat
from seatback.library.policy_changes import change_policy
from seatback.readers.models import Reader
from seatback.reservations.models import Reservation, ReservationSlot
from tests.conftest import at
from tests.reservations.conftest import book, evening, refused_booking

pytestmark = pytest.mark.django_db


def test_a_reservable_seat_is_booked_with_its_check_in_window(
    alice: Reader, bookable: Seat
) -> None:
    booking = book(bookable, alice, "09:00", "11:00", evening("20:00"))

    assert booking.status == Reservation.Status.BOOKED
    assert (booking.start, booking.end) == (at("09:00"), at("11:00"))
    assert booking.checkin_from == at("08:45")
    assert booking.checkin_until == at("09:30")
    slots = ReservationSlot.objects.filter(reservation=booking, active=True)
    assert sorted(slots.values_list("slot_start", flat=True)) == [
        at("09:00"), at("09:30"), at("10:00"), at("10:30")
    ]  # fmt: skip


def test_a_seat_that_is_not_reservable_is_refused(alice: Reader, seat: Seat) -> None:
    assert refused_booking(seat, alice, "09:00", "10:00", evening("21:00")).code == "not_reservable"
    assert not Reservation.objects.exists()


def test_bookings_for_a_day_open_at_eight_the_evening_before(alice: Reader, bookable: Seat) -> None:
    refusal = refused_booking(bookable, alice, "09:00", "10:00", evening("19:59"))
    assert refusal.code == "outside_booking_window"
    assert "20:00" in refusal.message
    assert refusal.retry_after == 60
    # Two days ahead is not open yet either.
    assert book(bookable, alice, "09:00", "10:00", evening("20:00")).pk


def test_booking_window_follows_the_room_policy(alice: Reader, room: Room, bookable: Seat) -> None:
    change_policy(room, {"booking_days_ahead": "0", "booking_opens_at": "07:00"})
    assert refused_booking(bookable, alice, "09:00", "10:00", evening("22:00")).code == (
        "outside_booking_window"
    )
    assert refused_booking(bookable, alice, "09:00", "10:00", at("06:59")).code == (
        "outside_booking_window"
    )
    assert book(bookable, alice, "09:00", "10:00", at("07:00")).pk


def test_times_outside_opening_hours_or_already_past_are_refused(
    alice: Reader, bookable: Seat
) -> None:
    assert refused_booking(bookable, alice, "06:30", "08:00", evening("20:00")).code == (
        "outside_booking_window"
    )
    assert refused_booking(bookable, alice, "22:00", "23:00", evening("20:00")).code == (
        "outside_booking_window"
    )
    assert refused_booking(bookable, alice, "09:00", "10:00", at("09:40")).code == (
        "outside_booking_window"
    )
    # The slot that has begun may still be booked (nobody is sitting there).
    assert book(bookable, alice, "09:30", "10:30", at("09:40")).pk


def test_off_slot_and_too_long_bookings_are_refused(alice: Reader, bookable: Seat) -> None:
    assert refused_booking(bookable, alice, "09:10", "10:00", evening("20:00")).code == (
        "invalid_request"
    )
    assert refused_booking(bookable, alice, "10:00", "10:00", evening("20:00")).code == (
        "invalid_request"
    )
    refusal = refused_booking(bookable, alice, "09:00", "13:30", evening("20:00"))
    assert refusal.code == "invalid_request"
    assert "240" in refusal.message
    assert not Reservation.objects.exists()


def test_an_overlapping_booking_of_the_same_seat_is_refused(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    book(bookable, alice, "09:00", "11:00", evening("20:00"))
    for start, end in (("09:00", "11:00"), ("10:30", "12:00"), ("08:00", "09:30")):
        assert refused_booking(bookable, bob, start, end, evening("20:01")).code == (
            "seat_unavailable"
        )
    # Back to back is fine.
    assert book(bookable, bob, "11:00", "12:00", evening("20:01")).pk


def test_a_reader_books_one_seat_at_a_time_and_twice_a_day(
    alice: Reader, bookable: Seat, bookable2: Seat
) -> None:
    book(bookable, alice, "09:00", "10:00", evening("20:00"))
    refusal = refused_booking(bookable2, alice, "09:30", "10:30", evening("20:00"))
    assert refusal.code == "limit_reached"
    book(bookable2, alice, "14:00", "15:00", evening("20:00"))
    refusal = refused_booking(bookable2, alice, "16:00", "17:00", evening("20:00"))
    assert refusal.code == "limit_reached"
    assert "2" in refusal.message


def test_limits_come_from_the_library_policy(
    alice: Reader, bookable: Seat, library: Library
) -> None:
    change_policy(None, {"reservations_per_day": "1", "reservation_longest_minutes": "60"})
    assert refused_booking(bookable, alice, "09:00", "10:30", evening("20:00")).code == (
        "invalid_request"
    )
    book(bookable, alice, "09:00", "10:00", evening("20:00"))
    assert refused_booking(bookable, alice, "14:00", "15:00", evening("20:00")).code == (
        "limit_reached"
    )


def test_a_banned_reader_cannot_book(alice: Reader, bookable: Seat) -> None:
    alice.banned_until = at("23:00")
    alice.save()
    assert refused_booking(bookable, alice, "09:00", "10:00", evening("20:00")).code == "banned"


def test_the_database_refuses_two_active_slots_for_one_seat(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    """The invariant lives in the database, not only in the check above."""
    from django.db import IntegrityError, transaction

    first = book(bookable, alice, "09:00", "10:00", evening("20:00"))
    other = Reservation.objects.create(
        seat=bookable,
        reader=bob,
        start=at("09:30"),
        end=at("10:30"),
        checkin_from=at("09:15"),
        checkin_until=at("10:00"),
        created_at=evening("20:00"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReservationSlot.objects.create(
            reservation=other, seat=bookable, reader=bob, slot_start=at("09:30")
        )
    assert ReservationSlot.objects.filter(seat=bookable, active=True).count() == 2
    assert first.slots.count() == 2


def test_a_walk_in_seat_can_be_booked_for_later_and_the_hold_ends_then(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    from tests.seats.scans import current_hold, scan, situation

    # Bob sits down at 08:00 (someone challenged and he came back: his hold is known).
    scan(bookable, alice, "challenge", at("08:00"))
    scan(bookable, bob, "return", at("08:05"))
    assert current_hold(bookable, at("08:06")).reader == bob  # type: ignore[union-attr]

    book(bookable, alice, "10:00", "11:00", at("08:10"))

    assert current_hold(bookable, at("09:59")).reader == bob  # type: ignore[union-attr]
    assert current_hold(bookable, at("10:00")) is None
    assert situation(bookable, None, at("10:00")).state == "reserved"


def test_booking_the_current_slot_of_an_occupied_seat_is_refused(
    alice: Reader, bob: Reader, carol: Reader, bookable: Seat
) -> None:
    from tests.seats.scans import scan

    scan(bookable, alice, "challenge", at("09:00"))
    scan(bookable, bob, "return", at("09:05"))
    refusal = refused_booking(bookable, carol, "09:00", "10:00", at("09:10"))
    assert refusal.code == "seat_unavailable"
