"""Every reader page at 360 px in WeChat's browser, in both languages: WeUI's look, the
bottom tab bar, 44 px targets, no sideways scrolling, and no serious or critical
accessibility violation reported by axe-core. Screenshots of each page are saved."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.library.models import Seat
from seatback.reservations import services as bookings
from seatback.seats import services
from tests.conftest import at
from tests.pages.conftest import give_seat

pytestmark = pytest.mark.browser


def check(phone, name: str) -> None:
    """What every reader page must be: no sideways scroll, tab targets of 44 px, axe clean."""
    phone.page.wait_for_load_state()
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: the page scrolls sideways ({width} px)"
    for box in phone.page.locator(
        ".tabbar a, button:visible, a.button:visible, .find-seats a"
    ).all():
        size = box.bounding_box()
        assert size is not None and size["height"] >= 44, f"{name}: a target under 44 px"
    problems = phone.accessibility_problems()
    assert problems == [], f"{name}: {problems}"
    phone.shot(name)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_reader_pages_look_like_wechat_and_pass_axe(
    phones, language, room, seat, other_seat, alice, bob
):
    clock.travel_to(at("09:00"))
    bookable = Seat.objects.create(room=room, label="B-001", x=1, y=1, reservable=True)
    give_seat(other_seat, bob)
    bookings.reserve(bookable, alice, at("14:00"), at("15:00"), now=at("08:00"))
    a = phones("alice", language=language)

    a.open("/")
    expect(a.page.locator(".tabbar a")).to_have_count(4)
    check(a, "home-signed-out")
    a.open(f"/s/{seat.code}")
    check(a, "seat-signed-out")
    a.open("/login")
    check(a, "login")
    a.sign_in(alice)
    a.open("/")
    home_tab = "Home" if language == "en" else "首页"
    expect(a.page.locator(".tabbar [aria-current=page]")).to_have_text(home_tab)
    check(a, "home")
    a.open("/find")
    check(a, "find")
    a.open(f"/s/{seat.code}")
    expect(a.page.locator("link[href*='weui']")).to_have_count(1)
    check(a, "seat-free")
    a.tap(a.t("Start the clock"))
    check(a, "seat-clock-running")
    a.document(f"seat-countdown-{language}")
    a.open("/me")
    check(a, "me")
    a.open("/reserve/")
    check(a, "reserve-rooms")
    a.open(f"/reserve/?room={room.pk}&seat={bookable.pk}")
    check(a, "reserve-map")
    a.open("/reserve/mine")
    check(a, "my-reservations")
    with a.page.expect_navigation():
        a.page.locator(".cancel-link").first.click()
    check(a, "cancel-asks-first")
    a.open("/s/not-a-seat-code")
    check(a, "unknown-seat")
    a.open("/backoffice/")
    check(a, "forbidden")
    a.open("/no-such-page")
    check(a, "not-found")


def test_stepping_out_shows_its_own_countdown_and_why_it_cannot_again(phones, seat, bob):
    # Half a minute past, so the answer below does not depend on how fast the page is.
    clock.travel_to(at("09:00") + timedelta(seconds=30))
    give_seat(seat, bob)
    b = phones("bob")
    b.open(f"/s/{seat.code}")
    b.sign_in(bob)
    with b.page.expect_navigation():
        b.page.get_by_role("button", name="15").first.click()
    expect(b.page.locator(".countdown-away .digits")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    expect(b.page.locator(".countdown-away")).to_contain_text(b.t("left of your step-out"))
    b.shot("stepped-out")
    b.document("step-out-countdown")
    b.tap(b.t("I'm back"))
    # The step-out choices are gone, and the page says why and until when.
    expect(b.page.locator(".action-step-out")).to_have_count(0)
    # The server's clock runs on from 09:00:30, so the step-out ended some seconds past
    # 09:00:30 and the next one is possible from the first whole minute after 09:10:30.
    expect(b.page.locator(".note")).to_have_text(
        b.t("You can step out again from %(time)s.") % {"time": "09:11"}
    )
    b.shot("no-step-out-for-now")


def test_sign_in_keeps_the_card_number_after_a_wrong_password(phones, alice):
    a = phones("alice")
    a.open("/login")
    a.page.get_by_label(a.t("Card number")).fill(alice.card_number)
    a.page.get_by_label(a.t("Password")).fill("wrong")
    a.page.get_by_role("button", name=a.t("Sign in"), exact=True).click()
    expect(a.page.get_by_role("alert")).to_be_visible()
    expect(a.page.get_by_label(a.t("Card number"))).to_have_value(alice.card_number)
    a.shot("wrong-password")


def test_a_first_visit_follows_the_phone_language_and_the_button_overrides_it(phones, seat):
    e = phones("erin", locale="en-US")
    e.open("/")
    expect(e.page.locator("html")).to_have_attribute("lang", "en")
    expect(e.page.get_by_role("heading", name="Reading rooms")).to_be_visible()
    with e.page.expect_navigation():
        e.page.get_by_role("button", name="中文").click()
    expect(e.page.locator("html")).to_have_attribute("lang", "zh-CN")
    e.open("/")
    expect(e.page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_the_home_page_puts_the_clock_on_my_seat_first(phones, seat, alice, bob):
    clock.travel_to(at("09:00"))
    give_seat(seat, bob)
    services.perform(seat, alice, "challenge", now=at("09:00"))
    clock.travel(timedelta(minutes=3))
    b = phones("bob")
    b.open("/login?next=/")
    b.sign_in(bob)
    urgent = b.page.locator(".urgent").first
    expect(urgent).to_contain_text(b.t("Someone started the clock on your seat"))
    expect(urgent.locator(".countdown .digits")).to_have_text(re.compile(r"^1[67]:\d\d$"))
    first_box = urgent.bounding_box()
    rooms_box = b.page.locator(".rooms").bounding_box()
    assert first_box["y"] < rooms_box["y"]
    b.shot("clock-on-my-seat")
    b.document("home-clock-on-my-seat")
    b.tap(b.t("I'm back"))
    assert b.page.url.endswith("/")
    expect(b.says(b.t("Welcome back. The seat stays yours."))).to_be_visible()
    expect(b.page.locator(".urgent")).to_have_count(0)
    b.shot("back")


def test_a_phone_in_dark_mode_still_reads_well(phones, seat):
    """WeUI follows the phone's dark mode unless told; our pages are light throughout, so
    they tell it, and text keeps its contrast."""
    d = phones("dora", color_scheme="dark")
    for path, name in (("/", "home-dark"), ("/no-such-page", "not-found-dark")):
        d.open(path)
        check(d, name)
        # axe leaves half-transparent text for review, so measure the heading ourselves:
        # dark text on the white card.
        rgb = d.page.evaluate(
            "getComputedStyle(document.querySelector('h1')).color.match(/[\\d.]+/g).map(Number)"
        )
        red, green, blue, *alpha = rgb
        assert (red + green + blue) / 3 < 100 and (not alpha or alpha[0] > 0.8), rgb
