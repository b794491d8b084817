"""The live map and the entrance screen in a real Chromium: a scan on one phone changes the
seat's colour and shape on another phone's map (360 px) and on the entrance screen
(1920 × 1080) within 2 seconds; a tap on a seat says what can be done there; directions
are drawn and worded. Screenshots go to test-artifacts/browser/<test>/."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.library.models import Seat
from seatback.plans import services as plan_services
from seatback.plans import shapes
from seatback.plans.models import Screen
from seatback.seats.models import Hold
from tests.browser.conftest import ARTIFACTS
from tests.conftest import at
from tests.pages.conftest import zh
from tests.plans.conftest import ROOM

pytestmark = pytest.mark.browser


@pytest.fixture
def planned_room(room, seat, other_seat, lin):
    Seat.objects.create(
        room=room, label="A-003", x=8.5, y=4.5, features=["window"], reservable=True
    )
    plan_services.import_plan(lin, room, shapes.clean(ROOM), now=at("08:00"))
    seat.refresh_from_db()
    return room


def test_a_scan_on_one_phone_shows_on_another_phones_map_and_a_tap_tells_the_clock(
    phones, planned_room, seat, alice, bob, carol
):
    clock.travel_to(at("09:00"))
    Hold.objects.create(
        seat=seat, reader=bob, source=Hold.Source.CHECKIN, since=at("08:00"), closes_at=at("22:00")
    )
    c = phones("carol")
    c.open(f"/rooms/{planned_room.pk}/map")
    mark = c.page.locator(f'[data-seat="{seat.pk}"]')
    expect(mark).to_have_attribute("data-state", "held")
    expect(mark.locator("use")).to_have_attribute("href", "#shape-held")
    c.shot("map-before")

    # alice, on her own phone, starts the clock on bob's seat
    a = phones("alice")
    a.open(f"/s/{seat.code}")
    a.sign_in(alice)
    a.tap(zh("Start the clock"))  # committed before its page comes back
    scanned = time.monotonic()
    expect(mark).to_have_attribute("data-state", "challenged", timeout=2000)
    map_seconds = time.monotonic() - scanned
    expect(mark.locator("use")).to_have_attribute("href", "#shape-challenged")
    expect(c.page.locator('[data-count="challenged"]')).to_have_text("1")
    c.shot("map-after-scan")
    assert map_seconds < 2.0
    print(f"map followed in {map_seconds:.2f} s")

    # tapping the seat says how long its clock runs
    mark.tap()
    sheet = c.page.locator("[data-sheet]")
    expect(sheet).to_be_visible()
    expect(sheet.locator("[data-sheet-state]")).to_have_text(zh("Clock running"))
    expect(sheet).to_contain_text("09:20")
    expect(sheet).to_contain_text("20")
    c.shot("tapped-challenged-seat")


def test_a_seat_left_on_one_phone_shows_on_the_entrance_screen(
    phones, browser, live_server, planned_room, seat, bob
):
    clock.travel_to(at("09:00"))
    Hold.objects.create(
        seat=seat, reader=bob, source=Hold.Source.CHECKIN, since=at("08:00"), closes_at=at("22:00")
    )
    screen = Screen.objects.create(name="一楼大厅", created_at=at("08:00"))
    kiosk = browser.new_context(
        base_url=live_server.url, viewport={"width": 1920, "height": 1080}, locale="zh-CN"
    )
    wall = kiosk.new_page()
    wall.goto(f"/display/screens/{screen.pk}?key={screen.key}")
    floor = wall.locator('[data-floor="2"] .free')
    expect(floor).to_have_text("2 / 3 " + zh("free"))
    folder = ARTIFACTS / "entrance_screen"
    folder.mkdir(parents=True, exist_ok=True)
    wall.screenshot(path=str(folder / "01-before.png"))

    b = phones("bob")
    b.open(f"/s/{seat.code}")
    b.sign_in(bob)
    b.tap(zh("Leave this seat for good"))  # committed before its page comes back
    left = time.monotonic()
    expect(floor).to_have_text("3 / 3 " + zh("free"), timeout=2000)
    seconds = time.monotonic() - left
    wall.screenshot(path=str(folder / "02-after-leaving.png"))
    expect(wall.locator("[data-room-free]")).to_have_text("3")
    kiosk.close()
    assert seconds < 2.0
    print(f"screen followed in {seconds:.2f} s")


def test_tapping_a_free_seat_offers_booking_and_directions_drawn_and_worded(
    phones, planned_room, seat
):
    clock.travel_to(at("09:00"))
    window_seat = Seat.objects.get(label="A-003")
    p = phones("carol", language="en")
    p.open(f"/rooms/{planned_room.pk}/map")
    p.page.locator(f'[data-seat="{window_seat.pk}"]').tap()
    sheet = p.page.locator("[data-sheet]")
    expect(sheet.locator("[data-sheet-state]")).to_have_text("Free")
    expect(sheet).to_contain_text("Window")
    expect(sheet.get_by_role("link", name="Book it")).to_have_attribute(
        "href", f"/reserve/?room={planned_room.pk}&seat={window_seat.pk}"
    )
    p.shot("tapped-free-seat")
    sheet.get_by_role("link", name="Walk there").click()
    p.page.wait_for_load_state()
    steps = p.page.locator("[data-steps] li")
    expect(steps.first).to_have_text("Come in by 南门")
    expect(steps.last).to_have_text("A-003 is here")
    walk = p.page.locator("[data-route] polyline")
    expect(walk).to_have_count(1)
    assert len(walk.get_attribute("points").split()) >= 3
    p.shot("directions")


def test_pinch_and_the_zoom_buttons_change_the_view(phones, planned_room):
    p = phones("carol")
    p.open(f"/rooms/{planned_room.pk}/map")
    svg = p.page.locator("#map")
    before = [float(v) for v in svg.get_attribute("viewBox").split()]
    p.page.locator('[data-zoom="in"]').click()
    after = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert after[2] < before[2] * 0.8  # closer: a narrower view
    # a two-finger pinch outwards, as pointer events
    p.page.evaluate(
        """() => {
      const svg = document.getElementById("map"), r = svg.getBoundingClientRect();
      const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
      const ev = (type, id, x) => svg.dispatchEvent(new PointerEvent(type,
        {pointerId: id, clientX: x, clientY: cy, bubbles: true, pointerType: "touch"}));
      ev("pointerdown", 1, cx - 20); ev("pointerdown", 2, cx + 20);
      ev("pointermove", 2, cx + 80); ev("pointerup", 1, cx - 20); ev("pointerup", 2, cx + 80);
    }"""
    )
    pinched = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert pinched[2] < after[2] * 0.7
    p.shot("zoomed")


def test_the_nearest_free_seat_with_a_socket_in_two_taps_and_the_filters(
    phones, planned_room, seat, other_seat
):
    clock.travel_to(at("09:00"))
    p = phones("carol", language="en")
    p.open("/building")
    expect(p.page.locator(".rooms-bars")).to_contain_text("3/3 free")
    p.shot("building")
    p.open("/find/seat")  # tap 1 (the lead links it from the home page)
    p.shot("find")
    with p.page.expect_navigation():
        p.page.get_by_role("link", name="Nearest free seat with a socket").click()  # tap 2
    assert p.page.url.endswith(f"/rooms/{planned_room.pk}/map?to={seat.pk}")  # power
    expect(p.page.locator("[data-steps] li").last).to_have_text("A-001 is here")
    p.shot("nearest-socket-walk")
    # the filters: a window seat on floor 2
    p.open("/find/seat")
    p.page.get_by_label("Window").check()
    p.page.get_by_label("Floor").select_option("2")
    with p.page.expect_navigation():
        p.page.get_by_role("button", name="Find").click()
    results = p.page.locator(".found li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("A-003")
    expect(results.first).to_contain_text("m from the door")
    p.shot("filtered")


def test_an_administrator_drags_a_seat_into_place(phones, planned_room, seat, lin):
    from seatback.readers.models import Reader

    admin = Reader.objects.create_superuser("A0001", "correct horse", name="Admin 周")
    p = phones("admin", language="en")
    p.open(f"/backoffice/rooms/{planned_room.pk}/plan")
    p.sign_in(admin)
    mark = p.page.locator(f'#plan-editor [data-seat="{seat.pk}"] circle')
    box = mark.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    p.page.mouse.move(x, y)
    p.page.mouse.down()
    p.page.mouse.move(x - 40, y + 30, steps=5)
    p.page.mouse.up()
    expect(p.page.locator("[data-saved]")).to_have_text("Saved · A-001")
    p.shot("dragged")
    seat.refresh_from_db()
    assert seat.x < 10.5 and seat.y > 1.5  # moved left and down from (10.5, 1.5)


def test_a_room_with_two_doors_asks_which_one(phones, room, seat, lin):
    two_doors = {
        **ROOM,
        "seats": {"A-001": [10.5, 1.5]},
        "shapes": [*ROOM["shapes"], {"kind": "door", "points": [[10, 0], [11, 0]], "name": "北门"}],
    }
    plan_services.import_plan(lin, room, shapes.clean(two_doors), now=at("08:00"))
    p = phones("carol", language="en")
    p.open(f"/rooms/{room.pk}/map?to={seat.pk}")
    steps = p.page.locator("[data-steps] li")
    expect(steps.first).to_have_text("Come in by 南门")
    long_way = steps.count()
    p.page.get_by_label("Coming in by").select_option(label="北门")
    expect(steps.first).to_have_text("Come in by 北门")
    assert steps.count() < long_way  # A-001 is just inside the north door
    expect(p.page.locator("[data-route] polyline")).to_have_count(1)
    p.shot("from-the-north-door")
