"""Seat analytics for librarians (docs/analytics.md): figures per room, floor and library
for a range of days, with charts; the rows behind each figure; CSV and Excel exports; and
the what-if simulator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from seatback.analytics import exports
from seatback.analytics.figures import HOURS, Figures
from seatback.analytics.selectors import BEHIND, LONGEST_RANGE, Report, report, rows_behind
from seatback.analytics.whatif import SIMULATED_KEYS, UnsimulatedKey, what_if
from seatback.analytics.words import FIGURE_NAMES
from seatback.backoffice.access import librarian_required, staff
from seatback.backoffice.forms import local_today, parse_local_date
from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import refusal_response
from seatback.library.models import Room
from seatback.library.policy import PolicyError
from seatback.readers.models import Violation
from seatback.reservations.models import Reservation
from seatback.seats.models import Challenge, Hold, ScanRecord

DEFAULT_DAYS = 28
# A page answers within seconds: fewer simulated days than the command's default.
SIMULATE_LONGEST_DAYS, SIMULATE_RUNS, SIMULATIONS_PER_MINUTE = 60, 30, 6


@dataclass
class Range:
    first: date
    last: date
    rooms: list[int] = field(default_factory=list)

    def query(self, **more: Any) -> str:
        values: list[tuple[str, Any]] = [("from", self.first), ("to", self.last)]
        values += [("room", room) for room in self.rooms]
        values += [(key, value) for key, value in more.items() if value is not None]
        return urlencode(values)


def asked_range(request: HttpRequest) -> Range:
    """The range the page was asked for (?from=&to=&room=…), else the last four weeks."""
    today = local_today(clock.now())
    first = parse_local_date(request.GET.get("from", ""))
    last = parse_local_date(request.GET.get("to", ""))
    rooms = [int(r) for r in request.GET.getlist("room") if r.isascii() and r.isdigit()]
    if (request.GET.get("from") or request.GET.get("to")) and (
        first is None or last is None or first > last or last - first > LONGEST_RANGE
    ):
        messages.error(
            request, _("Give two dates, the first not after the last, a year apart at most.")
        )
        first = last = None
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    return Range(first, last, rooms)


def _cells(figures: Figures, asked: Range, room_ids: list[int]) -> list[dict[str, Any]]:
    base = reverse("analytics:rows")
    cells = []
    for name in BEHIND:
        value: Any = (
            figures.recovered_minutes if name == "recovered_seconds" else getattr(figures, name)
        )
        link = None
        if value:
            link = f"{base}?{Range(asked.first, asked.last, room_ids).query(figure=name)}"
        cells.append({"value": value, "link": link})
    return cells


def _line(
    label: str,
    figures: Figures,
    asked: Range,
    room_ids: list[int],
    days: int,
    room: Room | None = None,
) -> dict[str, Any]:
    return {
        "label": label,
        "room": room,
        "figures": figures,
        "seats": round(figures.seats / days) if days else 0,  # figures add up seat-days
        "turnover": figures.turnover,
        "occupancy": figures.occupancy,
        "busiest": [f"{hour:02d}:00" for hour in figures.busiest_hours()],
        "cells": _cells(figures, asked, room_ids),
    }


def _charts(found: Report) -> dict[str, Any]:
    heat = found.heat_map()
    days = found.per_day()
    return {
        "hours": [f"{hour:02d}" for hour in range(HOURS)],
        "weekdays": [str(WEEKDAYS_ABBR[day]) for day in range(7)],
        "heat": [
            [hour, weekday, round(share * 100, 1)]
            for weekday, row in enumerate(heat)
            for hour, share in enumerate(row)
            if share is not None
        ],
        "curves": [
            {"name": room.name, "data": [None if s is None else round(s * 100, 1) for s in curve]}
            for room, curve in found.curves()
        ],
        "days": [day.isoformat() for day, _f in days],
        "daily": {
            "clocks_started": [f.clocks_started for _d, f in days],
            "clocks_claimed": [f.clocks_claimed for _d, f in days],
            "clocks_returned": [f.clocks_returned for _d, f in days],
            "occupancy": [
                None if f.occupancy is None else round(f.occupancy * 100, 1) for _d, f in days
            ],
        },
        "names": {key: str(value) for key, value in FIGURE_NAMES.items()},
        "labels": {
            "occupancy": _("occupancy %"),
            "weekday": _("weekday"),
            "hour": _("hour"),
        },
    }


@librarian_required
def overview(request: HttpRequest) -> HttpResponse:
    asked = asked_range(request)
    found = report(asked.first, asked.last, clock.now(), asked.rooms or None)
    floors = {room.floor for room in found.rooms}
    days = found.days_counted
    lines = [_line(room.name, f, asked, [room.pk], days, room) for room, f in found.per_room()]
    floor_lines = [
        _line(
            _("floor %s") % floor, f, asked, [r.pk for r in found.rooms if r.floor == floor], days
        )
        for floor, f in found.per_floor()
    ]
    return render(
        request,
        "backoffice/analytics_overview.html",
        {
            "asked": asked,
            "query": asked.query(),
            "all_rooms": Room.objects.order_by("floor", "name"),
            "lines": lines,
            "floor_lines": floor_lines if len(floors) > 1 else [],
            "total": _line(_("the whole library"), found.total(), asked, asked.rooms, days),
            "heads": [FIGURE_NAMES[name] for name in BEHIND],
            "charts": _charts(found),
        },
    )


# The rows behind a figure ---------------------------------------------------------------


def _line_of(
    at: Any, seat: Any, reader: Any, what: Any, until: Any = None, detail: Any = ""
) -> dict[str, Any]:
    return {
        "at": at,
        "seat": seat,
        "reader": reader,
        "what": what,
        "until": until,
        "detail": detail,
    }


def _row(item: Any) -> dict[str, Any]:
    """A record as a line: when, the seat (to its timeline), the reader, what."""
    if isinstance(item, Hold):
        return _line_of(
            item.since,
            item.seat,
            item.reader,
            item.get_source_display(),
            item.ended_at,
            item.get_end_reason_display(),
        )
    if isinstance(item, Challenge):
        minutes = (
            round((item.ended_at - item.started_at).total_seconds() / 60, 1)
            if item.ended_at
            else None
        )
        detail = _("%s min") % minutes if minutes is not None else ""
        return _line_of(
            item.started_at,
            item.seat,
            item.challenger,
            item.get_status_display(),
            item.ended_at,
            detail,
        )
    if isinstance(item, ScanRecord):
        return _line_of(item.at, item.seat, item.reader, item.intent, detail=item.outcome)
    if isinstance(item, Reservation):
        return _line_of(item.start, item.seat, item.reader, item.get_status_display(), item.end)
    assert isinstance(item, Violation)
    return _line_of(item.at, item.seat, item.reader, item.get_kind_display(), detail=item.note)


@librarian_required
def rows(request: HttpRequest) -> HttpResponse:
    figure = request.GET.get("figure", "")
    if figure not in BEHIND:
        raise Http404
    asked = asked_range(request)
    rooms = list(Room.objects.filter(pk__in=asked.rooms)) if asked.rooms else []
    records = rows_behind(figure, asked.rooms or None, asked.first, asked.last)
    who = "challenger" if records.model is Challenge else "reader"
    page = Paginator(records.select_related("seat__room", who), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "backoffice/analytics_rows.html",
        {
            "figure": FIGURE_NAMES[figure],
            "rooms": rooms,
            "asked": asked,
            "back": asked.query(),
            "page": page,
            "lines": [_row(item) for item in page.object_list],
            "more": asked.query(figure=figure),
        },
    )


# Exports --------------------------------------------------------------------------------


@librarian_required
def export(request: HttpRequest, format: str) -> HttpResponse:
    asked = asked_range(request)
    found = report(asked.first, asked.last, clock.now(), asked.rooms or None)
    name = f"seatback-figures-{asked.first}-{asked.last}"
    if format == "csv":
        response = HttpResponse(
            exports.as_csv(found).encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.as_xlsx(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{format}"'
    return response


@librarian_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    """The month's report for the library's leadership, as a PDF (?month=YYYY-MM)."""
    asked = parse_local_date(request.GET.get("month", "") + "-01")
    month = asked or local_today(clock.now()).replace(day=1)
    # Imported here: reportlab is several MB per worker that only this download needs.
    from seatback.analytics.monthly import monthly_pdf

    response = HttpResponse(monthly_pdf(month, clock.now()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="seatback-report-{month:%Y-%m}.pdf"'
    return response


# The what-if simulator ------------------------------------------------------------------


@librarian_required
def simulate(request: HttpRequest) -> HttpResponse:
    rooms = list(Room.objects.select_related("library").order_by("floor", "name"))
    source = request.POST if request.method == "POST" else request.GET
    room = next((r for r in rooms if str(r.pk) == source.get("room")), rooms[0] if rooms else None)
    current = room.effective_policy().values if room else {}
    values = {key: source.get(key, str(current.get(key, ""))).strip() for key in SIMULATED_KEYS}
    context: dict[str, Any] = {
        "rooms": rooms,
        "room": room,
        "values": values,
        "keys": SIMULATED_KEYS,
    }
    days = source.get("days", "28")
    seed = source.get("seed", "1")
    context.update(days=days, seed=seed)
    if request.method != "POST" or room is None:
        return render(request, "backoffice/analytics_simulate.html", context)
    try:
        ratelimit.hit("simulate", str(staff(request).pk), SIMULATIONS_PER_MINUTE)
    except Refusal as refusal:
        return refusal_response(request, refusal)
    if not (days.isdigit() and 1 <= int(days) <= SIMULATE_LONGEST_DAYS and seed.isdigit()):
        context["error"] = _("Days: 1 to %d; the seed: a whole number.") % SIMULATE_LONGEST_DAYS
        return render(request, "backoffice/analytics_simulate.html", context, status=400)
    changes = {key: value for key, value in values.items() if value != str(current.get(key, ""))}
    now = clock.now()
    last = local_today(now) - timedelta(days=1)
    try:
        result = what_if(
            room,
            last - timedelta(days=int(days) - 1),
            last,
            now,
            changes,
            seed=int(seed),
            runs=SIMULATE_RUNS,
        )
    except (PolicyError, UnsimulatedKey) as error:
        context["error"] = str(error)
        return render(request, "backoffice/analytics_simulate.html", context, status=400)
    context["result"] = result
    context["validation"] = [
        {
            "name": FIGURE_NAMES[name],
            "recorded": rec,
            "simulated": sim,
            "error": None if err is None else round(err * 100, 1),
        }
        for name, rec, sim, err in result.validation.rows
    ]
    context["error_percent"] = (
        None if result.validation.error is None else round(result.validation.error * 100, 1)
    )
    context["predicted"] = [
        {
            "name": FIGURE_NAMES[name],
            "now": now_value,
            "then": then,
            "change": change,
            "spread": spread,
        }
        for name, now_value, then, change, spread in result.rows()
    ]
    return render(request, "backoffice/analytics_simulate.html", context)
