"""Back-office pages for reservations: a room's bookings for a day, a reader's violations
and ban (forgive a violation, lift a ban). Librarians only; every change is audited."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.audit.services import record
from seatback.backoffice.access import librarian_required, staff
from seatback.core import clock
from seatback.library.models import Room
from seatback.library.policy import Policy
from seatback.readers.models import Reader, Violation
from seatback.reservations import services
from seatback.reservations.models import Reservation
from seatback.reservations.present import status_at


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
        "reservations/backoffice_day.html",
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
    return render(request, "reservations/backoffice_reader.html", context)


def _back(found: Reader) -> HttpResponse:
    query = urlencode({"card": found.card_number})
    return redirect(reverse("reservations_backoffice:reader") + f"?{query}")


@librarian_required
@require_POST
def lift_ban(request: HttpRequest, reader_id: int) -> HttpResponse:
    now = clock.now()
    found = Reader.objects.filter(pk=reader_id).first()
    if found is None:
        return redirect("reservations_backoffice:reader")
    with transaction.atomic():
        before = {"banned_until": str(found.banned_until), "ban_reason": found.ban_reason}
        if found.is_banned(now):
            services.lift_ban(found, now=now)
            record(
                staff(request),
                "lift_ban",
                found,
                now=now,
                before=before,
                after={"banned_until": str(found.banned_until), "ban_reason": ""},
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("The ban is lifted."))
        else:
            messages.info(request, _("This reader is not banned."))
    return _back(found)


@librarian_required
@require_POST
def forgive(request: HttpRequest, violation_id: int) -> HttpResponse:
    now = clock.now()
    violation = Violation.objects.select_related("reader").filter(pk=violation_id).first()
    if violation is None:
        return redirect("reservations_backoffice:reader")
    with transaction.atomic():
        updated = Violation.objects.filter(pk=violation.pk, forgiven_at__isnull=True).update(
            forgiven_at=now
        )
        if updated:
            record(
                staff(request),
                "forgive_violation",
                violation,
                now=now,
                before={"forgiven_at": None},
                after={"forgiven_at": now.isoformat()},
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("The violation is forgiven; it no longer counts."))
    return _back(violation.reader)
