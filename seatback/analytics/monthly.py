"""The monthly report for the library's leadership: one A4 PDF with the month's figures
beside the month before, each room's, the weekday × hour heat map and the rooms' curves.
Drawn with reportlab (already used for label sheets), Chinese text in the embedded font."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from seatback.analytics.figures import HOURS, Figures
from seatback.analytics.selectors import Report, report
from seatback.analytics.words import FIGURE_NAMES
from seatback.labels.sheets import register_font
from seatback.library.models import Library

LINE_COLOURS = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2"]


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def _key_figures(figures: Figures) -> list[tuple[str, str]]:
    return [
        (str(FIGURE_NAMES["occupancy"]), _percent(figures.occupancy)),
        (str(FIGURE_NAMES["turnover"]), f"{figures.turnover or 0:g}"),
        (str(FIGURE_NAMES["holds_started"]), str(figures.holds_started)),
        (str(FIGURE_NAMES["clocks_started"]), str(figures.clocks_started)),
        (str(FIGURE_NAMES["clocks_claimed"]), str(figures.clocks_claimed)),
        (str(FIGURE_NAMES["clocks_returned"]), str(figures.clocks_returned)),
        (_("hogged seat-hours recovered"), f"{figures.recovered_minutes / 60:.1f}"),
        (str(FIGURE_NAMES["step_outs"]), str(figures.step_outs)),
        (str(FIGURE_NAMES["step_outs_overrun"]), str(figures.step_outs_overrun)),
        (str(FIGURE_NAMES["bookings"]), str(figures.bookings)),
        (str(FIGURE_NAMES["no_shows"]), str(figures.no_shows)),
        (str(FIGURE_NAMES["cancellations"]), str(figures.cancellations)),
        (str(FIGURE_NAMES["violations"]), str(figures.violations)),
        (str(FIGURE_NAMES["bans"]), str(figures.bans)),
        (
            str(FIGURE_NAMES["busiest_hours"]),
            " ".join(f"{h:02d}:00" for h in figures.busiest_hours()),
        ),
    ]


def _heat_map(found: Report, font: str) -> Drawing:
    width, height = 170 * mm, 62 * mm
    drawing = Drawing(width, height)
    left, top, cell_w, cell_h = 14 * mm, height - 4 * mm, (156 * mm) / HOURS, 7 * mm
    weekdays = [str(WEEKDAYS_ABBR[day]) for day in range(7)]
    for weekday, row in enumerate(found.heat_map()):
        y = top - (weekday + 1) * cell_h
        drawing.add(String(2 * mm, y + 2 * mm, weekdays[weekday], fontName=font, fontSize=7))
        for hour, share in enumerate(row):
            shade = colors.white if share is None else colors.Color(0.09, 0.64, 0.29, alpha=share)
            drawing.add(
                Rect(
                    left + hour * cell_w,
                    y,
                    cell_w,
                    cell_h,
                    fillColor=shade,
                    strokeColor=colors.lightgrey,
                    strokeWidth=0.3,
                )
            )
            if share:
                drawing.add(
                    String(
                        left + hour * cell_w + cell_w / 2,
                        y + 2.3 * mm,
                        f"{share * 100:.0f}",
                        fontName=font,
                        fontSize=5.5,
                        textAnchor="middle",
                    )
                )
    for hour in range(HOURS):
        drawing.add(
            String(
                left + hour * cell_w + cell_w / 2,
                top - 7 * cell_h - 4 * mm,
                f"{hour:02d}",
                fontName=font,
                fontSize=6,
                textAnchor="middle",
            )
        )
    return drawing


def _curves(found: Report, font: str) -> Drawing:
    drawing = Drawing(170 * mm, 70 * mm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 14 * mm, 16 * mm, 150 * mm, 48 * mm
    data, names = [], []
    for room, curve in found.curves():
        points = [(hour, share * 100) for hour, share in enumerate(curve) if share is not None]
        if points:
            data.append(points)
            names.append(room.name)
    if not data:
        return drawing
    plot.data = data
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax, plot.xValueAxis.valueStep = 0, 23, 2
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 20
    plot.xValueAxis.labels.fontName = plot.yValueAxis.labels.fontName = font
    for n in range(len(data)):
        plot.lines[n].strokeColor = colors.HexColor(LINE_COLOURS[n % len(LINE_COLOURS)])
        plot.lines[n].strokeWidth = 1.2
    drawing.add(plot)
    for n, name in enumerate(names):
        x = 14 * mm + (n % 3) * 52 * mm
        y = 4 * mm - (n // 3) * 4 * mm + 2 * mm
        colour = colors.HexColor(LINE_COLOURS[n % len(LINE_COLOURS)])
        drawing.add(Rect(x, y, 6 * mm, 1.5 * mm, fillColor=colour, strokeColor=colour))
        drawing.add(String(x + 8 * mm, y, name, fontName=font, fontSize=7))
    return drawing


def monthly_pdf(month: date, now: datetime) -> bytes:
    """The report of the calendar month containing `month`."""
    font = register_font(None)
    first, last = month_bounds(month)
    before = month_bounds(first - timedelta(days=1))
    this, previous = report(first, last, now), report(*before, now)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4)
    heading = ParagraphStyle("heading", fontName=font, fontSize=11, leading=16, spaceBefore=8)
    body = ParagraphStyle("body", fontName=font, fontSize=8, leading=11)
    grid = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), font, 8),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.lightgrey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f4f4f5")),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ]
    )
    now_figures, then_figures = this.total(), previous.total()
    key_rows = [[_("figure"), f"{first:%Y-%m}", f"{before[0]:%Y-%m}"]]
    key_rows += [
        [name, value, old]
        for (name, value), (_n, old) in zip(
            _key_figures(now_figures), _key_figures(then_figures), strict=True
        )
    ]
    room_rows = [
        [
            _("reading room"),
            str(FIGURE_NAMES["occupancy"]),
            str(FIGURE_NAMES["clocks_started"]),
            str(FIGURE_NAMES["clocks_claimed"]),
            _("hogged seat-hours recovered"),
            str(FIGURE_NAMES["no_shows"]),
        ]
    ]
    for room, figures in this.per_room():
        room_rows.append(
            [
                room.name,
                _percent(figures.occupancy),
                str(figures.clocks_started),
                str(figures.clocks_claimed),
                f"{figures.recovered_minutes / 60:.1f}",
                str(figures.no_shows),
            ]
        )
    story = [
        Paragraph(
            _("%(library)s · seat report %(month)s")
            % {"library": Library.get().name, "month": f"{first:%Y-%m}"},
            title,
        ),
        Paragraph(
            _(
                "Figures from Seatback's records of %(first)s to %(last)s, beside the month "
                "before. Hogged seat-hours recovered: for each claim, the time from the clock's "
                "start until the claim; for each answered clock, the time until the holder came "
                "back."
            )
            % {"first": first, "last": last},
            body,
        ),
        Spacer(1, 4 * mm),
        Table(key_rows, colWidths=[80 * mm, 40 * mm, 40 * mm], style=grid),
        Paragraph(_("Reading rooms"), heading),
        Table(room_rows, style=grid, repeatRows=1),
        KeepTogether(
            [Paragraph(_("Occupancy by weekday and hour (%)"), heading), _heat_map(this, font)]
        ),
        KeepTogether(
            [Paragraph(_("Occupancy by hour, rooms compared (%)"), heading), _curves(this, font)]
        ),
    ]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Seatback {first:%Y-%m}",
        author="Seatback",
    )
    document.build(story)
    return out.getvalue()
