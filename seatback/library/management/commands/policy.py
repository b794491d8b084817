"""`seatback policy show [--room ROOM]` and `seatback policy set [--room ROOM] KEY=VALUE ...`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from seatback.library.models import Library, Room
from seatback.library.policy import DEFAULTS, KEYS, PolicyError
from seatback.library.policy_changes import change_policy


def find_room(name: str) -> Room:
    """A room by its name (or, failing that, its id); CommandError listing the rooms if none."""
    room = Room.objects.filter(name=name.strip()).first()
    if room is None and name.strip().isascii() and name.strip().isdigit():
        room = Room.objects.filter(pk=int(name)).first()
    if room is None:
        names = list(Room.objects.order_by("name").values_list("name", flat=True)[:30])
        raise CommandError(
            _("unknown room %(room)r; rooms: %(rooms)s")
            % {"room": name, "rooms": ", ".join(names) or _("(none yet)")}
        )
    return room


def parse_assignments(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CommandError(
                _("%(item)r is not KEY=VALUE; keys: %(keys)s")
                % {"item": item, "keys": ", ".join(KEYS)}
            )
        if key in values:
            raise CommandError(_("%(key)s is given twice") % {"key": key})
        values[key] = value.strip()
    return values


class Command(BaseCommand):
    help = "Show or change the seat policy: the library's defaults or one room's overrides."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="show|set")
        show = actions.add_parser(
            "show",
            help="print the effective policy",
            description="Print the library's policy, or a room's effective policy with the "
            "values the room sets itself marked with *.",
        )
        change = actions.add_parser(
            "set",
            help="change policy values",
            description="Set policy values on the library (its defaults) or on one room (its "
            "overrides). Keys: " + ", ".join(KEYS) + ". An empty protected_windows value "
            "means no protected windows. Nothing is changed if any value is wrong.",
        )
        for sub in (show, change):
            sub.add_argument("--room", help="a room's name (default: the whole library)")
        change.add_argument("assignments", nargs="*", metavar="KEY=VALUE")
        change.add_argument(
            "--unset",
            action="append",
            default=[],
            metavar="KEY",
            help="remove a value: a room then follows the library again, the library the "
            "built-in default (repeatable)",
        )

    def handle(self, *args: Any, action: str, room: str | None = None, **options: Any) -> None:
        target = find_room(room) if room else None
        if action == "set":
            values = parse_assignments(list(options.get("assignments") or []))
            unset = list(options.get("unset") or [])
            if not values and not unset:
                raise CommandError(_("nothing to set: give KEY=VALUE or --unset KEY"))
            if overlap := sorted(set(values) & set(unset)):
                raise CommandError(_("%(keys)s: both set and unset") % {"keys": ", ".join(overlap)})
            try:
                change_policy(target, values, unset)
            except PolicyError as exc:
                raise CommandError(str(exc)) from None
            if target is not None:
                target.refresh_from_db()
        self.show(target)

    def show(self, room: Room | None) -> None:
        library = Library.get()
        if room is None:
            self.stdout.write(
                _("Policy of the library %(name)s (* = set for the library, else built in):")
                % {"name": library.name}
            )
            layers = [("library", library.policy)]
        else:
            self.stdout.write(
                _("Policy of room %(room)s (* = set for this room, else from the library):")
                % {"room": room.name}
            )
            layers = [("library", library.policy), ("room", room.policy)]
        sources = {"default": _("default"), "library": _("library"), "room": _("room")}
        width = max(len(key) for key in KEYS) + 2
        for key in KEYS:
            value, source = DEFAULTS[key], "default"
            for name, stored in layers:
                if key in stored:
                    value, source = stored[key], name
            marked = source == ("room" if room is not None else "library")
            shown = str(value) if str(value) != "" else _("(none)")
            self.stdout.write(
                f"{'*' if marked else ' '} {key:<{width}}{shown:<24} {sources[source]}"
            )
        if (
            room is not None
            and room.latitude is None
            and "location" in str(room.effective_policy().values["presence"])
        ):
            self.stdout.write(
                _("Warning: this room has no coordinates, so its location check passes anyone.")
            )
        if room is None:
            rooms = list(Room.objects.exclude(policy={}).order_by("name"))
            if rooms:
                self.stdout.write(_("Rooms with their own values:"))
                for other in rooms:
                    values = ", ".join(f"{k}={other.policy[k]}" for k in KEYS if k in other.policy)
                    self.stdout.write(f"  {other.name}: {values}")
