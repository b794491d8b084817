"""The reader's pages for spaces: choose a space and a time on its day grid, name the
companions, confirm an invitation, check in at the door's QR, end early (docs/spaces.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.pages.wording import refusal_sentence
from seatback.readers.models import Reader
from seatback.spaces import services
from seatback.spaces.models import Space, SpaceBooking


def _reader(request: HttpRequest) -> Reader:
    assert isinstance(request.user, Reader)
    return request.user


def _day(request: HttpRequest, space: Space, now: datetime) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return services.policy_of(space).local_day(now)


def _limited(request: HttpRequest) -> None:
    ratelimit.hit("intents", f"r{request.user.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)


@login_required
def spaces(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/spaces.html",
        {"spaces": Space.objects.filter(active=True).select_related("room")},
    )


@login_required
def space(request: HttpRequest, space_id: int) -> HttpResponse:
    now = clock.now()
    found = get_object_or_404(
        Space.objects.select_related("room__library"), pk=space_id, active=True
    )
    day = _day(request, found, now)
    today = services.policy_of(found).local_day(now)
    days = [today + timedelta(days=n) for n in range(found.days_ahead + 1)]
    lengths = [
        (minutes, _("%(minutes)d minutes") % {"minutes": minutes})
        for minutes in range(found.slot_minutes, found.longest_minutes + 1, found.slot_minutes)
    ]
    return render(
        request,
        "pages/space.html",
        {
            "space": found,
            "day": day,
            "days": days,
            "cells": services.day_grid(found, day, now, _reader(request)),
            "lengths": lengths,
            "now": now,
        },
    )


@login_required
@require_POST
def space_book(request: HttpRequest, space_id: int) -> HttpResponse:
    found = get_object_or_404(
        Space.objects.select_related("room__library"), pk=space_id, active=True
    )
    now = clock.now()
    try:
        _limited(request)
        start = datetime.fromisoformat(request.POST.get("start", ""))
        if start.tzinfo is None:
            raise ValueError
        minutes = int(request.POST.get("minutes", "0"))
        companions = request.POST.get("companions", "").replace("，", ",").replace("\n", ",")
        services.book(
            found,
            _reader(request),
            start,
            start + timedelta(minutes=minutes),
            [c for c in companions.split(",") if c.strip()],
            now=now,
        )
    except ValueError:
        messages.error(request, _("Choose a time on the grid and a length."))
        return redirect("pages:space", space_id=found.pk)
    except Refusal as refusal:
        messages.error(request, refusal_sentence(refusal))
        return redirect("pages:space", space_id=found.pk)
    messages.success(request, _("Booked. Your companions are asked to confirm."))
    return redirect("pages:my-spaces")


@login_required
def my_spaces(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reader = _reader(request)
    return render(
        request,
        "pages/my_spaces.html",
        {
            "bookings": services.bookings_of(reader, now),
            "history": services.history_of(reader, now),
            "now": now,
        },
    )


@login_required
@require_POST
def my_space_action(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    reader = _reader(request)
    found = get_object_or_404(
        SpaceBooking.objects.select_related("space__room__library").distinct(),
        pk=booking_id,
        members__reader=reader,
    )
    now = clock.now()
    done = {
        "confirm": (services.confirm, _("You confirmed.")),
        "cancel": (services.cancel, _("The booking is cancelled.")),
        "end": (services.end_early, _("Thank you: the rest of the time is free for others.")),
    }
    if action not in done:
        return redirect("pages:my-spaces")
    change, sentence = done[action]
    try:
        _limited(request)
        change(found, reader, now=now)
    except Refusal as refusal:
        messages.error(request, refusal_sentence(refusal))
    else:
        messages.success(request, sentence)
    return redirect("pages:my-spaces")


@login_required
def space_door(request: HttpRequest, code: str) -> HttpResponse:
    """What the QR code on a space's door opens: a check-in button (a POST, not the scan
    itself, so a link preview cannot check anyone in)."""
    found = get_object_or_404(Space.objects.select_related("room__library"), code=code, active=True)
    context: dict[str, Any] = {"space": found}
    if request.method == "POST":
        try:
            _limited(request)
            scan = services.checkin(found, _reader(request), now=clock.now())
        except Refusal as refusal:
            context["error"] = refusal_sentence(refusal)
        else:
            context["scan"] = scan
    return render(
        request, "pages/space_door.html", context, status=409 if "error" in context else 200
    )
