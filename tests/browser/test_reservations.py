"""Booking a seat on a phone: choose the room and time, tap a free seat, tap Reserve; see the
check-in deadline; a refusal is said in words; cancel. Then check in by the seat's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.library.models import Seat
from seatback.reservations import services
from seatback.reservations.models import Reservation
from tests.conftest import at
from tests.pages.conftest import zh
from tests.reservations.conftest import evening

pytestmark = pytest.mark.browser


@pytest.fixture
def bookable(room):
    return Seat.objects.create(room=room, label="B-001", x=1, y=1, reservable=True)


@pytest.fixture
def bookable2(room):
    return Seat.objects.create(room=room, label="B-002", x=3, y=1, reservable=True)


def test_reserve_in_two_taps_then_cancel(phones, room, bookable, bookable2, alice, bob, carol):
    clock.travel_to(evening("20:30"))
    services.reserve(bookable2, bob, at("09:00"), at("11:00"), now=evening("20:01"))
    a = phones("alice")
    a.open("/reserve/")
    a.sign_in(alice)
    with a.page.expect_navigation():
        a.page.get_by_role("link", name=room.name).click()
    a.page.get_by_label(zh("Day")).select_option("2026-12-01")  # tomorrow
    a.tap(zh("Show free seats"))
    a.page.get_by_label(zh("For")).select_option("120")
    a.tap(zh("Show free seats"))
    with a.page.expect_navigation():  # the day's start times, a timeline to tap
        a.page.locator(".timeline .mark", has_text="09:00").click()
    expect(a.page.get_by_label(zh("Seat %(label)s, booked") % {"label": "B-002"})).to_be_visible()
    a.shot("grid")

    with a.page.expect_navigation():  # tap 1
        a.page.get_by_role("link", name=zh("Seat %(label)s, free") % {"label": "B-001"}).click()
    reserve = zh("Reserve seat %(label)s, %(start)s–%(end)s") % {
        "label": "B-001",
        "start": "09:00",
        "end": "11:00",
    }
    a.tap(reserve)  # tap 2
    expect(a.page.get_by_role("status").first).to_contain_text("09:30")
    expect(a.page.get_by_role("heading", name=zh("My reservations"))).to_be_visible()
    a.shot("booked")
    assert Reservation.objects.get(reader=alice).seat == bookable

    # bob's page still shows B-002 free when carol books it first: he is told why not.
    services.cancel(Reservation.objects.get(reader=bob), bob, now=evening("20:30"))
    b = phones("bob")
    b.open(f"/reserve/?room={room.pk}&day=2026-12-01&start=10:00&minutes=60&seat={bookable2.pk}")
    b.sign_in(bob)
    services.reserve(bookable2, carol, at("10:00"), at("11:00"), now=evening("20:30"))
    b.tap(
        zh("Reserve seat %(label)s, %(start)s–%(end)s")
        % {"label": "B-002", "start": "10:00", "end": "11:00"}
    )
    expect(b.page.get_by_role("alert")).to_have_text(zh("This seat is not available then."))
    b.shot("refused")

    a.open("/reserve/mine")
    with a.page.expect_navigation():
        a.page.get_by_role("link", name=zh("Cancel this reservation")).first.click()
    # It asks first; "No" keeps the booking.
    expect(a.page.get_by_role("heading", name=zh("Cancel this reservation?"))).to_be_visible()
    a.shot("cancel-asks-first")
    with a.page.expect_navigation():
        a.page.get_by_role("link", name=zh("No, keep it")).click()
    assert Reservation.objects.get(reader=alice).status == "booked"
    with a.page.expect_navigation():
        a.page.get_by_role("link", name=zh("Cancel this reservation")).first.click()
    a.tap(zh("Yes, cancel it"))
    expect(a.page.get_by_role("status").first).to_have_text(zh("Cancelled."))
    # The cancelled booking stays in the history.
    history = a.page.locator(".past-bookings")
    expect(history).to_contain_text("B-001")
    expect(history).to_contain_text(zh("cancelled"))
    a.shot("cancelled")


def test_check_in_from_the_seat_page(phones, bookable, alice):
    services.reserve(bookable, alice, at("09:00"), at("11:00"), now=evening("20:01"))
    clock.travel_to(at("08:50"))
    a = phones("alice")
    a.open(f"/s/{bookable.code}")
    a.sign_in(alice)
    expect(a.primary()).to_have_text(zh("Check in"))
    a.tap(zh("Check in"))
    expect(a.page.get_by_role("status").first).to_have_text(zh("You are checked in."))
    a.shot("checked-in")
    assert Reservation.objects.get(reader=alice).status == "checked_in"
