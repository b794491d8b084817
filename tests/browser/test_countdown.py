"""The countdown between polls: announced politely once a minute, quiet while the screen
is locked, and up to date at once when the reader looks again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.seats import services
from tests.conftest import at
from tests.pages.conftest import zh

pytestmark = pytest.mark.browser

SET_VISIBILITY = """state => {
  Object.defineProperty(document, "visibilityState", {configurable: true, get: () => state});
  Object.defineProperty(document, "hidden", {configurable: true, get: () => state === "hidden"});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_the_countdown_is_announced_once_a_minute_not_every_second(phones, seat, alice):
    clock.travel_to(at("09:00"))
    a = phones("alice")
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)
    a.tap(zh("Start the clock"))
    live = a.page.locator("[data-announce]")
    a.page.wait_for_timeout(2500)  # seconds tick by on the digits ...
    expect(live).to_have_text("")  # ... and nothing is announced
    clock.travel(timedelta(minutes=1))  # a minute passes on the server
    expect(live).to_have_text(zh("%(n)s minutes left") % {"n": "19"})
    a.page.wait_for_timeout(2500)
    expect(live).to_have_text(zh("%(n)s minutes left") % {"n": "19"})


def test_a_locked_screen_stops_polling_and_catches_up_at_once(phones, seat, alice, bob):
    clock.travel_to(at("09:00"))
    a = phones("alice")
    polls: list[float] = []
    a.page.on("request", lambda r: r.url.endswith("/watch") and polls.append(time.monotonic()))
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)
    a.tap(zh("Start the clock"))
    a.page.wait_for_timeout(3200)  # (waiting in the browser lets its events through)
    assert len(polls) >= 2  # polling every 1.5 s while visible

    a.page.evaluate(SET_VISIBILITY, "hidden")  # the phone is locked
    locked = time.monotonic()
    a.page.wait_for_timeout(500)  # a poll already on its way may finish
    services.perform(seat, bob, "return", now=clock.now() + timedelta(minutes=3))
    clock.travel(timedelta(minutes=3))
    a.page.wait_for_timeout(3500)
    assert [t for t in polls if t > locked + 0.5] == []  # no polls while locked
    expect(a.page.locator(".countdown")).to_be_visible()  # still the old page

    a.page.evaluate(SET_VISIBILITY, "visible")  # unlocked: it polls at once and catches up
    unlocked = time.monotonic()
    news = zh(
        "The person sitting here came back at %(time)s, so your clock stopped. "
        "The seat stays theirs."
    ) % {"time": "09:03"}
    expect(a.says(news)).to_be_visible(timeout=1500)
    assert time.monotonic() - unlocked < 1.5
    a.shot("after-unlocking")
