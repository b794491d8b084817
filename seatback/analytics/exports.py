"""A range's figures as a table, as CSV and as an Excel workbook (openpyxl).

One row per room and day (and one per day for the library's own figures). A text cell that
a spreadsheet would read as a formula (starting with =, +, -, @) is written with a leading
quote, so a room named "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from seatback.analytics.figures import COUNTS, Figures
from seatback.analytics.selectors import Report
from seatback.analytics.words import FIGURE_NAMES

FORMULA_STARTS = ("=", "+", "-", "@")
COLUMNS = (
    "day",
    "floor",
    "room",
    *COUNTS[:1],
    "occupancy",
    "turnover",
    *COUNTS[1:],
    "busiest_hours",
)


def neutral(value: Any) -> Any:
    """Text that starts like a formula gets a leading quote; other values are kept."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def header() -> list[str]:
    names = {"day": _("day"), "floor": _("floor"), "room": _("room")}
    return [names.get(column) or str(FIGURE_NAMES[column]) for column in COLUMNS]


def _value(figures: Figures, column: str) -> Any:
    if column == "recovered_seconds":
        return figures.recovered_minutes
    if column == "busiest_hours":
        return " ".join(f"{hour:02d}:00" for hour in figures.busiest_hours())
    return getattr(figures, column)


def rows(report: Report) -> list[list[Any]]:
    """One row per (room, day) with figures, rooms in floor order, then the library's."""
    order = {room.pk: n for n, room in enumerate(report.rooms)}
    rooms = {room.pk: room for room in report.rooms}
    table = []
    keys = sorted(report.cells, key=lambda k: (k[1], order.get(k[0], len(order))))  # type: ignore[arg-type]
    for room_id, day in keys:
        figures = report.cells[(room_id, day)]
        room = rooms.get(room_id) if room_id is not None else None
        if room_id is not None and room is None:
            continue
        where = [room.floor, room.name] if room else ["", str(FIGURE_NAMES["library"])]
        line = [day.isoformat(), *where]
        line += [_value(figures, column) for column in COLUMNS[3:]]
        table.append([neutral(cell) for cell in line])
    return table


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    writer.writerows(rows(report))
    return out.getvalue()


def as_xlsx(report: Report) -> bytes:
    # Imported here: openpyxl is ~6 MB per worker that only this download needs.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{report.first:%Y-%m-%d}..{report.last:%Y-%m-%d}"
    sheet.append(header())
    for line in rows(report):
        sheet.append(line)
    sheet.freeze_panes = "D2"
    for n, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = 16 if column == "room" else 11
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
