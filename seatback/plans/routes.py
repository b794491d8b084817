"""Walking routes on a plan: A* over a grid of small cells, around walls, windows,
pillars, shelves and desks, through doors. Pure functions of a drawing (docs/maps.md)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from seatback.plans.shapes import LINES, OBSTACLES, Point, bounds, is_closed, outline

CELL = 0.25  # units per grid cell
WALL_CLEARANCE = 0.2  # a walker keeps this far from a wall's line
DOOR_REACH = 0.45  # cells this close to a door's line are open, even on a wall
SQRT2 = math.sqrt(2)


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _inside(p: Point, polygon: list[Point]) -> bool:
    x, y = p
    inside = False
    j = len(polygon) - 1
    for i in range(len(polygon)):
        (xi, yi), (xj, yj) = polygon[i], polygon[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _segments(points: list[Point], closed: bool) -> Iterable[tuple[Point, Point]]:
    yield from zip(points, points[1:], strict=False)
    if closed and len(points) > 2:
        yield points[-1], points[0]


def blocks(shape: dict[str, Any], p: Point) -> bool:
    """Whether a walker standing at p would be inside or on this obstacle."""
    points = outline(shape)
    # Pillars, shelves and desks are solid; a wall drawn all round a room is only a line.
    if is_closed(shape) and shape["kind"] not in LINES and _inside(p, points):
        return True
    return any(
        _segment_distance(p, a, b) < WALL_CLEARANCE for a, b in _segments(points, is_closed(shape))
    )


def near_door(shape: dict[str, Any], p: Point) -> bool:
    return any(_segment_distance(p, a, b) < DOOR_REACH for a, b in _segments(outline(shape), False))


@dataclass(frozen=True)
class Grid:
    left: float
    top: float
    columns: int
    rows: int
    open: frozenset[tuple[int, int]]

    def centre(self, cell: tuple[int, int]) -> Point:
        return (self.left + (cell[0] + 0.5) * CELL, self.top + (cell[1] + 0.5) * CELL)

    def cell(self, p: Point) -> tuple[int, int]:
        return (int((p[0] - self.left) // CELL), int((p[1] - self.top) // CELL))

    def nearest_open(self, p: Point) -> tuple[int, int] | None:
        """The open cell whose centre is nearest to p (a seat sits at a desk, a door is in
        a wall: both are reached from the nearest cell one can stand on)."""
        cx, cy = self.cell(p)
        for radius in range(0, max(self.columns, self.rows)):
            ring = [
                (x, y)
                for x in range(cx - radius, cx + radius + 1)
                for y in range(cy - radius, cy + radius + 1)
                if max(abs(x - cx), abs(y - cy)) == radius and (x, y) in self.open
            ]
            if ring:
                return min(ring, key=lambda c: math.dist(self.centre(c), p))
        return None


def _cells_near(
    shape: dict[str, Any], left: float, top: float, reach: float
) -> Iterable[tuple[int, int]]:
    """Every cell whose centre lies within `reach` of the shape's bounding box."""
    x0, y0, x1, y1 = bounds([shape])
    for x in range(int((x0 - reach - left) // CELL), int((x1 + reach - left) // CELL) + 1):
        for y in range(int((y0 - reach - top) // CELL), int((y1 + reach - top) // CELL) + 1):
            yield x, y


def sides(door: dict[str, Any]) -> tuple[Point, Point]:
    """Two points half a metre either side of a door's middle."""
    (ax, ay), (bx, by) = outline(door)[0], outline(door)[1]
    length = math.hypot(bx - ax, by - ay) or 1.0
    nx, ny = -(by - ay) / length * 0.6, (bx - ax) / length * 0.6
    mx, my = (ax + bx) / 2, (ay + by) / 2
    return (mx + nx, my + ny), (mx - nx, my - ny)


def _flood(columns: int, rows: int, blocked: set[tuple[int, int]]) -> set[tuple[int, int]]:
    seen = {(0, 0)} if (0, 0) not in blocked else set()
    todo = list(seen)
    while todo:
        x, y = todo.pop()
        for nxt in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if (
                0 <= nxt[0] < columns
                and 0 <= nxt[1] < rows
                and nxt not in blocked
                and nxt not in seen
            ):
                seen.add(nxt)
                todo.append(nxt)
    return seen


def grid_of(drawing: dict[str, Any], margin: float = 1.0) -> Grid:
    """The plan cut into cells of CELL units: a cell is open unless an obstacle covers its
    centre (or a wall passes within WALL_CLEARANCE), and open again near a door."""
    shapes = drawing["shapes"]
    left, top, right, bottom = bounds(shapes, drawing.get("seats", {}).values())
    left, top = left - margin, top - margin
    columns = max(1, math.ceil((right + margin - left) / CELL))
    rows = max(1, math.ceil((bottom + margin - top) / CELL))

    def centre(cell: tuple[int, int]) -> Point:
        return (left + (cell[0] + 0.5) * CELL, top + (cell[1] + 0.5) * CELL)

    blocked: set[tuple[int, int]] = set()
    for shape in shapes:
        if shape["kind"] in OBSTACLES:
            blocked.update(
                c for c in _cells_near(shape, left, top, WALL_CLEARANCE) if blocks(shape, centre(c))
            )
    # Outside the walls: the cells reached from the grid's corner with the doors shut.
    # Left out, so a walk never leaves by one door to come back by another. Where the
    # walls do not close the room (both sides of a door are reached), only the margin
    # around the drawing is outside.
    doors = [shape for shape in shapes if shape["kind"] in ("door", "entrance")]
    shut = set(blocked)
    for door in doors:
        shut.update(
            c for c in _cells_near(door, left, top, WALL_CLEARANCE) if blocks(door, centre(c))
        )
    outside = _flood(columns, rows, shut)
    cell_of = Grid(left, top, columns, rows, frozenset()).cell
    if any(all(cell_of(p) in outside for p in sides(door)) for door in doors):
        x0, y0, x1, y1 = left + margin, top + margin, right, bottom
        outside = {
            (x, y)
            for x in range(columns)
            for y in range(rows)
            if not (x0 <= centre((x, y))[0] <= x1 and y0 <= centre((x, y))[1] <= y1)
        }
    blocked |= outside
    for shape in shapes:
        if shape["kind"] in ("door", "entrance"):
            blocked.difference_update(
                [
                    c
                    for c in _cells_near(shape, left, top, DOOR_REACH)
                    if near_door(shape, centre(c))
                ]
            )
    cells = frozenset((x, y) for x in range(columns) for y in range(rows) if (x, y) not in blocked)
    return Grid(left, top, columns, rows, cells)


def _neighbours(grid: Grid, cell: tuple[int, int]) -> Iterable[tuple[tuple[int, int], float]]:
    x, y = cell
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            if dx == dy == 0:
                continue
            nxt = (x + dx, y + dy)
            if nxt not in grid.open:
                continue
            if dx and dy and ((x + dx, y) not in grid.open or (x, y + dy) not in grid.open):
                continue  # no cutting a corner
            yield nxt, SQRT2 if dx and dy else 1.0


def _octile(a: tuple[int, int], b: tuple[int, int]) -> float:
    dx, dy = abs(a[0] - b[0]), abs(a[1] - b[1])
    return max(dx, dy) + (SQRT2 - 1) * min(dx, dy)


def shortest(
    grid: Grid, start: tuple[int, int], goal: tuple[int, int]
) -> list[tuple[int, int]] | None:
    """A* with the octile distance (admissible, so the path is a shortest one on the grid)."""
    frontier = [(_octile(start, goal), 0.0, start)]
    came: dict[tuple[int, int], tuple[int, int] | None] = {start: None}
    cost = {start: 0.0}
    while frontier:
        _f, g, cell = heapq.heappop(frontier)
        if cell == goal:
            path = [cell]
            while (previous := came[path[-1]]) is not None:
                path.append(previous)
            return path[::-1]
        if g > cost[cell]:
            continue
        for nxt, step in _neighbours(grid, cell):
            new = g + step
            if new < cost.get(nxt, math.inf) - 1e-9:
                cost[nxt] = new
                came[nxt] = cell
                heapq.heappush(frontier, (new + _octile(nxt, goal), new, nxt))
    return None


def distances(grid: Grid, start: tuple[int, int]) -> dict[tuple[int, int], float]:
    """Dijkstra from start: the walking length in cells to every reachable cell."""
    cost = {start: 0.0}
    frontier = [(0.0, start)]
    while frontier:
        g, cell = heapq.heappop(frontier)
        if g > cost[cell]:
            continue
        for nxt, step in _neighbours(grid, cell):
            new = g + step
            if new < cost.get(nxt, math.inf) - 1e-9:
                cost[nxt] = new
                heapq.heappush(frontier, (new, nxt))
    return cost


def cells_length(path: list[tuple[int, int]]) -> float:
    """A grid path's length in cells."""
    return sum(
        SQRT2 if a[0] != b[0] and a[1] != b[1] else 1.0
        for a, b in zip(path, path[1:], strict=False)
    )


def corners(path: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The path's cells where its direction changes (and both ends)."""
    if len(path) < 3:
        return list(path)
    kept = [path[0]]
    for before, here, after in zip(path, path[1:], path[2:], strict=False):
        if (here[0] - before[0], here[1] - before[1]) != (after[0] - here[0], after[1] - here[1]):
            kept.append(here)
    kept.append(path[-1])
    return kept


def clear(grid: Grid, a: Point, b: Point) -> bool:
    """Whether every point of the straight line a→b lies in an open cell (sampled finer
    than a cell, so the line cannot slip across a blocked corner)."""
    steps = max(1, math.ceil(math.dist(a, b) / (CELL / 4)))
    return all(
        grid.cell((a[0] + (b[0] - a[0]) * i / steps, a[1] + (b[1] - a[1]) * i / steps)) in grid.open
        for i in range(steps + 1)
    )


def pulled(grid: Grid, points: list[Point]) -> list[Point]:
    """The walk with its needless corners removed: from each kept point, straight on to the
    farthest later corner that can be seen from it (a person does not zigzag)."""
    if len(points) < 3:
        return points
    kept = [points[0]]
    i = 0
    while i < len(points) - 1:
        j = len(points) - 1
        while j > i + 1 and not clear(grid, points[i], points[j]):
            j -= 1
        kept.append(points[j])
        i = j
    return kept


@dataclass(frozen=True)
class Route:
    points: list[Point]  # the walk, corner by corner, in plan units
    metres: float
    legs: list[tuple[str, float]]  # ("straight" | "left" | "right" | "back", metres) per leg


def turn(a: Point, b: Point, c: Point) -> str:
    """Which way a walker turns at b going from a to c (y grows downwards)."""
    ux, uy = b[0] - a[0], b[1] - a[1]
    vx, vy = c[0] - b[0], c[1] - b[1]
    angle = math.degrees(math.atan2(ux * vy - uy * vx, ux * vx + uy * vy))
    side = "right" if angle > 0 else "left"
    if abs(angle) < 20:
        return "straight"
    if abs(angle) < 65:
        return "bear-" + side
    return side if abs(angle) < 150 else "back"


def merged(legs: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Legs as words would say them: a straight leg joins the one before it, and a leg
    shorter than half a metre passes its turn on to the next."""
    result: list[tuple[str, float]] = []
    carried = ""
    for way, metres in legs:
        way = carried or way
        carried = ""
        if metres < 0.5 and result:
            carried = way if way != "straight" else ""
            result[-1] = (result[-1][0], result[-1][1] + metres)
            continue
        if way == "straight" and result:
            result[-1] = (result[-1][0], result[-1][1] + metres)
        else:
            result.append((way, metres))
    return result


def route(
    drawing: dict[str, Any],
    start: Point,
    goal: Point,
    grid: Grid | None = None,
    facing: Point | None = None,
) -> Route | None:
    """The shortest walk from start (a door) to goal (a seat), or None if walled off.
    `facing` (a direction) is where the walker looks on coming in: the first leg is then
    told as a turn from it ("turn left") rather than "straight on"."""
    grid = grid or grid_of(drawing)
    first, last = grid.nearest_open(start), grid.nearest_open(goal)
    if first is None or last is None:
        return None
    path = shortest(grid, first, last)
    if path is None:
        return None
    scale = float(drawing.get("metres_per_unit", 1.0))
    points = pulled(grid, [grid.centre(c) for c in path])
    legs: list[tuple[str, float]] = []
    for i in range(1, len(points)):
        if i > 1:
            way = turn(points[i - 2], points[i - 1], points[i])
        elif facing is not None:
            behind = (points[0][0] - facing[0], points[0][1] - facing[1])
            way = turn(behind, points[0], points[1])
        else:
            way = "straight"
        legs.append((way, math.dist(points[i - 1], points[i]) * scale))
    return Route(points, sum(metres for _way, metres in legs), legs)
