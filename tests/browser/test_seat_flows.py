"""Two readers, two phones: the challenge → return flow and the challenge → wait → claim
flow, played in a real headless Chromium against the live server, whose clock the test
moves (nobody waits 20 minutes)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.seats.models import Challenge, Hold
from tests.conftest import at
from tests.pages.conftest import zh

pytestmark = pytest.mark.browser


def seconds_on(digits: str) -> int:
    minutes, seconds = (int(part) for part in digits.split(":")[-2:])
    return minutes * 60 + seconds


def test_challenge_then_the_occupant_returns(phones, seat, alice, bob):
    clock.travel_to(at("09:00"))
    a, b = phones("alice"), phones("bob")

    # alice finds belongings and nobody; she scans the seat's code and signs in there.
    a.open(f"/s/{seat.code}")
    expect(a.says(zh("Sign in to use this seat"))).to_be_visible()
    a.shot("scans-signed-out")
    a.sign_in(alice)
    assert a.page.url.endswith(f"/s/{seat.code}")
    expect(a.primary()).to_have_text(zh("Start the clock"))
    expect(a.says(zh("Free"))).to_be_visible()
    a.shot("free-seat")

    a.tap(zh("Start the clock"))
    expect(a.says(zh("Clock running"))).to_be_visible()
    assert 1190 <= seconds_on(a.digits()) <= 1200
    a.shot("clock-started")

    # The phone's clock is far from the server's (the server lives on 1 December at
    # 09:00): the countdown still follows the server's deadline.
    time.sleep(1.2)
    assert 1185 <= seconds_on(a.digits()) <= 1199

    # bob comes back five minutes later and scans.
    clock.travel(timedelta(minutes=5))
    expect(a.page.locator(".countdown .digits")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    b.open(f"/s/{seat.code}")
    b.sign_in(bob)
    expect(b.says("09:20")).to_be_visible()
    expect(b.primary()).to_have_text(zh("I'm back"))
    b.shot("someone-started-the-clock")

    b.tap(zh("I'm back"))
    expect(b.says(zh("Welcome back. The seat stays yours."))).to_be_visible()
    b.shot("came-back")
    returned = time.monotonic()

    # alice's page shows it within 2 seconds, without her touching anything.
    news = zh(
        "The person sitting here came back at %(time)s, so your clock stopped. "
        "The seat stays theirs."
    ) % {"time": "09:05"}
    expect(a.says(news)).to_be_visible(timeout=2000)
    assert time.monotonic() - returned < 2.0
    expect(a.page.locator(".countdown")).to_have_count(0)
    expect(a.button(zh("Start the clock"))).to_have_count(0)
    # bob came back a few seconds after 09:05 (the server's clock runs on), so the clock
    # may start again a few seconds after 09:15: the page names the first whole minute.
    expect(
        a.says(
            zh("The person sitting here just came back; you can start the clock from %(time)s.")
            % {"time": "09:16"}
        )
    ).to_be_visible()
    a.shot("told-the-occupant-came-back")

    assert Challenge.objects.get().status == Challenge.Status.RETURNED
    assert Hold.objects.get(ended_at__isnull=True).reader == bob


def test_challenge_wait_then_claim(phones, seat, alice, bob):
    clock.travel_to(at("09:00"))
    a, b = phones("alice"), phones("bob")
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)
    a.tap(zh("Start the clock"))
    expect(a.says(zh("Clock running"))).to_be_visible()
    live = a.page.locator("[data-announce]")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text("")  # nothing is announced on arrival; the page says it
    a.shot("clock-started")

    # A reload (or a locked screen, or a closed tab) loses nothing: the deadline is the server's.
    a.page.reload()
    assert 1185 <= seconds_on(a.digits()) <= 1200

    b.open(f"/s/{seat.code}")
    b.sign_in(bob)
    expect(b.primary()).to_have_text(zh("I'm back"))

    # 19 minutes 52 seconds pass on the server; both pages follow within a poll.
    clock.travel(timedelta(minutes=19, seconds=52))
    expect(a.page.locator(".countdown .digits")).to_have_text(re.compile(r"^00:0\d$"), timeout=3000)
    expect(live).to_have_text(zh("Less than 30 seconds left"))
    a.shot("last-seconds")
    b.shot("last-seconds")

    # At zero the page reloads itself and the primary button becomes "take the seat".
    expect(a.primary()).to_have_text(zh("Take the seat"), timeout=12000)
    expect(a.page.locator(".countdown-claim")).to_be_visible()
    expect(a.says("09:35")).to_be_visible()
    a.shot("time-is-up")

    # bob's page, left open, now says it is too late and offers no "I'm back".
    expect(b.button(zh("I'm back"))).to_have_count(0, timeout=3000)
    expect(b.says("09:20")).to_be_visible()
    b.shot("too-late")

    a.tap(zh("Take the seat"))
    expect(a.says(zh("The seat is yours now."))).to_be_visible()
    expect(a.page.locator(".badge")).to_contain_text(zh("In use"))
    a.shot("seat-taken")
    assert Hold.objects.get(ended_at__isnull=True).reader == alice

    # bob's page updates to the new holder without a touch.
    expect(b.page.locator(".badge")).to_contain_text(zh("In use"), timeout=2000)
    b.shot("seat-passed-on")


def test_the_countdown_corrects_a_wrong_phone_clock_and_survives_a_reload(phones, seat, alice):
    clock.travel_to(at("09:00"))
    a = phones("alice", skew_seconds=-7 * 60 - 13)  # this phone runs 7 min 13 s slow
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)
    a.tap(zh("Start the clock"))
    assert 1190 <= seconds_on(a.digits()) <= 1200
    time.sleep(2)  # a poll has corrected the offset again meanwhile
    assert 1185 <= seconds_on(a.digits()) <= 1199
    a.page.reload()
    assert 1180 <= seconds_on(a.digits()) <= 1198
    a.shot("slow-phone-same-countdown")


def test_home_and_my_seat(phones, seat, alice, bob):
    clock.travel_to(at("09:00"))
    Hold.objects.create(
        seat=seat, reader=bob, source="checkin", since=clock.now(), closes_at=at("22:30")
    )
    b = phones("bob")
    b.open("/login?next=/")
    b.sign_in(bob)
    expect(b.says(zh("Reading rooms"))).to_be_visible()
    expect(b.says("07:00–22:30")).to_be_visible()
    b.shot("home")

    b.page.get_by_role("link", name=zh("My seat")).first.click()
    expect(b.page.locator("h1")).to_have_text(zh("My seat"))
    b.shot("my-seat")
    b.tap(zh("%(minutes)s min, until %(until)s") % {"minutes": 15, "until": "09:15"})
    expect(b.says(zh("Stepped out"))).to_be_visible()
    expect(b.primary()).to_have_text(zh("I'm back"))
    b.shot("stepped-out")

    # Someone else scanning meanwhile is told the seat is protected, and until when.
    a = phones("alice")
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)
    expect(
        a.says(
            zh("The person sitting here has stepped out and is protected until %(time)s.")
            % {"time": "09:15"}
        )
    ).to_be_visible()
    expect(a.primary()).to_have_count(0)
    a.shot("protected-by-step-out")

    b.tap(zh("I'm back"))
    expect(b.says(zh("Welcome back. The seat stays yours."))).to_be_visible()
    expect(b.says(zh("Recent activity"))).to_be_visible()
    b.shot("back-from-step-out")
    # alice's page notices the change and now offers the clock again.
    expect(a.primary()).to_have_text(zh("Start the clock"), timeout=2000)
