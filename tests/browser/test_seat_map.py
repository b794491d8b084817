"""The booking seat map on a phone: a demo-sized room (7 rows of 12 seats with an aisle)
at 360 px and 414 px. No two seats overlap, every seat is a 44 px target, and a tap on a
seat selects exactly that seat."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.library.models import Seat
from tests.conftest import at

pytestmark = pytest.mark.browser


@pytest.fixture
def big_room(room):
    Seat.objects.bulk_create(
        Seat(
            room=room,
            label=f"{chr(65 + row)}-{column + 1:02d}",
            x=column + (1.0 if column >= 6 else 0.0),  # an aisle in the middle
            y=row * 1.5,
            reservable=True,
        )
        for row in range(7)
        for column in range(12)
    )
    return room


@pytest.mark.parametrize("width", [360, 414])
def test_a_tap_selects_the_seat_under_the_finger(phones, big_room, alice, width):
    clock.travel_to(at("08:00"))
    a = phones("alice", viewport={"width": width, "height": 800})
    a.open(f"/reserve/?room={big_room.pk}")
    a.sign_in(alice)
    spots = a.page.locator(".seatmap .spot")
    expect(spots).to_have_count(84)
    boxes = [spots.nth(i).bounding_box() for i in range(84)]
    for box in boxes:
        assert box["width"] >= 44 and box["height"] >= 44
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            apart = (
                one["x"] + one["width"] <= other["x"]
                or other["x"] + other["width"] <= one["x"]
                or one["y"] + one["height"] <= other["y"]
                or other["y"] + other["height"] <= one["y"]
            )
            assert apart, "two seats overlap"
    # The page itself does not scroll sideways; the map does, inside its box.
    assert a.page.evaluate("document.documentElement.scrollWidth") <= width
    a.shot(f"map-{width}")

    for label in ("A-01", "A-02", "C-07"):
        target = a.page.get_by_role("link", name=a.t("Seat %(label)s, free") % {"label": label})
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        with a.page.expect_navigation():
            a.page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        chosen = a.page.locator(".seatmap .spot-chosen")
        expect(chosen).to_have_text(label)
        expect(a.page.locator(".reserve-form button")).to_contain_text(label)
    a.shot(f"map-{width}-chosen")
    a.page.locator(".seatmap").scroll_into_view_if_needed()
    a.page.evaluate("window.scrollBy(0, 120)")
    a.document(f"seat-map-{width}")
