"""Back-office pages for reservations: a room's bookings for a day, a reader's violations
and ban. Librarians only. Lifting the ban and forgiving post to the reader pages' actions
(reader_views), the one way to do either."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from seatback.backoffice.access import librarian_required
from seatback.core import clock
from seatback.library.models import Room
from seatback.library.policy import Policy
from seatback.readers.models import Reader, Violation
from seatback.reservations.models import Reservation
from seatback.reservations.selectors import status_at


@librarian_required
def day(request: HttpRequest) -> HttpResponse:
    """A room's bookings for one local day, by seat and start."""
    now = clock.now()
    rooms = list(Room.objects.select_related("library").order_by("floor", "name"))
    room = next((r for r in rooms if str(r.pk) == request.GET.get("room")), None)
    room = room or (rooms[0] if rooms else None)
    try:
        chosen = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        chosen = now.astimezone(Policy.zone()).date()
    today = now.astimezone(Policy.zone()).date()
    if abs((chosen - today).days) > 366:  # far dates are typos; and 9999-12-31 + 1 day fails
        chosen = today
    rows: list[dict[str, Any]] = []
    if room is not None:
        start = datetime.combine(chosen, time.min, tzinfo=Policy.zone())
        bookings = (
            Reservation.objects.filter(
                seat__room=room, start__gte=start, start__lt=start + timedelta(days=1)
            )
            .select_related("seat", "reader")
            .order_by("seat__label", "start")
        )
        labels = dict(Reservation.Status.choices)
        rows = [
            {"booking": b, "status": status_at(b, now), "label": labels[status_at(b, now)]}
            for b in bookings
        ]
    return render(
        request,
        "backoffice/bookings_day.html",
        {"rooms": rooms, "room": room, "day": chosen, "rows": rows, "now": now},
    )


@librarian_required
def reader(request: HttpRequest) -> HttpResponse:
    """A reader's violations and ban, found by card number."""
    now = clock.now()
    card = request.GET.get("card", "").strip()
    found = Reader.objects.filter(card_number=card).first() if card else None
    context: dict[str, Any] = {"card": card, "found": found, "now": now}
    if found is not None:
        context["violations"] = Violation.objects.filter(reader=found).select_related("seat__room")[
            :100
        ]
        context["banned"] = found.is_banned(now)
        context["here"] = request.get_full_path()
    return render(request, "backoffice/bookings_reader.html", context)
