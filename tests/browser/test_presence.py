"""Presence in the browser: each refusal shown on the seat page, location from the phone,
the typed room code, and the room display through a network drop."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.presence.services import display_of
from seatback.seats.models import Hold, ScanRecord
from tests.conftest import at
from tests.pages.conftest import zh
from tests.presence.conftest import ROOM_POSITION, ask, code_for

pytestmark = pytest.mark.browser

NEAR = {"latitude": ROOM_POSITION[0] + 0.0003, "longitude": ROOM_POSITION[1], "accuracy": 15}
FAR = {"latitude": ROOM_POSITION[0] + 0.02, "longitude": ROOM_POSITION[1], "accuracy": 15}


def refusal_text(phone):
    return phone.page.get_by_role("alert")


def test_off_the_library_network_the_page_says_connect_to_the_wifi(phones, room, seat, alice):
    ask(room, presence="network", presence_networks="10.0.0.0/8")  # the phone is 127.0.0.1
    clock.travel_to(at("09:00"))
    a = phones("alice")
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)
    expect(a.says(zh("This room only counts scans made on the library Wi-Fi."))).to_be_visible()

    a.tap(zh("Start the clock"))

    expect(refusal_text(a)).to_contain_text(zh("Connect to the library Wi-Fi and try again."))
    expect(a.primary()).to_have_text(zh("Start the clock"))
    a.shot("not-on-the-wifi")
    assert ScanRecord.objects.get().outcome == "not_present"


def test_location_near_far_and_refused(phones, room, seat, other_seat, alice, carol):
    room.latitude, room.longitude = ROOM_POSITION
    room.save()
    ask(room, presence="location", presence_radius_m=100, presence_accuracy_m=50)
    clock.travel_to(at("09:00"))

    far = phones(
        "carol-in-the-dormitory", language="en", geolocation=FAR, permissions=["geolocation"]
    )
    far.open(f"/s/{seat.code}")
    far.sign_in(carol)
    far.tap("Start the clock")
    expect(refusal_text(far)).to_contain_text("m from the room: scan at the seat.")
    far.shot("too-far")

    denied = phones("carol-says-no", language="en", permissions=[])
    denied.open(f"/s/{seat.code}")
    denied.sign_in(carol)
    denied.page.get_by_role("button", name="Start the clock", exact=True).click()
    expect(refusal_text(denied)).to_contain_text(
        "Allow location access for this page and try again.", timeout=15000
    )
    denied.shot("location-refused")

    near = phones("alice", geolocation=NEAR, permissions=["geolocation"])
    near.open(f"/s/{seat.code}")
    near.sign_in(alice)
    expect(
        near.says(zh("This room checks your location: allow it when your phone asks."))
    ).to_be_visible()
    near.tap(zh("Start the clock"))
    expect(near.says(zh("Clock running"))).to_be_visible()
    near.shot("in-the-room")

    accepted = ScanRecord.objects.get(accepted=True).evidence["location"]
    assert accepted["distance_m"] == pytest.approx(33.4, abs=0.5)
    assert accepted["accuracy_m"] == 15
    assert [
        r.evidence["location"]["reason"]
        for r in ScanRecord.objects.filter(accepted=False).order_by("id")
    ] == [
        "too_far",
        "no_position",
    ]


def test_the_room_code_typed_wrong_then_right(phones, room, seat, alice):
    ask(room, presence="rotating", rotating_seconds=60)
    clock.travel_to(at("09:00"))
    a = phones("alice", language="en")
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)

    a.tap("Start the clock")
    expect(refusal_text(a)).to_contain_text("Scan the QR code on the room's screen first")
    a.shot("no-code")

    a.page.get_by_label("Code on the room's screen").fill(
        "000000" if code_for(room, clock.now()) != "000000" else "111111"
    )
    a.tap("Start the clock")
    expect(refusal_text(a)).to_contain_text("That code is not the one on the room's screen now")
    a.shot("wrong-code")

    a.page.get_by_label("Code on the room's screen").fill(code_for(room, clock.now()))
    a.tap("Start the clock")
    expect(a.says("Clock running")).to_be_visible()
    a.shot("right-code")


def test_scanning_the_rooms_screen_then_the_seat(phones, room, seat, alice):
    ask(room, presence="rotating", rotating_seconds=60)
    clock.travel_to(at("09:00"))
    a = phones("alice", language="en")
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)

    a.open(f"/display/rooms/{room.pk}/here?c={code_for(room, clock.now())}")
    expect(a.page.locator("h1")).to_have_text("You are in the room")
    a.shot("scanned-the-screen")
    a.open(f"/s/{seat.code}")
    a.tap("Start the clock")
    expect(a.says("Clock running")).to_be_visible()


def test_the_display_keeps_its_code_through_a_network_drop(phones, room):
    ask(room, presence="rotating", rotating_seconds=60)
    clock.travel_to(at("09:00") + timedelta(seconds=5))
    display = display_of(room, clock.now())
    tablet = phones("tablet", language="en")
    tablet.page.set_viewport_size({"width": 1024, "height": 768})
    tablet.page.clock.install()
    tablet.open(f"/display/rooms/{room.pk}?key={display.key}")
    first = code_for(room, clock.now())
    code = tablet.page.locator("[data-code]")
    expect(code).to_have_text(f"{first[:3]} {first[3:]}")
    expect(tablet.page.locator(".qr svg")).to_be_visible()
    tablet.shot("display")

    tablet.page.route("**/code?key=*", lambda route: route.abort())
    tablet.page.clock.fast_forward(70_000)  # the window ends; the poll fails
    expect(tablet.page.locator("[data-note]")).to_have_text(
        "Reconnecting… the code below is still shown."
    )
    expect(code).to_have_text(f"{first[:3]} {first[3:]}")
    tablet.shot("reconnecting")

    tablet.page.clock.fast_forward(60_000)  # and the next one: the code no longer counts
    expect(tablet.page.locator("[data-note]")).to_have_text(
        "Reconnecting… this code has expired; check the network."
    )
    tablet.shot("expired")

    clock.travel(timedelta(seconds=130))
    tablet.page.unroute("**/code?key=*")
    tablet.page.clock.fast_forward(31_000)
    later = code_for(room, clock.now())
    expect(code).to_have_text(f"{later[:3]} {later[3:]}")
    expect(tablet.page.locator("[data-note]")).to_be_hidden()
    tablet.shot("back-online")


def test_stepping_out_sends_the_position_and_the_chosen_minutes(phones, room, seat, bob):
    """A step-out form has one button per length: the chosen one still counts after the
    page waited for the position."""
    room.latitude, room.longitude = ROOM_POSITION
    room.save()
    ask(room, presence="location")
    clock.travel_to(at("09:00"))
    Hold.objects.create(
        seat=seat, reader=bob, source="checkin", since=clock.now(), closes_at=at("22:30")
    )
    b = phones("bob", language="en", geolocation=NEAR, permissions=["geolocation"])
    b.open(f"/s/{seat.code}")
    b.sign_in(bob)

    with b.page.expect_navigation():
        b.page.get_by_role("button", name=re.compile(r"^15 min, until")).click()

    expect(b.says("Stepped out")).to_be_visible()
    hold = Hold.objects.get()
    assert hold.away_until is not None
    assert timedelta(minutes=14) < hold.away_until - hold.since < timedelta(minutes=16)
    assert ScanRecord.objects.get().evidence["passed"] == ["location"]
