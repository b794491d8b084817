"""A floor plan as data: the shapes of a room and where its seats are.

A drawing is a JSON object::

    {"width": 20, "height": 12, "metres_per_unit": 1,
     "shapes": [{"kind": "wall", "points": [[0, 0], [20, 0]]},
                {"kind": "door", "points": [[2, 12], [4, 12]], "name": "南门"},
                {"kind": "desk", "x": 3, "y": 3, "w": 6, "h": 1}],
     "seats": {"A-001": [3.5, 2.5]}}

A shape is a rectangle (x, y, w, h) or a list of points: open (walls, windows, doors) or
closed (pillars, shelves, desks, stairs, lifts). Units are the seats' x/y units; y grows
downwards, as in SVG. `seats` (optional) places seats by label.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from seatback.core.errors import Refusal

KINDS = ("wall", "window", "door", "entrance", "pillar", "shelf", "desk", "stairs", "lift")
# What a reader cannot walk through.
OBSTACLES = frozenset({"wall", "window", "pillar", "shelf", "desk"})
# Open lines unless stated otherwise; the others are closed outlines.
LINES = frozenset({"wall", "window", "door", "entrance"})
MAX_SHAPES = 2000
MAX_POINTS = 500
MAX_SIZE = 500.0  # units; a room larger than 500 m is a drawing error
NAME_LENGTH = 60

Point = tuple[float, float]


def bad(message: str) -> Refusal:
    return Refusal("invalid_request", message)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise bad(
            _("%(where)s: expected a number, got %(value)r.") % {"where": where, "value": value}
        )
    if abs(value) > MAX_SIZE * 10:
        raise bad(
            _("%(where)s: %(value)s is far outside the room.") % {"where": where, "value": value}
        )
    return round(float(value), 3)


def _point(value: Any, where: str) -> list[float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise bad(_("%(where)s: a point is [x, y].") % {"where": where})
    return [_number(value[0], where), _number(value[1], where)]


def _shape(raw: Any, index: int) -> dict[str, Any]:
    where = _("shape %(n)d") % {"n": index + 1}
    if not isinstance(raw, dict):
        raise bad(_("%(where)s: a shape is an object.") % {"where": where})
    kind = raw.get("kind")
    if kind not in KINDS:
        raise bad(
            _("%(where)s: unknown kind %(kind)r (one of: %(kinds)s).")
            % {"where": where, "kind": kind, "kinds": ", ".join(KINDS)}
        )
    shape: dict[str, Any] = {"kind": kind}
    name = raw.get("name", "")
    if not isinstance(name, str) or len(name) > NAME_LENGTH:
        raise bad(_("%(where)s: the name is text of at most 60 characters.") % {"where": where})
    if name:
        shape["name"] = name
    if "points" in raw:
        points = raw["points"]
        if not isinstance(points, list) or not 2 <= len(points) <= MAX_POINTS:
            raise bad(_("%(where)s: points is a list of 2 to 500 points.") % {"where": where})
        shape["points"] = [_point(p, where) for p in points]
        closed = raw.get("closed", kind not in LINES)
        if not isinstance(closed, bool):
            raise bad(_("%(where)s: closed is true or false.") % {"where": where})
        shape["closed"] = closed
    elif all(key in raw for key in ("x", "y", "w", "h")):
        for key in ("x", "y", "w", "h"):
            shape[key] = _number(raw[key], where)
        if shape["w"] <= 0 or shape["h"] <= 0:
            raise bad(_("%(where)s: w and h must be positive.") % {"where": where})
    else:
        raise bad(_("%(where)s: give x, y, w, h or a list of points.") % {"where": where})
    return shape


def clean(raw: Any) -> dict[str, Any]:
    """A validated drawing, or a Refusal naming the first problem."""
    if not isinstance(raw, dict):
        raise bad(_("A plan is a JSON object with a list of shapes."))
    shapes = raw.get("shapes")
    if not isinstance(shapes, list) or not shapes:
        raise bad(_("The plan has no shapes."))
    if len(shapes) > MAX_SHAPES:
        raise bad(_("The plan has more than %(n)d shapes.") % {"n": MAX_SHAPES})
    drawing: dict[str, Any] = {"shapes": [_shape(s, i) for i, s in enumerate(shapes)]}
    scale = raw.get("metres_per_unit", 1)
    drawing["metres_per_unit"] = _number(scale, "metres_per_unit")
    if drawing["metres_per_unit"] <= 0:
        raise bad(_("metres_per_unit must be positive."))
    seats = raw.get("seats", {})
    if not isinstance(seats, dict):
        raise bad(_("seats maps a seat's label to [x, y]."))
    drawing["seats"] = {str(label): _point(p, str(label)) for label, p in seats.items()}
    if not any(s["kind"] in ("door", "entrance") for s in drawing["shapes"]):
        raise bad(_("The plan has no door: mark at least one shape as a door."))
    left, top, right, bottom = bounds(drawing["shapes"], drawing["seats"].values())
    width = raw.get("width", max(right, 1))
    height = raw.get("height", max(bottom, 1))
    drawing["width"] = _number(width, "width")
    drawing["height"] = _number(height, "height")
    if not (0 < drawing["width"] <= MAX_SIZE and 0 < drawing["height"] <= MAX_SIZE):
        raise bad(_("The plan must be between 0 and 500 units wide and high."))
    return drawing


def outline(shape: dict[str, Any]) -> list[Point]:
    """A shape's points (a rectangle's four corners)."""
    if "points" in shape:
        return [(p[0], p[1]) for p in shape["points"]]
    x, y, w, h = shape["x"], shape["y"], shape["w"], shape["h"]
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def is_closed(shape: dict[str, Any]) -> bool:
    return "points" not in shape or bool(shape.get("closed"))


def bounds(
    shapes: Iterable[dict[str, Any]], points: Iterable[Iterable[float]] = ()
) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for shape in shapes:
        for x, y in outline(shape):
            xs.append(x)
            ys.append(y)
    for p in points:
        x, y = p
        xs.append(x)
        ys.append(y)
    if not xs:
        return 0.0, 0.0, 1.0, 1.0
    return min(xs), min(ys), max(xs), max(ys)


def grid_drawing(positions: Iterable[tuple[float, float]]) -> dict[str, Any]:
    """The plan of a room that has none: its walls one unit around the seats, and a door
    in the middle of the bottom wall."""
    points = list(positions) or [(0.0, 0.0)]
    left = min(x for x, _y in points) - 1
    top = min(y for _x, y in points) - 1
    right = max(x for x, _y in points) + 1
    bottom = max(y for _x, y in points) + 1.5
    middle = round((left + right) / 2, 3)
    door = [[middle - 0.6, bottom], [middle + 0.6, bottom]]
    shapes: list[dict[str, Any]] = [
        {
            "kind": "wall",
            "points": [
                door[0],
                [left, bottom],
                [left, top],
                [right, top],
                [right, bottom],
                door[1],
            ],
            "closed": False,
        },
        {"kind": "door", "points": door, "closed": False},
    ]
    return {
        "shapes": shapes,
        "seats": {},
        "metres_per_unit": 1.0,
        "width": right + 1,
        "height": bottom + 1,
        "grid": True,
    }
