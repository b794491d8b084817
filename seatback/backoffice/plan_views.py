"""Back-office pages for floor plans and entrance screens (docs/maps.md): upload a room's
drawing, drag its seats into place, create screens and replace their keys. Administrators
only; every change goes through plans.services, which records it in the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.backoffice.access import administrator_required, change_and_go_back, staff
from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.library.models import Room, Seat
from seatback.plans import selectors, services
from seatback.plans.models import Screen
from seatback.plans.svgplan import MAX_BYTES

EXAMPLE = (
    '{"shapes": [{"kind": "wall", "points": [[0,0],[12,0],[12,8],[0,8],[0,0]]},\n'
    '            {"kind": "door", "points": [[5,8],[7,8]], "name": "南门"},\n'
    '            {"kind": "desk", "x": 2, "y": 2, "w": 8, "h": 1}],\n'
    ' "seats": {"A-001": [2.5, 1.5]}}'
)


@administrator_required
def room_plan(request: HttpRequest, room_id: int) -> HttpResponse:
    """The room's plan with its seats to drag; POST a drawing file to replace the plan."""
    room = get_object_or_404(Room.objects.select_related("library"), pk=room_id)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("drawing")
        try:
            if upload is None:
                raise Refusal("invalid_request", _("Choose a drawing file (.svg or .json)."))
            if upload.size and upload.size > MAX_BYTES:
                raise Refusal("invalid_request", _("The drawing is larger than 2 MB."))
            drawing = services.parse_file(upload.name or "", upload.read())
            done = services.import_plan(staff(request), room, drawing, now=clock.now())
        except Refusal as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                _("Plan saved: %(shapes)d shapes, %(seats)d seats placed.") % done,
            )
            return redirect("backoffice:room-plan", room_id=room.pk)
    found = selectors.room_map(room, clock.now())
    return render(
        request,
        "backoffice/room_plan.html",
        {
            "room": room,
            "map": found,
            "error": error,
            "example": EXAMPLE,
            "has_plan": not found["grid"],
        },
        status=400 if error else 200,
    )


@administrator_required
@require_POST
def seat_move(request: HttpRequest, room_id: int, seat_id: int) -> JsonResponse:
    """Drop a dragged seat: {"x", "y"} in plan units, from the editor's fetch (CSRF header)."""
    seat = get_object_or_404(Seat.objects.select_related("room"), pk=seat_id, room_id=room_id)
    try:
        moved = services.move_seat(
            staff(request), seat, request.POST.get("x"), request.POST.get("y"), now=clock.now()
        )
    except Refusal as refusal:
        return JsonResponse({"error": refusal.as_dict()}, status=refusal.status)
    return JsonResponse({"id": moved.pk, "x": moved.x, "y": moved.y})


@administrator_required
def screens(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            screen = services.create_screen(
                staff(request),
                request.POST.get("name", ""),
                request.POST.get("floor", ""),
                now=clock.now(),
            )
        except Refusal as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Screen %(name)s created.") % {"name": screen.name})
            return redirect("backoffice:screens")
    rows = [
        {
            "screen": screen,
            "url": request.build_absolute_uri(
                reverse("screens:entrance", args=[screen.pk]) + f"?key={screen.key}"
            ),
        }
        for screen in Screen.objects.all()
    ]
    floors = sorted({f for f in Room.objects.values_list("floor", flat=True) if f})
    return render(
        request,
        "backoffice/screens.html",
        {"rows": rows, "floors": floors, "error": error},
        status=400 if error else 200,
    )


@administrator_required
@require_POST
def screen_key(request: HttpRequest, screen_id: int) -> HttpResponse:
    screen = get_object_or_404(Screen, pk=screen_id)
    return change_and_go_back(
        request,
        lambda: services.replace_screen_key(staff(request), screen, now=clock.now()),
        done=_("New key made: the old address no longer works."),
        back=reverse("backoffice:screens"),
    )


@administrator_required
@require_POST
def screen_delete(request: HttpRequest, screen_id: int) -> HttpResponse:
    screen = get_object_or_404(Screen, pk=screen_id)
    return change_and_go_back(
        request,
        lambda: services.delete_screen(staff(request), screen, now=clock.now()),
        done=_("Screen removed."),
        back=reverse("backoffice:screens"),
    )
