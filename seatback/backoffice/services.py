"""Back-office changes to rooms, seats, staff and imports (bans, unbans and forgiving live
in readers.services). Each checks who may make it, validates first, and records an audit
entry in the same transaction as the change, so there is never a change without its entry.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from seatback.audit.services import clean_note, record
from seatback.core import live
from seatback.core.errors import Refusal
from seatback.library import imports
from seatback.library.models import Library, Room, Seat
from seatback.library.policy import PolicyError
from seatback.library.policy_changes import change_policy
from seatback.readers.models import Reader
from seatback.readers.roles import require_administrator, require_librarian


def _invalid(message: str) -> Refusal:
    return Refusal("invalid_request", message)


# Staff -------------------------------------------------------------------------------------


def set_librarian(actor: Reader, reader: Reader, *, librarian: bool, now: datetime) -> None:
    """Make a reader a librarian (staff) or a plain reader again. Administrators only."""
    require_administrator(actor)
    if reader.is_superuser:
        raise _invalid(_("An administrator stays a librarian."))
    with transaction.atomic():
        reader = Reader.objects.select_for_update().get(pk=reader.pk)
        if reader.is_staff == librarian:
            return
        before = {"is_staff": reader.is_staff, "kind": reader.kind}
        reader.is_staff = librarian
        update = ["is_staff"]
        if librarian and reader.kind != Reader.Kind.STAFF:
            reader.kind = Reader.Kind.STAFF
            update.append("kind")
        reader.save(update_fields=update)
        after = {"is_staff": reader.is_staff, "kind": reader.kind}
        record(actor, "reader.staff", reader, now=now, before=before, after=after)


# Seats and rooms -------------------------------------------------------------------------


def set_seat_active(actor: Reader, seat: Seat, *, active: bool, reason: str, now: datetime) -> None:
    """Open or close one seat; a closed seat shows readers the reason."""
    require_librarian(actor)
    reason = "" if active else clean_note(reason)
    with transaction.atomic():
        seat = Seat.objects.select_for_update().select_related("room").get(pk=seat.pk)
        before = {"active": seat.active, "inactive_reason": seat.inactive_reason}
        seat.active, seat.inactive_reason = active, reason
        seat.save(update_fields=["active", "inactive_reason"])
        after = {"active": active, "inactive_reason": reason}
        action = "seat.enable" if active else "seat.disable"
        record(actor, action, seat, now=now, before=before, after=after)
        seat_id = seat.pk
        transaction.on_commit(lambda: live.bump(seat_id))


def set_room_active(actor: Reader, room: Room, *, active: bool, reason: str, now: datetime) -> None:
    """Open or close a whole reading room; readers see the reason on its seats."""
    require_administrator(actor)
    reason = "" if active else clean_note(reason)
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        before = {"active": room.active, "inactive_reason": room.inactive_reason}
        room.active, room.inactive_reason = active, reason
        room.save(update_fields=["active", "inactive_reason"])
        after = {"active": active, "inactive_reason": reason}
        action = "room.enable" if active else "room.disable"
        record(actor, action, room, now=now, before=before, after=after)
        seat_ids = list(room.seats.values_list("id", flat=True))
        transaction.on_commit(lambda: _bump_all(seat_ids))


def _bump_all(seat_ids: list[int]) -> None:
    for seat_id in seat_ids:
        live.bump(seat_id)


ROOM_FIELDS = ("name", "floor", "latitude", "longitude")


def _room_values(room: Room) -> dict[str, Any]:
    return {name: getattr(room, name) for name in ROOM_FIELDS}


def save_room(actor: Reader, room: Room | None, values: dict[str, Any], *, now: datetime) -> Room:
    """Create a room (room None) or change its name, floor and position."""
    require_administrator(actor)
    name = " ".join(str(values.get("name", "")).split())
    floor = str(values.get("floor", "")).strip()
    if not name:
        raise _invalid(_("The room needs a name."))
    if len(name) > 100 or len(floor) > 20:
        raise _invalid(_("The name or the floor is too long."))
    position: dict[str, float | None] = {}
    for key, low, high in (("latitude", -90.0, 90.0), ("longitude", -180.0, 180.0)):
        text = str(values.get(key) or "").strip()
        try:
            number = float(text) if text else None
        except ValueError:
            number = float("nan")
        if number is not None and not (low <= number <= high):
            raise _invalid(
                _("%(key)s must be a number between %(low)s and %(high)s.")
                % {"key": key, "low": low, "high": high}
            )
        position[key] = number
    with transaction.atomic():
        clash = Room.objects.filter(name=name)
        if room is not None:
            clash = clash.exclude(pk=room.pk)
        if clash.exists():
            raise _invalid(_("There is already a room called %(name)s.") % {"name": name})
        if room is None:
            room = Room.objects.create(library=Library.get(), name=name, floor=floor, **position)
            record(actor, "room.create", room, now=now, after=_room_values(room))
            return room
        room = Room.objects.select_for_update().get(pk=room.pk)
        before = _room_values(room)
        room.name, room.floor = name, floor
        room.latitude, room.longitude = position["latitude"], position["longitude"]
        room.save(update_fields=list(ROOM_FIELDS))
        after = _room_values(room)
        if after != before:
            record(actor, "room.edit", room, now=now, before=before, after=after)
        return room


def change_room_policy(
    actor: Reader, room: Room, values: dict[str, Any], unset: list[str], *, now: datetime
) -> dict[str, Any]:
    """Set and remove a room's policy overrides, validated by library.policy first."""
    require_administrator(actor)
    with transaction.atomic():
        before = dict(Room.objects.get(pk=room.pk).policy)
        try:
            stored = change_policy(room, values, unset)
        except PolicyError as exc:
            raise _invalid(str(exc)) from None
        if stored != before:
            record(actor, "room.policy", room, now=now, before=before, after=stored)
        return stored


# Imports ---------------------------------------------------------------------------------

IMPORT_KINDS = ("seats", "readers")


def import_file(
    actor: Reader, kind: str, path: Path, *, now: datetime, dry_run: bool, filename: str = ""
) -> imports.Summary:
    """Import seats or readers from a CSV file; a dry run only says what would change.

    Raises imports.BadFile listing every bad row; then nothing was written.
    """
    require_administrator(actor)
    if kind not in IMPORT_KINDS:
        raise _invalid(_("Unknown kind of import."))
    label = filename or path.name

    def run() -> imports.Summary:
        if kind == "seats":
            return imports.import_seats(path, dry_run=dry_run)
        return imports.import_readers(path, dry_run=dry_run)

    if dry_run:
        return run()
    with transaction.atomic():
        summary = run()
        after = {
            "file": label,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        }
        if kind == "seats":
            after.update(rooms_created=summary.rooms_created, rooms_updated=summary.rooms_updated)
        else:
            after.update(passwords_set=summary.passwords_set)
        record(actor, f"import.{kind}", Library.get(), now=now, after=after)
    return summary
