"""The entrance screen runs all day: after two hours of its own clock (fast-forwarded) and a
hundred polls, it shows the server's time, not its own drifted one, and holds no more DOM
nodes or memory than after the first minutes. Screenshot in
test-artifacts/browser/entrance_screen_all_day/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from seatback.core import clock
from seatback.plans.models import Screen
from tests.browser.conftest import ARTIFACTS
from tests.conftest import at

pytestmark = pytest.mark.browser

COUNT_NODES = "() => document.getElementsByTagName('*').length"


def test_it_runs_all_day_without_drifting_or_growing(browser, live_server, seat, other_seat):
    clock.travel_to(at("09:00"))
    screen = Screen.objects.create(name="一楼大厅", created_at=at("08:00"))
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1920, "height": 1080}, locale="zh-CN"
    )
    page = context.new_page()
    # The kiosk's own clock is three hours fast, and we will run it faster still.
    page.clock.install(time=at("12:00").timestamp())
    page.goto(f"/display/screens/{screen.pk}?key={screen.key}")
    expect(page.locator("[data-clock]")).to_have_text("09:00")  # the server's, not its own
    cdp = context.new_cdp_session(page)

    def heap() -> float:
        cdp.send("HeapProfiler.collectGarbage")
        return float(cdp.send("Runtime.getHeapUsage")["usedSize"])

    def minutes(n: int) -> None:
        for _ in range(n):
            page.clock.fast_forward(60_000)  # a minute of clock, rotation and one poll
            page.wait_for_timeout(40)

    minutes(10)
    nodes, used = page.evaluate(COUNT_NODES), heap()
    clock.travel_to(at("11:00"))
    minutes(110)
    expect(page.locator("[data-clock]")).to_have_text("11:00")
    assert page.evaluate(COUNT_NODES) == nodes
    grown = heap() - used
    folder = ARTIFACTS / "entrance_screen_all_day"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "after-two-hours.png"))
    context.close()
    print(f"nodes {nodes}, heap {used / 1024:.0f} KiB, grown {grown / 1024:.1f} KiB")
    assert grown < 512 * 1024, f"the heap grew by {grown / 1024:.0f} KiB in 110 minutes"
