"""Writes of floor plans: import a drawing, move a seat, entrance screens, occupancy steps.
Each checks nothing about roles (the doors do) and records itself in the audit trail."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from seatback.audit.services import record
from seatback.core import live
from seatback.library.models import Room, Seat
from seatback.plans import selectors, shapes
from seatback.plans.models import OccupancySample, Plan, Screen, new_screen_key
from seatback.plans.svgplan import read_svg
from seatback.readers.models import Reader

STEP = timedelta(minutes=15)
KEEP = timedelta(days=366)


def parse_file(name: str, data: bytes, *, scale: float = 1.0) -> dict[str, Any]:
    """A validated drawing from a .json or .svg file's bytes (Refusal if it is bad)."""
    lower = name.lower()
    if lower.endswith(".svg") or data.lstrip()[:5] in (b"<?xml", b"<svg "):
        return shapes.clean(read_svg(data, scale))
    if lower.endswith(".json") or data.lstrip()[:1] == b"{":
        try:
            raw = json.loads(data)
        except (ValueError, RecursionError):
            raise shapes.bad(_("The plan is not valid JSON.")) from None
        return shapes.clean(raw)
    raise shapes.bad(_("Send the plan as an .svg or a .json file."))


def import_plan(
    actor: Reader | None, room: Room, drawing: dict[str, Any], *, now: datetime
) -> dict[str, int]:
    """Store a room's drawing (already cleaned) and move the seats it places; all or nothing.
    Returns how many seats were placed and which labels of the drawing have no seat."""
    by_label = {seat.label: seat for seat in room.seats.all()}
    unknown = sorted(label for label in drawing["seats"] if label not in by_label)
    if unknown:
        raise shapes.bad(
            _("The plan places seats this room does not have: %(labels)s.")
            % {"labels": ", ".join(unknown[:10])}
        )
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(room=room).first()
        before = {"shapes": len(plan.drawing.get("shapes", []))} if plan else {}
        if plan is None:
            plan = Plan(room=room)
        plan.drawing = drawing
        plan.updated_at = now
        plan.save()
        moved = []
        for label, (x, y) in drawing["seats"].items():
            seat = by_label[label]
            seat.x, seat.y = x, y
            moved.append(seat)
        Seat.objects.bulk_update(moved, ["x", "y"])
        record(
            actor,
            "plan.import",
            room,
            now=now,
            before=before,
            after={"shapes": len(drawing["shapes"]), "seats_placed": len(moved)},
        )
    _changed(room)
    return {"shapes": len(drawing["shapes"]), "seats": len(moved)}


def move_seat(actor: Reader, seat: Seat, x: object, y: object, *, now: datetime) -> Seat:
    """Put a seat at (x, y) on its room's plan (dragged in the back office)."""
    x = _coordinate(x)
    y = _coordinate(y)
    with transaction.atomic():
        before = {"x": seat.x, "y": seat.y}
        seat.x, seat.y = x, y
        seat.save(update_fields=["x", "y"])
        record(actor, "seat.move", seat, now=now, before=before, after={"x": x, "y": y})
    _changed(seat.room)
    return seat


def _coordinate(value: Any) -> float:
    try:
        number = round(float(value), 2)
    except (TypeError, ValueError):
        raise shapes.bad(_("A position is a number.")) from None
    if not -shapes.MAX_SIZE <= number <= shapes.MAX_SIZE:
        raise shapes.bad(_("That position is outside the plan."))
    return number


def _changed(room: Room) -> None:
    """Plans and positions are part of the maps phones poll: bump the room's first seat so
    every shared read is recomputed."""
    first = room.seats.order_by("pk").values_list("pk", flat=True).first()
    if first is not None:
        transaction.on_commit(lambda: live.bump(first))


def create_screen(actor: Reader, name: str, floor: str, *, now: datetime) -> Screen:
    name, floor = " ".join(name.split()), floor.strip()
    if not name or len(name) > 100:
        raise shapes.bad(_("Give the screen a name (at most 100 characters)."))
    if len(floor) > 20:
        raise shapes.bad(_("A floor is at most 20 characters."))
    with transaction.atomic():
        screen = Screen.objects.create(name=name, floor=floor, created_at=now)
        record(actor, "screen.create", screen, now=now, after={"name": name, "floor": floor})
    return screen


def replace_screen_key(actor: Reader, screen: Screen, *, now: datetime) -> Screen:
    """A new key: the old address stops working (a leaked URL)."""
    with transaction.atomic():
        screen.key = new_screen_key()
        screen.save(update_fields=["key"])
        record(actor, "screen.new_key", screen, now=now)
    return screen


def delete_screen(actor: Reader, screen: Screen, *, now: datetime) -> None:
    with transaction.atomic():
        record(actor, "screen.delete", screen, now=now, before={"name": screen.name})
        screen.delete()


def step_of(now: datetime) -> datetime:
    """The start of the 15-minute step `now` falls in."""
    return now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)


def occupancy_round(now: datetime) -> int:
    """The worker's round: this step's counts, if no worker has stored them yet."""
    if OccupancySample.objects.filter(at=step_of(now)).exists():
        return 0
    counts = {row["id"]: row["counts"] for row in selectors.room_tallies(now)}
    return record_occupancy(counts, now=now)


def record_occupancy(counts: dict[int, dict[str, int]], *, now: datetime) -> int:
    """Store this step's counts, once per room and step (a second call, from another worker,
    changes nothing), and forget steps older than a year. Returns the rows written."""
    at = step_of(now)
    written = 0
    for room_id, tally in counts.items():
        try:
            with transaction.atomic():
                OccupancySample.objects.create(room_id=room_id, at=at, counts=tally)
            written += 1
        except IntegrityError:
            pass
    OccupancySample.objects.filter(at__lt=at - KEEP).delete()
    return written
