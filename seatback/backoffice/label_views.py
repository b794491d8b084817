"""Seat labels in the back office: librarians download a room's labels (or some seats'),
administrators give seats new codes."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from django.contrib import messages
from django.db.models import Count, Max, Q, Sum
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from seatback.backoffice.access import administrator_required, librarian_required, staff
from seatback.core import clock
from seatback.labels import codes, services
from seatback.library.models import Room, Seat

FORMATS: dict[str, tuple[str, str]] = {
    # format -> (file name ending, content type)
    "pdf": ("pdf", "application/pdf"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "svg": ("zip", "application/zip"),
}


@librarian_required
@require_GET
def rooms(request: HttpRequest) -> HttpResponse:
    listing = Room.objects.annotate(
        seat_count=Count("seats", filter=Q(seats__active=True), distinct=True),
    ).order_by("floor", "name")
    return render(request, "backoffice/labels_rooms.html", {"rooms": listing})


def _chosen(room: Room, data: dict[str, list[str]]) -> list[Seat] | None:
    """The seats named by `seat` ids (all of them seats of `room`), or None if any is not."""
    ids = data.get("seat", [])
    if not all(value.isascii() and value.isdigit() and len(value) < 12 for value in ids):
        return None
    seats = list(room.seats.select_related("room__library").filter(pk__in=ids))
    if len(seats) != len(set(ids)):
        return None
    return codes.in_print_order(seats)


@librarian_required
@require_GET
def room(request: HttpRequest, room_id: int) -> HttpResponse:
    target = get_object_or_404(Room, pk=room_id)
    checked = set(request.GET.getlist("seat"))
    seats = codes.in_print_order(
        target.seats.select_related("room").annotate(
            old_scans=Sum("retired_codes__scans"),
            old_last=Max("retired_codes__last_scanned_at"),
        )
    )
    return render(
        request,
        "backoffice/labels_room.html",
        {
            "room": target,
            "seats": seats,
            "checked": checked,
            "formats": list(FORMATS),
            "may_reissue": request.user.is_superuser,
        },
    )


@librarian_required
@require_GET
def export(request: HttpRequest, room_id: int) -> HttpResponse:
    """The labels of the chosen seats (none chosen: the room's active seats) as a download."""
    target = get_object_or_404(Room, pk=room_id)
    format = request.GET.get("format", "pdf")
    if format not in FORMATS:
        return HttpResponseBadRequest(_("Unknown format."))
    seats = _chosen(target, dict(request.GET.lists()))
    if seats is None:
        return HttpResponseBadRequest(_("Choose seats of this room."))
    if not seats:
        seats = codes.in_print_order(
            target.seats.select_related("room__library").filter(active=True)
        )
    if not seats:
        messages.error(request, _("This room has no seats to print."))
        return redirect("labels:room", room_id=target.pk)
    # Imported here: the label sheets bring reportlab and qrcode (~10 MB per worker), which
    # only printing needs (issue 17).
    from seatback.labels import sheets

    writers: dict[str, Callable[[Sequence[Seat], str], object]] = {
        "pdf": sheets.write_pdf,
        "csv": sheets.write_csv,
        "svg": sheets.write_svg,
    }
    ending, content_type = FORMATS[format]
    name = f"labels-{target.name}.{ending}"
    # The writers take a path; the file is unlinked at once and streamed from the open
    # handle, so nothing is left behind in the temporary folder.
    with tempfile.TemporaryDirectory(prefix="seatback-labels-") as folder:
        path = Path(folder) / f"labels.{ending}"
        writers[format](seats, str(path))
        handle = path.open("rb")
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    return cast(HttpResponse, response)  # streamed; the access decorators are typed for this


@administrator_required
@require_http_methods(["GET", "POST"])
def reissue(request: HttpRequest, room_id: int) -> HttpResponse:
    """Give the chosen seats (none chosen: every seat of the room) new codes, after a
    confirmation: their printed labels stop working at once."""
    target = get_object_or_404(Room, pk=room_id)
    data = dict((request.POST if request.method == "POST" else request.GET).lists())
    seats = _chosen(target, data)
    if seats is None:
        return HttpResponseBadRequest(_("Choose seats of this room."))
    whole_room = not seats
    if whole_room:
        seats = codes.in_print_order(target.seats.select_related("room__library"))
    if not seats:
        messages.error(request, _("This room has no seats."))
        return redirect("labels:room", room_id=target.pk)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            changed = services.reissue(seats, now=clock.now(), actor=staff(request))
            messages.success(
                request,
                _(
                    "New codes given to seats: %(count)s. Their old labels no longer work: "
                    "download and print the new labels now."
                )
                % {"count": len(changed)},
            )
            query = "" if whole_room else "?" + urlencode({"seat": [s.pk for s in seats]}, True)
            return redirect(reverse("labels:room", args=[target.pk]) + query)
        error = _("Tick the box to confirm that the old labels will stop working.")
    return render(
        request,
        "backoffice/labels_reissue.html",
        {"room": target, "seats": seats, "whole_room": whole_room, "error": error},
        status=400 if error else 200,
    )
