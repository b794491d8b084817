"""Reads of plans: a room's drawing and live seats, the building's floors, occupancy,
free seats by feature and distance, and walking directions. Everything phones poll goes
through seats.selectors.shared_read, so a thousand phones cost one computation a second;
nothing here carries a seat's code (docs/maps.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from seatback.library.models import Room, Seat
from seatback.library.policy import Policy
from seatback.plans import routes, shapes
from seatback.plans.models import OccupancySample, Plan, Screen
from seatback.seats.models import Challenge, Hold
from seatback.seats.selectors import seat_states, shared_read

# The states a map shows; "closed" is a seat that cannot be used now (closed room or seat).
MAP_STATES = ("free", "held", "challenged", "reserved", "away", "closed")
FEATURES = ("power", "window", "quiet", "standing", "accessible", "lamp")


def _iso(moment: datetime) -> str:
    """A time as the API gives it: ISO 8601 with the library's offset."""
    return moment.astimezone(Policy.zone()).isoformat()


def drawing_of(room: Room, positions: list[tuple[float, float]]) -> dict[str, Any]:
    plan = Plan.objects.filter(room=room).values_list("drawing", flat=True).first()
    return plan if plan else shapes.grid_drawing(positions)


def _view_box(drawing: dict[str, Any], positions: list[tuple[float, float]]) -> list[float]:
    left, top, right, bottom = shapes.bounds(drawing["shapes"], positions)
    pad = 0.5
    return [left - pad, top - pad, right - left + 2 * pad, bottom - top + 2 * pad]


def _live(rooms: list[Room], now: datetime) -> tuple[dict[int, str], dict[int, str]]:
    """seat id -> state, and seat id -> when its state changes by time alone (a challenge's
    deadline, a step-out's end), for the rooms' active seats."""
    states = seat_states(rooms, now)
    room_ids = [room.pk for room in rooms]
    until = {
        seat_id: _iso(deadline)
        for seat_id, deadline in Challenge.objects.pending(now)
        .filter(seat__room_id__in=room_ids)
        .values_list("seat_id", "deadline")
    }
    for seat_id, away_until in (
        Hold.objects.current(now)
        .filter(seat__room_id__in=room_ids)
        .values_list("seat_id", "away_until")
    ):
        if away_until and away_until > now:
            until[seat_id] = _iso(away_until)
    return states, until


def room_map(room: Room, now: datetime) -> dict[str, Any]:
    """The room's drawing and every seat with its state: what a map page draws first."""

    def compute() -> dict[str, Any]:
        keys = ("id", "label", "x", "y", "features", "reservable")
        seats: list[dict[str, Any]] = list(room.seats.order_by("label").values(*keys))
        positions = [(s["x"], s["y"]) for s in seats]
        drawing = drawing_of(room, positions)
        return {
            "room": {"id": room.pk, "name": room.name, "floor": room.floor},
            "shapes": drawing["shapes"],
            "view_box": _view_box(drawing, positions),
            "grid": bool(drawing.get("grid")),
            "seats": seats,
            **(room_states(room.pk, now) or {}),
        }

    return shared_read(f"plan-map:{room.pk}", now, compute)


def room_states(room: Room | int, now: datetime) -> dict[str, Any] | None:
    """The cheap poll of a map: {"states": {seat id: state}, "until": {...}, "counts"};
    None for a room that does not exist or is closed. Given a room's id, a poll served
    from the shared answer runs no query at all."""
    room_id = room if isinstance(room, int) else room.pk

    def compute() -> dict[str, Any] | None:
        found = Room.objects.select_related("library").filter(pk=room_id, active=True).first()
        if found is None:
            return None
        states, until = _live([found], now)
        all_ids = found.seats.values_list("id", flat=True)
        full = {str(i): states.get(i, "closed") for i in all_ids}
        counts = Counter(full.values())
        return {
            "states": full,
            "until": {str(k): v for k, v in until.items()},
            "counts": {state: counts[state] for state in MAP_STATES},
            "server_time": _iso(now),
        }

    return shared_read(f"plan-states:{room_id}", now, compute)


