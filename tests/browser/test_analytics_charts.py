"""The analytics charts render in a real Chromium with data: lin signs in, opens the
analytics page for three weeks of simulated history, sees the heat map, the rooms' curves
and the daily clocks drawn by ECharts (as SVG), prints it, follows a figure to its rows,
and runs the what-if simulator. Screenshots in test-artifacts/browser/<test>/."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from seatback.analytics.history import write_days
from seatback.analytics.rollup import roll_up
from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from tests.analytics.test_calibration import TRUE
from tests.browser.conftest import ARTIFACTS
from tests.conftest import DAY, PASSWORD, at, make_reader
from tests.pages.conftest import zh

pytestmark = pytest.mark.browser
FIRST = DAY - timedelta(days=21)


@pytest.fixture
def library_with_history(library: Library, lin: Reader) -> list[Room]:
    readers = [make_reader(f"2025{n:04d}", f"reader {n}") for n in range(30)]
    rooms = []
    for name, floor, seats, busier in (
        ("二楼东自习室", "2", 30, 1.0),
        ("三楼考研自习室", "3", 24, 1.4),
    ):
        room = Room.objects.create(library=library, name=name, floor=floor)
        Seat.objects.bulk_create(Seat(room=room, label=f"A-{n:02d}") for n in range(seats))
        behaviour = TRUE.with_values(
            arrivals_per_hour=tuple(rate * busier for rate in TRUE.arrivals_per_hour)
        )
        write_days(
            room,
            FIRST,
            DAY - timedelta(days=1),
            seed=len(rooms) + 1,
            behaviour=behaviour,
            readers=readers,
        )
        rooms.append(room)
    roll_up(FIRST, DAY - timedelta(days=2), at("09:00"))  # yesterday stays unrolled: both paths
    clock.travel_to(at("09:00"))
    return rooms


@pytest.fixture
def desk(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Any:
    """lin's desktop browser, signed in."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(10000)
    page = context.new_page()
    page.shots = folder  # type: ignore[attr-defined]
    yield page
    context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(page.shots / f"{name}.png"), full_page=True)


def test_the_charts_render_with_data_and_lead_to_the_rows(
    desk: Any, library_with_history: list[Room], lin: Reader
) -> None:
    page = desk
    page.goto("/backoffice/analytics/")
    page.get_by_label(zh("Card number")).fill(lin.card_number)
    page.get_by_label(zh("Password")).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Sign in"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(zh("Seat analytics"))
    for chart in ("#heat-chart", "#curve-chart", "#daily-chart"):
        expect(page.locator(f"{chart}[data-drawn=yes] svg")).to_have_count(1)
    # the heat map: a cell per open hour and weekday, the busiest labelled with its share
    cells = page.locator("#heat-chart svg path[fill]")
    assert cells.count() > 7 * 12
    # both rooms are compared on the curves' legend
    expect(page.locator("#curve-chart")).to_contain_text("二楼东自习室")
    expect(page.locator("#curve-chart")).to_contain_text("三楼考研自习室")
    expect(page.locator("table.figures")).to_contain_text(zh("the whole library"))
    shot(page, "01-analytics")

    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    expect(page.locator("header.bar")).to_be_hidden()
    expect(page.locator("#heat-chart svg")).to_be_visible()
    shot(page, "02-printed")
    page.emulate_media(media="screen")

    # a room's claims lead to the claimed clocks, each seat to its timeline
    row = page.locator("table.figures tbody tr").first
    claims = row.locator("td.num a").nth(3)
    count = int(claims.inner_text())
    with page.expect_navigation():
        claims.click()
    expect(page.locator("table.rows-behind tbody tr")).to_have_count(min(count, 100))
    shot(page, "03-rows-behind")
    with page.expect_navigation():
        page.locator("table.rows-behind tbody tr a").first.click()
    expect(page.locator(".answer")).to_be_visible()
    shot(page, "04-seat-timeline")

    page.goto("/backoffice/analytics/simulate/")
    page.get_by_label(zh("Days of records")).fill("14")
    page.get_by_label("leave_allowance_minutes").fill("10")
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Simulate"), exact=True).click()
    expect(page.locator("#result")).to_contain_text(zh("Validation"))
    expect(page.locator("table.predicted")).to_contain_text("leave_allowance_minutes=10")
    shot(page, "05-what-if")
