"""Refusal pages in the browser: every refusal is a sentence, with the time to wait."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.seats import services
from tests.conftest import at
from tests.pages.conftest import zh

pytestmark = pytest.mark.browser


def test_an_unknown_code_is_a_friendly_404(phones, seat):
    clock.travel_to(at("09:00"))
    c = phones("carol")
    response = c.open("/s/an-old-replaced-code")
    assert response.status == 404
    expect(c.page.locator("h1")).to_have_text(zh("Seat code not found"))
    expect(c.page.get_by_role("link", name=zh("See the reading rooms"))).to_be_visible()
    c.shot("unknown-code")


def test_a_stale_page_tapped_after_someone_else_started_the_clock(phones, seat, alice, carol):
    clock.travel_to(at("09:00"))
    c = phones("carol")
    # carol's phone loses its live updates (a weak signal in the stacks) ...
    c.page.route("**/watch", lambda route: route.abort())
    c.open(f"/s/{seat.code}")
    c.sign_in(carol)
    expect(c.primary()).to_have_text(zh("Start the clock"))
    # ... while alice starts the clock first.
    services.perform(seat, alice, "challenge", now=clock.now())
    c.tap(zh("Start the clock"))
    alert = c.page.get_by_role("alert")
    expect(alert).to_have_text(zh("Someone else has already started the clock on this seat."))
    expect(c.primary()).to_have_text(zh("I'm back"))
    c.shot("someone-else-was-first")


def test_cooldown_and_protected_time_say_until_when(phones, seat, alice, bob, carol):
    clock.travel_to(at("12:10"))
    c = phones("carol")
    c.open(f"/s/{seat.code}")
    c.sign_in(carol)
    expect(
        c.says(
            zh(
                "Meal break until %(time)s: the person sitting here may be eating, so the "
                "clock cannot be started now."
            )
            % {"time": "13:00"}
        )
    ).to_be_visible()
    expect(c.primary()).to_have_count(0)
    c.shot("protected-time")

    clock.travel_to(at("14:00"))
    services.perform(seat, alice, "challenge", now=clock.now())
    services.perform(seat, bob, "return", now=clock.now())
    c.page.reload()
    expect(
        c.says(
            zh("The person sitting here just came back; you can start the clock from %(time)s.")
            % {"time": "14:10"}
        )
    ).to_be_visible()
    c.shot("cooldown")


def test_closed_room_and_english(phones, seat, carol):
    clock.travel_to(at("23:00"))
    c = phones("carol", language="en")
    c.open(f"/s/{seat.code}")
    c.sign_in(carol)
    expect(c.page.locator("html")).to_have_attribute("lang", "en")
    expect(c.page.locator(".badge")).to_contain_text("Closed")
    expect(c.says("Open hours: 07:00–22:30")).to_be_visible()
    c.shot("closed-in-english")
    c.button("中文").click()
    c.page.wait_for_load_state()
    expect(c.page.locator("html")).to_have_attribute("lang", "zh-CN")
    c.shot("closed-in-chinese")
