"""Exports of a range open in a spreadsheet and carry the same figures as the page; a room
name that looks like a formula stays text."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from seatback.library.models import Room
from tests.analytics.story import played  # noqa: F401 (a fixture)
from tests.conftest import DAY

pytestmark = pytest.mark.usefixtures("played")


def _rows_of(table: list[list[object]], day: str, room: str) -> dict[str, object]:
    header = [str(h) for h in table[0]]
    [row] = [r for r in table[1:] if str(r[0]) == day and r[2] == room]
    return dict(zip(header, row, strict=True))


def test_the_excel_file_opens_and_matches_the_figures(as_lin: Client, room: Room) -> None:
    response = as_lin.get("/backoffice/analytics/export.xlsx", {"from": str(DAY), "to": str(DAY)})

    assert response.status_code == 200
    assert (
        'filename="seatback-figures-2026-12-01-2026-12-01.xlsx"' in response["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    mine = _rows_of(table, str(DAY), "二楼自习室")
    assert mine["clocks started"] == 3 and mine["clocks ended in a claim"] == 1
    assert mine["hogged seat-minutes recovered"] == 30
    assert mine["occupancy"] == pytest.approx(415 / (2 * 930), abs=1e-4)
    assert mine["busiest hours"] == "10:00 11:00 12:00"
    assert _rows_of(table, str(DAY), "the whole library")["bans"] == 1


def test_the_csv_matches_and_a_formula_looking_name_stays_text(as_lin: Client, room: Room) -> None:
    room.name = '=HYPERLINK("http://evil")'
    room.save()

    response = as_lin.get("/backoffice/analytics/export.csv", {"from": str(DAY), "to": str(DAY)})

    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = _rows_of(table, str(DAY), '\'=HYPERLINK("http://evil")')
    assert row["clocks answered by a return"] == "1" and row["step-outs"] == "1"