def room_tallies(now: datetime) -> list[dict[str, Any]]:
    """Each active room with its seats counted by map state (never cached)."""
    rooms = list(Room.objects.select_related("library").filter(active=True))
    states = seat_states(rooms, now)
    by_room: dict[int, Counter[str]] = {room.pk: Counter() for room in rooms}
    for seat_id, room_id in Seat.objects.filter(room__in=rooms).values_list("id", "room_id"):
        by_room[room_id][states.get(seat_id, "closed")] += 1
    return [
        {
            "id": room.pk,
            "name": room.name,
            "floor": room.floor,
            "open": room.effective_policy().is_open(now),
            "counts": {state: by_room[room.pk][state] for state in MAP_STATES},
            "total": sum(by_room[room.pk].values()),
        }
        for room in rooms
    ]


def _sum(rows: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {state: sum(r["counts"][state] for r in rows) for state in MAP_STATES}
    return {"counts": counts, "total": sum(r["total"] for r in rows)}


def _floor_key(floor: str) -> tuple[int, float, str]:
    try:
        return (0, float(floor), floor)
    except ValueError:
        return (1, 0.0, floor)


def occupancy(now: datetime) -> dict[str, Any]:
    """Counts by state for the building, each floor and each open-to-readers room."""

    def compute() -> dict[str, Any]:
        rooms = room_tallies(now)
        floors = []
        for floor in sorted({r["floor"] for r in rooms}, key=_floor_key):
            on_floor = [r for r in rooms if r["floor"] == floor]
            floors.append({"floor": floor, **_sum(on_floor), "rooms": on_floor})
        return {"building": _sum(rooms), "floors": floors, "at": _iso(now)}

    return shared_read("occupancy", now, compute)


# --- finding a seat and walking to it -------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    drawing: dict[str, Any]
    grid: routes.Grid
    doors: list[tuple[str, routes.Point, routes.Point | None]]  # name, middle, inward
    distances: dict[tuple[int, int], float]  # cell -> walking units from the first door
    fingerprint: str  # of the drawing and the seats' places


def _doors(
    drawing: dict[str, Any], grid: routes.Grid
) -> list[tuple[str, routes.Point, routes.Point | None]]:
    """Each door (a building entrance first): its name, middle and the way into the room
    (towards the side of it that is open floor)."""
    doors = [s for s in drawing["shapes"] if s["kind"] in ("entrance", "door")]
    doors.sort(key=lambda s: s["kind"] != "entrance")
    found = []
    for shape in doors:
        points = shapes.outline(shape)
        middle = ((points[0][0] + points[1][0]) / 2, (points[0][1] + points[1][1]) / 2)
        inward = None
        for side in routes.sides(shape):
            if grid.cell(side) in grid.open:
                inward = (side[0] - middle[0], side[1] - middle[1])
                break
        found.append((shape.get("name", ""), middle, inward))
    return found


@lru_cache(maxsize=64)
def _geometry(room_id: int, fingerprint: str, text: str) -> Geometry:
    drawing = json.loads(text)
    grid = routes.grid_of(drawing)
    doors = _doors(drawing, grid)
    start = grid.nearest_open(doors[0][1]) if doors else None
    distances = routes.distances(grid, start) if start else {}
    return Geometry(drawing, grid, doors, distances, fingerprint)


def geometry(room: Room) -> Geometry:
    """The room's walking grid, computed once per drawing and seat layout in each process."""
    positions = list(room.seats.values_list("x", "y"))
    drawing = drawing_of(room, positions)
    drawing = {**drawing, "seats": {}}
    text = json.dumps(drawing, sort_keys=True)
    return _geometry(room.pk, hashlib.sha256(text.encode()).hexdigest(), text)


def walking_metres(room: Room, seats: list[Seat]) -> dict[int, float]:
    """seat id -> metres from the room's door (inf when walled off)."""
    found = geometry(room)
    scale = float(found.drawing.get("metres_per_unit", 1.0))
    result = {}
    for seat in seats:
        cell = found.grid.nearest_open((seat.x, seat.y))
        units = found.distances.get(cell, math.inf) if cell else math.inf
        result[seat.pk] = units * routes.CELL * scale
    return result


def free_seats(
    now: datetime,
    *,
    features: list[str],
    floor: str = "",
    room_id: int | None = None,
    limit: int = 30,
) -> list[dict[str, Any]]:
    """Free seats with every wanted feature, nearest to their room's door first; the chosen
    room's seats before others."""
    rooms = list(Room.objects.select_related("library").filter(active=True))
    if floor:
        rooms = [r for r in rooms if r.floor == floor]
    if room_id is not None:
        rooms = [r for r in rooms if r.pk == room_id]
    states = seat_states(rooms, now)
    found: list[dict[str, Any]] = []
    for room in rooms:
        seats = [
            s
            for s in room.seats.filter(active=True)
            if states.get(s.pk) == "free" and all(f in s.features for f in features)
        ]
        if not seats:
            continue
        metres = walking_metres(room, seats)
        for seat in seats:
            found.append({"seat": seat, "room": room, "metres": metres[seat.pk]})
    found.sort(key=lambda f: (f["metres"], _floor_key(f["room"].floor), f["seat"].label))
    return found[:limit]


def _words(way: str, metres: float) -> str:
    n = max(1, round(metres))
    if way == "left":
        return _("turn left and walk %(n)d m") % {"n": n}
    if way == "right":
        return _("turn right and walk %(n)d m") % {"n": n}
    if way == "bear-left":
        return _("bear left and walk %(n)d m") % {"n": n}
    if way == "bear-right":
        return _("bear right and walk %(n)d m") % {"n": n}
    if way == "back":
        return _("turn around and walk %(n)d m") % {"n": n}
    return _("walk straight on %(n)d m") % {"n": n}


def directions(room: Room, seat: Seat, door: int = 0) -> dict[str, Any] | None:
    """The walk from a door of the room to the seat: points to draw and steps in words;
    kept in the cache for a day per drawing, seat place, door and language (an A* costs
    milliseconds, and the route endpoint is open to all)."""
    found = geometry(room)
    key = (
        f"route:{room.pk}:{found.fingerprint[:16]}:{seat.pk}:{seat.x}:{seat.y}:{door}:"
        f"{get_language()}"
    )
    kept = cache.get(key)
    if kept is None:
        kept = _directions(found, seat, door) or {"none": True}
        cache.set(key, kept, timeout=24 * 3600)
    return None if "none" in kept else kept


def _directions(found: Geometry, seat: Seat, door: int) -> dict[str, Any] | None:
    if not found.doors:
        return None
    name, start, inward = found.doors[min(max(door, 0), len(found.doors) - 1)]
    walk = routes.route(found.drawing, start, (seat.x, seat.y), found.grid, facing=inward)
    if walk is None:
        return None
    steps = [_("Come in by %(door)s") % {"door": name} if name else _("Come in by the door")]
    steps += [_words(way, metres) for way, metres in routes.merged(walk.legs)]
    steps = [step[:1].upper() + step[1:] for step in steps]  # each is a line of its own
    steps.append(_("%(seat)s is here") % {"seat": seat.label})
    return {
        "seat": {"id": seat.pk, "label": seat.label},
        "points": [[round(x, 2), round(y, 2)] for x, y in walk.points],
        "metres": round(walk.metres, 1),
        "steps": steps,
        "doors": [
            {"name": n, "x": round(p[0], 2), "y": round(p[1], 2)} for n, p, _in in found.doors
        ],
    }


def screen_for_key(screen_id: int, key: str) -> Screen | None:
    """The entrance screen whose key this is, or None (compared in constant time)."""
    screen = Screen.objects.filter(pk=screen_id).first()
    if screen is None or not key or not hmac.compare_digest(screen.key, key):
        return None
    return screen


def screen_view(screen: Screen, now: datetime) -> dict[str, Any]:
    """What an entrance screen shows: the building's occupancy, or one floor's."""
    found = occupancy(now)
    floors = [f for f in found["floors"] if not screen.floor or f["floor"] == screen.floor]
    return {"name": screen.name, "floors": floors, "building": found["building"], "at": found["at"]}


def occupancy_history(since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The stored 15-minute steps between two times: what analytics reads."""
    rows = OccupancySample.objects.filter(at__gte=since, at__lt=until).select_related("room")
    return [
        {
            "at": _iso(row.at),
            "room": {"id": row.room_id, "name": row.room.name, "floor": row.room.floor},
            "counts": row.counts,
        }
        for row in rows.order_by("at", "room_id")[:10000]
    ]
