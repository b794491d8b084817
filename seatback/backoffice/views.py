"""Back-office pages for librarians: home, seat and reader timelines, "who held it at …".

Every view is wrapped by access.librarian_required or access.administrator_required (the
role matrix test walks them all). Changes go through backoffice.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.backoffice import services
from seatback.backoffice.access import change_and_go_back, librarian_required, staff
from seatback.backoffice.forms import local_instant, local_today, parse_local_date, parse_local_time
from seatback.backoffice.timeline import holder_at, seat_events
from seatback.core import clock
from seatback.gates.selectors import inside_counts
from seatback.library.models import Room, Seat
from seatback.seats.selectors import room_counts
from seatback.seats.services import Situation
from seatback.seats.words import STATE_WORDS

PAGE_SIZE = 50


def _seat_code(text: str) -> str:
    """A seat's code from a pasted QR link (…/s/CODE) or the code itself."""
    text = text.strip()
    if "/s/" in text:
        text = text.rsplit("/s/", 1)[1]
    return text.split("?")[0].strip("/ ")


@librarian_required
def index(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    rooms = list(Room.objects.select_related("library"))
    counts = room_counts(rooms, now)
    listing = [{"room": room, "counts": counts[room.pk]} for room in rooms]
    crowded = [count for count in inside_counts(now).values() if count.near_capacity]
    return render(request, "backoffice/index.html", {"rooms": listing, "crowded": crowded})


@librarian_required
def seat_find(request: HttpRequest) -> HttpResponse:
    """Find a seat by room and label, or by its QR code or link."""
    room_id = request.GET.get("room", "")
    label = request.GET.get("label", "").strip()
    code = _seat_code(request.GET.get("code", ""))
    seats = Seat.objects.select_related("room")
    found: list[Seat] = []
    if code:
        found = list(seats.filter(code=code))
    elif label:
        matching = seats.filter(label__iexact=label)
        if room_id.isdigit():
            matching = matching.filter(room_id=int(room_id))
        found = list(matching[:50])
        if not found:
            found = list(seats.filter(label__icontains=label)[:50])
    if len(found) == 1:
        return redirect("backoffice:seat", seat_id=found[0].pk)
    searched = bool(code or label)
    if searched and not found:
        messages.error(request, _("No seat matches."))
    return render(
        request,
        "backoffice/seat_find.html",
        {
            "rooms": Room.objects.all(),
            "found": found,
            "room_id": room_id,
            "label": label,
            "searched": searched,
        },
    )


def _answer(request: HttpRequest, seat: Seat, now: Any) -> dict[str, Any]:
    """The "who held this seat at HH:MM" form and, when asked, its answer."""
    asked_time = request.GET.get("at", "").strip()
    asked_date = request.GET.get("date", "").strip()
    day = parse_local_date(asked_date) if asked_date else local_today(now)
    form = {"at": asked_time, "date": (day or local_today(now)).isoformat()}
    if not asked_time:
        return {"form": form}
    moment = parse_local_time(asked_time)
    if moment is None or day is None:
        return {"form": form, "error": _("Give a time like 15:20 and a date like 2026-12-01.")}
    instant = local_instant(day, moment)
    return {"form": form, "answer": holder_at(seat, instant, now)}


@librarian_required
def seat_timeline(request: HttpRequest, seat_id: int) -> HttpResponse:
    now = clock.now()
    seat = get_object_or_404(Seat.objects.select_related("room__library"), pk=seat_id)
    situation = Situation.read(seat, None, now)
    page = Paginator(seat_events(seat, now), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/seat_timeline.html",
        {
            "seat": seat,
            "now": now,
            "situation": situation,
            "state_words": STATE_WORDS[situation.state],
            "page": page,
            "ask": _answer(request, seat, now),
        },
    )


@librarian_required
@require_POST
def seat_active(request: HttpRequest, seat_id: int) -> HttpResponse:
    seat = get_object_or_404(Seat, pk=seat_id)
    active, reason = request.POST.get("active") == "1", request.POST.get("reason", "")
    return change_and_go_back(
        request,
        lambda: services.set_seat_active(
            staff(request), seat, active=active, reason=reason, now=clock.now()
        ),
        done=_("Seat opened.") if active else _("Seat closed."),
        back=reverse("backoffice:seat", args=[seat.pk]),
    )
