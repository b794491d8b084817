"""`seatback import plan ROOM FILE`: a room's floor plan from an SVG or JSON drawing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.library.models import Room
from seatback.plans import services

HELP = (
    "Replace a room's floor plan with the drawing in FILE (.svg or .json, see docs/maps.md) "
    "and move the seats it places. A bad drawing changes nothing."
)


def add_arguments(parser: Any) -> None:
    parser.add_argument("room", help="the room's name (or its number)")
    parser.add_argument("file", help="the drawing, .svg or .json")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="plan units (the seats' x/y units, normally metres) per SVG unit (default 1)",
    )


def run(*, room: str, file: str, scale: float, **_options: Any) -> str:
    found = Room.objects.filter(name=room).first()
    if found is None and room.isdigit():
        found = Room.objects.filter(pk=int(room)).first()
    if found is None:
        raise CommandError(_("No room is called %(room)r.") % {"room": room})
    if not scale > 0:
        raise CommandError(_("--scale must be positive."))
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(file)s: %(why)s") % {"file": file, "why": exc.strerror}
        ) from None
    try:
        drawing = services.parse_file(path.name, data, scale=scale)
        done = services.import_plan(None, found, drawing, now=clock.now())
    except Refusal as refusal:
        raise CommandError(refusal.message) from None
    return _("plan of %(room)s: %(shapes)d shapes, %(seats)d seats placed") % {
        "room": found.name,
        **done,
    }
