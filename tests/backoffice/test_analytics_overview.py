"""The analytics page: a librarian sees each room's figures for a range, with the chart
data, and each figure links to the rows behind it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from seatback.library.models import Room
from seatback.readers.models import Reader
from tests.analytics.story import played  # noqa: F401 (a fixture)
from tests.conftest import DAY

pytestmark = pytest.mark.usefixtures("played")


def test_the_page_shows_the_figures_and_the_chart_data(as_lin: Client, room: Room) -> None:
    page = as_lin.get(
        "/backoffice/analytics/", {"from": str(DAY - timedelta(days=6)), "to": str(DAY)}
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert "Seat analytics" in text and "二楼自习室" in text
    [line] = page.context["lines"]
    assert line["seats"] == 2  # seats, not seat-days
    cells = {cell["value"] for cell in line["cells"]}
    assert {3, 1, 30.0} <= cells  # clocks started, claims, minutes recovered
    charts = page.context["charts"]
    assert [10, DAY.weekday(), 50.0] in charts["heat"]
    assert charts["curves"][0]["name"] == "二楼自习室"
    assert charts["daily"]["clocks_started"][-1] == 3
    assert "backoffice/echarts/echarts.min.js" in text and 'id="analytics-charts"' in text


def test_each_figure_links_to_the_rows_behind_it(as_lin: Client, room: Room) -> None:
    page = as_lin.get("/backoffice/analytics/", {"from": str(DAY), "to": str(DAY)})

    [line] = page.context["lines"]
    claimed = line["cells"][3]
    assert claimed["value"] == 1
    rows = as_lin.get(claimed["link"])
    assert rows.status_code == 200
    [claim] = rows.context["lines"]
    assert claim["reader"].name == "Carol 张" and claim["detail"] == "25.0 min"
    assert f"/backoffice/seats/{claim['seat'].pk}/?date={DAY}&amp;at=14:00" in rows.content.decode()


def test_a_bad_range_is_said_and_the_last_four_weeks_shown(as_lin: Client) -> None:
    page = as_lin.get("/backoffice/analytics/", {"from": "2026-12-09", "to": "2026-12-01"})

    assert "the first not after the last" in page.content.decode()
    assert (page.context["asked"].last - page.context["asked"].first).days == 27


def test_a_reader_may_not_see_it(client_for, alice: Reader) -> None:
    assert client_for(alice).get("/backoffice/analytics/").status_code == 403
