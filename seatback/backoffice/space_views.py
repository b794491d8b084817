"""Back-office pages for spaces: a day grid of every space, blocking a space with a reason,
booking on a reader's behalf. Librarians only; changes go through spaces.services."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.backoffice.access import librarian_required, staff
from seatback.backoffice.forms import parse_local_datetime
from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.library.policy import Policy
from seatback.readers.models import Reader
from seatback.spaces import services
from seatback.spaces.models import Space


def _day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", "") or request.POST.get("date", ""))
    except ValueError:
        return clock.now().astimezone(Policy.zone()).date()


@librarian_required
def spaces_day(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    day = _day(request)
    rows = [
        (space, services.day_grid(space, day, now))
        for space in Space.objects.filter(active=True).select_related("room__library")
    ]
    return render(
        request,
        "backoffice/spaces_day.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "rows": rows,
            "spaces": [space for space, _cells in rows],
        },
    )


def _back(day: date) -> HttpResponse:
    return redirect(reverse("backoffice:spaces") + f"?date={day.isoformat()}")


@librarian_required
@require_POST
def space_block(request: HttpRequest) -> HttpResponse:
    space = get_object_or_404(Space, pk=request.POST.get("space") or 0)
    start = parse_local_datetime(request.POST.get("start", ""))
    end = parse_local_datetime(request.POST.get("end", ""))
    try:
        if start is None or end is None:
            raise Refusal("invalid_request", _("Give the start and the end as dates and times."))
        services.block(
            staff(request),
            space,
            start=start,
            end=end,
            reason=request.POST.get("reason", ""),
            now=clock.now(),
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The space is blocked then."))
    return _back(_day(request))


@librarian_required
@require_POST
def space_book_for(request: HttpRequest) -> HttpResponse:
    space = get_object_or_404(
        Space.objects.select_related("room__library"), pk=request.POST.get("space") or 0
    )
    organiser = Reader.objects.filter(card_number=request.POST.get("organiser", "").strip()).first()
    start = parse_local_datetime(request.POST.get("start", ""))
    try:
        if organiser is None:
            raise Refusal("invalid_request", _("No reader has that card number."))
        if start is None:
            raise Refusal("invalid_request", _("Give the start as a date and time."))
        minutes = int(request.POST.get("minutes") or space.slot_minutes)
        companions = request.POST.get("companions", "").replace("，", ",").split(",")
        services.book(
            space,
            organiser,
            start,
            start + timedelta(minutes=minutes),
            [c for c in companions if c.strip()],
            now=clock.now(),
            booked_by=staff(request),
        )
    except (Refusal, ValueError) as problem:
        messages.error(
            request,
            problem.message if isinstance(problem, Refusal) else _("Give the length in minutes."),
        )
    else:
        messages.success(
            request, _("Booked for %(name)s.") % {"name": organiser.name or organiser.card_number}
        )
    return _back(_day(request))
