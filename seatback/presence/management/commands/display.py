"""`seatback display --room ROOM [--new-key]`: the address of a room's code display."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from seatback.core import clock
from seatback.library.management.commands.policy import find_room
from seatback.presence.services import display_of, display_url


class Command(BaseCommand):
    help = (
        "Print the address of a room's code display (for the `rotating` presence check). "
        "Open it full-screen on the tablet in the room; keep it otherwise secret."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--room", required=True, help="the room's name (or id)")
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="replace the display's key: the old address stops working (a leaked URL)",
        )

    def handle(self, *args: Any, room: str, new_key: bool, **options: Any) -> None:
        target = find_room(room)
        display = display_of(target, clock.now(), new_key=new_key)
        self.stdout.write(_("Display for %(room)s:") % {"room": target.name})
        self.stdout.write(display_url(display))
