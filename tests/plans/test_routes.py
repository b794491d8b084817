"""Walking routes (plans.routes): around walls and desks, through the door, shortest on the
grid, and told in words."""

from __future__ import annotations

import math

import pytest

from seatback.plans import routes, shapes
from tests.plans.conftest import ROOM


@pytest.fixture
def drawing() -> dict:
    return shapes.clean(ROOM)


def _crosses(drawing: dict, a: routes.Point, b: routes.Point) -> bool:
    """Whether the straight walk a→b passes through an obstacle (sampled every 2 cm)."""
    steps = max(1, int(math.dist(a, b) / 0.02))
    for i in range(steps + 1):
        p = (a[0] + (b[0] - a[0]) * i / steps, a[1] + (b[1] - a[1]) * i / steps)
        for shape in drawing["shapes"]:
            in_door = any(routes.near_door(d, p) for d in drawing["shapes"] if d["kind"] == "door")
            if shape["kind"] in shapes.OBSTACLES and routes.blocks(shape, p) and not in_door:
                return True
    return False


def test_the_route_goes_round_the_desks_and_never_through_a_wall_or_desk(drawing):
    walk = routes.route(drawing, (6, 8), (10.5, 1.5))
    assert walk is not None
    for a, b in zip(walk.points, walk.points[1:], strict=False):
        assert not _crosses(drawing, a, b), (a, b)
    # The desks leave a gap only on the left (x < 2): the walk must pass it twice.
    assert min(x for x, _y in walk.points) < 2
    # It cannot be shorter than the taut string round the desks' left ends.
    taut = math.dist((6, 8), (2, 6)) + math.dist((2, 6), (2, 2)) + math.dist((2, 2), (10.5, 1.5))
    assert taut < walk.metres < taut + 3


def test_the_route_is_the_shortest_on_its_grid(drawing):
    grid = routes.grid_of(drawing)
    start, goal = grid.nearest_open((6, 8)), grid.nearest_open((3.5, 4.5))
    assert start and goal
    path = routes.shortest(grid, start, goal)
    assert path is not None
    # Dijkstra over the whole grid gives the true shortest length; A* must match it.
    assert routes.cells_length(path) == pytest.approx(routes.distances(grid, start)[goal])
    # and each step goes to a neighbouring open cell
    assert all(cell in grid.open for cell in path)
    assert all(
        max(abs(a[0] - b[0]), abs(a[1] - b[1])) == 1 for a, b in zip(path, path[1:], strict=False)
    )


def test_a_walled_off_seat_has_no_route():
    closed = shapes.clean(
        {
            "shapes": [
                {"kind": "wall", "points": [[0, 0], [10, 0], [10, 10], [0, 10]], "closed": True},
                {"kind": "door", "points": [[4, 10], [6, 10]]},
                # a small room inside, its walls all round and no door
                {"kind": "wall", "points": [[5, 5], [9, 5], [9, 9], [5, 9], [5, 5]]},
            ]
        }
    )
    assert routes.route(closed, (5, 10), (7, 7)) is None


def test_turns_are_told_from_the_walkers_side():
    # y grows downwards: walking up the page (north) then east is a right turn
    assert routes.turn((0, 10), (0, 0), (10, 0)) == "right"
    assert routes.turn((0, 10), (0, 0), (-10, 0)) == "left"
    assert routes.turn((0, 10), (0, 5), (0, 0)) == "straight"
    assert routes.merged([("straight", 3), ("straight", 2), ("left", 0.2), ("straight", 4)]) == [
        ("straight", 5.2),
        ("left", 4),
    ]


def test_a_walled_off_corner_does_not_close_the_rest_of_the_room():
    # the room of test_a_walled_off_seat_has_no_route: its closet is unreachable, the rest
    # of the room is not
    room = shapes.clean(
        {
            "shapes": [
                {"kind": "wall", "points": [[4, 10], [0, 10], [0, 0], [10, 0], [10, 10], [6, 10]]},
                {"kind": "door", "points": [[4, 10], [6, 10]]},
                {"kind": "wall", "points": [[5, 5], [9, 5], [9, 9], [5, 9], [5, 5]]},
            ]
        }
    )
    walk = routes.route(room, (5, 10), (2, 2))
    assert walk is not None and walk.metres < 10
    assert routes.route(room, (5, 10), (7, 7)) is None


def test_a_walk_never_goes_out_of_one_door_and_in_by_another():
    # two doors in the bottom wall, a desk wall to wall between them inside: going out and
    # back in would be shorter than round the desk's open end at the top
    room = shapes.clean(
        {
            "shapes": [
                {"kind": "wall", "points": [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]},
                {"kind": "door", "points": [[1, 10], [2, 10]]},
                {"kind": "door", "points": [[8, 10], [9, 10]]},
                {"kind": "shelf", "x": 4.8, "y": 2, "w": 0.4, "h": 8},
            ]
        }
    )
    walk = routes.route(room, (1.5, 10), (8.5, 9))
    assert walk is not None
    assert max(y for _x, y in walk.points) <= 10.25  # never below the wall (its doorway)
    assert min(y for _x, y in walk.points) < 2  # round the shelf's top end


def test_the_first_step_is_a_turn_from_the_way_in():
    walk = routes.route(shapes.clean(ROOM), (6, 8), (0.8, 7), facing=(0, -1))
    assert walk is not None and walk.legs[0][0] in ("left", "bear-left")
