"""The reader's booking pages through the test client: choose a time, see the grid, reserve
in two taps, see my bookings with check-in deadlines, cancel; refusals said in words."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from seatback.core import clock
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.reservations.models import Reservation
from tests.conftest import at
from tests.pages.conftest import page_text
from tests.reservations.conftest import book, evening

pytestmark = pytest.mark.django_db


def phone(reader: Reader) -> Client:
    client = Client()
    client.force_login(reader)
    client.cookies["django_language"] = "en"
    return client


def test_booking_pages_need_sign_in(db: None) -> None:
    response = Client().get("/reserve/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_choose_room_time_then_tap_seat_and_reserve(
    alice: Reader, bob: Reader, room: Room, bookable: Seat, bookable2: Seat
) -> None:
    clock.travel_to(evening("20:30"))
    book(bookable2, bob, "09:00", "10:00", evening("20:05"))
    client = phone(alice)

    rooms = client.get("/reserve/")
    assert room.name in page_text(rooms)

    grid = client.get(f"/reserve/?room={room.pk}&day=2026-12-01&start=09:00&minutes=60")
    text = page_text(grid)
    assert "Free seats 09:00–10:00: 1." in text
    body = grid.content.decode()
    assert 'aria-label="Seat B-002, booked"' in body
    link = re.search(rf'href="([^"#]*seat={bookable.pk})(?:#reserve)?"', body)
    assert link is not None  # tap 1: the free seat

    chosen = client.get("/reserve/" + link.group(1).replace("&amp;", "&"))
    assert "Reserve seat B-001, 09:00–10:00" in page_text(chosen)
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', chosen.content.decode()))
    done = client.post(
        "/reserve/", {k: form[k] for k in ("seat", "start", "end", "query")}, follow=True
    )

    text = page_text(done)
    assert "Booked: 二楼自习室 B-001, 12-01 09:00–10:00. Check in at the seat by 09:30." in text
    assert "between 08:45 and 09:30" in text
    assert Reservation.objects.get(reader=alice).seat == bookable


def test_a_refusal_is_shown_with_its_reason(
    alice: Reader, bob: Reader, room: Room, bookable: Seat
) -> None:
    clock.travel_to(evening("20:30"))
    client = phone(alice)
    book(bookable, bob, "09:00", "10:00", evening("20:05"))
    response = client.post(
        "/reserve/",
        {"seat": bookable.pk, "start": at("09:00").isoformat(), "end": at("10:00").isoformat()},
        follow=True,
    )
    assert "This seat is not available then." in page_text(response)
    assert Reservation.objects.filter(reader=alice).count() == 0


@pytest.mark.parametrize("seat", ["0", "-3", str(2**64), str(10**30)])
def test_a_seat_number_no_seat_has_is_refused_and_books_nothing(
    alice: Reader, bookable: Seat, seat: str
) -> None:
    clock.travel_to(evening("20:30"))
    response = phone(alice).post(
        "/reserve/",
        {"seat": seat, "start": at("09:00").isoformat(), "end": at("10:00").isoformat()},
        follow=True,
    )
    assert response.status_code == 200
    assert "There is no seat with that id." in page_text(response)
    assert Reservation.objects.count() == 0


def test_before_booking_opens_the_page_says_when(alice: Reader, room: Room, bookable: Seat) -> None:
    from seatback.library.policy_changes import change_policy

    change_policy(room, {"booking_days_ahead": "0", "booking_opens_at": "07:30"})
    clock.travel_to(at("06:00"))
    text = page_text(phone(alice).get(f"/reserve/?room={room.pk}"))
    assert "Nothing can be booked now. Booking opens at 07:30 on 12-01." in text


def test_my_reservations_then_cancel(alice: Reader, bookable: Seat) -> None:
    clock.travel_to(evening("21:00"))
    booking = book(bookable, alice, "09:00", "10:00", evening("20:05"))
    client = phone(alice)
    text = page_text(client.get("/reserve/mine"))
    assert "B-001" in text and "between 08:45 and 09:30" in text
    done = client.post(f"/reserve/{booking.pk}/cancel", follow=True)
    assert "Cancelled." in page_text(done)
    assert "You have no reservations." in page_text(done)
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_someone_else_cannot_cancel_my_booking(alice: Reader, bob: Reader, bookable: Seat) -> None:
    clock.travel_to(evening("21:00"))
    booking = book(bookable, alice, "09:00", "10:00", evening("20:05"))
    done = phone(bob).post(f"/reserve/{booking.pk}/cancel", follow=True)
    assert "Not found." in page_text(done)
    booking.refresh_from_db()
    assert booking.status == "booked"


def test_the_seat_page_tells_a_walk_in_when_the_booking_begins(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    book(bookable, alice, "10:00", "11:00", evening("20:05"))
    clock.travel_to(at("09:00"))
    text = page_text(phone(bob).get(f"/s/{bookable.code}"))
    assert "This seat is booked from 10:00: taking it now, you keep it until then." in text
    clock.travel_to(at("09:50"))
    text = page_text(phone(bob).get(f"/s/{bookable.code}"))
    assert "This seat is booked from 10:00; it is kept for its reader until 10:30." in text
    mine = page_text(phone(alice).get(f"/s/{bookable.code}"))
    assert "Check in here from 09:45 to 10:30." in mine


def test_a_room_opening_off_the_slot_marks_offers_only_times_that_can_be_booked(
    alice: Reader, room: Room, bookable: Seat
) -> None:
    room.policy = {**room.policy, "opening_hours": "07:15-22:30"}
    room.save()
    clock.travel_to(evening("20:30"))
    client = phone(alice)

    page = client.get(f"/reserve/?room={room.pk}&day=2026-12-01").content.decode()
    offered = re.findall(r'<span class="mark-time">(\d\d:\d\d)</span>', page)
    assert offered[0] == "07:30"  # 07:15 is not a slot mark; it would always be refused
    assert all(int(hhmm[3:]) % 30 == 0 for hhmm in offered)

    first = client.get(f"/reserve/?room={room.pk}&day=2026-12-01&start=07:30&minutes=30")
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', first.content.decode()))
    link = re.search(rf'href="([^"#]*seat={bookable.pk})(?:#reserve)?"', first.content.decode())
    assert link is not None
    chosen = client.get("/reserve/" + link.group(1).replace("&amp;", "&"))
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', chosen.content.decode()))
    done = client.post(
        "/reserve/", {k: form[k] for k in ("seat", "start", "end", "query")}, follow=True
    )
    assert "Booked:" in page_text(done)
