"""A librarian settles a staged dispute from the timeline alone, in a real Chromium: she
scans the seat's code with her phone, follows "timeline (librarian)", and asks who held the
seat at 09:45 while the two readers stand next to her."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.seats import services
from tests.backoffice.test_timeline import stage_dispute
from tests.conftest import at
from tests.pages.conftest import zh

pytestmark = pytest.mark.browser


def test_a_librarian_settles_a_dispute_from_the_timeline(phones, seat, alice, bob, lin):
    stage_dispute(seat, alice, bob)
    clock.travel_to(at("10:10"))
    phone = phones("lin")

    # She scans the seat's QR code like any reader and signs in on that page.
    phone.open(f"/s/{seat.code}")
    phone.sign_in(lin)
    link = phone.page.get_by_role("link", name=zh("timeline (librarian)"))
    expect(link).to_be_visible()
    phone.shot("seat-page-with-timeline-link")
    with phone.page.expect_navigation():
        link.click()

    # Now: alice holds the seat since 09:52.
    now_box = phone.page.locator("#now")
    expect(now_box).to_contain_text(zh("Held by"))
    expect(now_box).to_contain_text("20230001")
    expect(now_box).to_contain_text("2026-12-01 09:52:00")
    # bob's late "I'm back" is in the timeline, refused.
    expect(phone.page.locator("tr.refused").first).to_contain_text("09:58:00")
    phone.shot("timeline")

    # bob says he was sitting there at 09:45. Who held it then?
    phone.page.get_by_label(zh("Time"), exact=True).fill("09:45")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name=zh("Ask"), exact=True).click()
    answer = phone.page.locator(".answer")
    expect(answer).to_contain_text("Bob 王 (20230002)")
    expect(answer).to_contain_text("2026-12-01 09:05:00")
    expect(answer).to_contain_text("09:50:00")  # alice's deadline: bob had until then
    expect(answer).to_contain_text(zh("claimed by the challenger"))
    answer.scroll_into_view_if_needed()
    phone.shot("who-held-it-at-0945")

    # And at 09:55, after the deadline: alice.
    phone.page.get_by_label(zh("Time"), exact=True).fill("09:55")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name=zh("Ask"), exact=True).click()
    expect(phone.page.locator(".answer")).to_contain_text("Alice 李 (20230001)")
    phone.shot("who-held-it-at-0955")


def test_the_room_overview_refreshes_by_itself(phones, room, seat, other_seat, alice, lin):
    clock.travel_to(at("09:00"))
    screen = phones("lin")
    screen.open(f"/login?next=/backoffice/rooms/{room.pk}/")
    screen.sign_in(lin)
    grid_seat = screen.page.locator(f'[data-seat="{seat.pk}"]')
    expect(grid_seat).to_have_class("seat seat-free")
    expect(screen.page.locator('[data-count="challenged"]')).to_have_text("0")
    screen.shot("overview-before")

    services.perform(seat, alice, "challenge", now=clock.now())
    # Nobody touches the page: within one polling turn (5 s) it shows the running clock.
    expect(grid_seat).to_have_class("seat seat-challenged", timeout=8000)
    expect(screen.page.locator('[data-count="challenged"]')).to_have_text("1")
    screen.shot("overview-after")
