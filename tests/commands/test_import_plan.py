"""`seatback import plan ROOM FILE`: a real SVG and a JSON drawing become the room's plan and
move its seats; a bad drawing is refused with a clear error and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from seatback.audit.models import AuditEntry
from seatback.plans.models import Plan
from tests.plans.conftest import ROOM, SVG

pytestmark = pytest.mark.django_db


def _run(*args: str, language: str = "en") -> None:
    with translation.override(language):
        call_command("import", "plan", *args, verbosity=0)


def test_a_real_svg_becomes_the_plan_and_places_the_seats(tmp_path: Path, room, seat, other_seat):
    drawing = tmp_path / "room.svg"
    drawing.write_bytes(SVG)
    _run(room.name, str(drawing))
    plan = Plan.objects.get(room=room).drawing
    kinds = sorted(s["kind"] for s in plan["shapes"])
    assert kinds == ["desk", "desk", "door", "pillar", "wall", "window"]
    door = next(s for s in plan["shapes"] if s["kind"] == "door")
    assert door == {
        "kind": "door",
        "points": [[5.0, 8.0], [7.0, 8.0]],
        "closed": False,
        "name": "South door",
    }
    # the layer's scale(0.01) applies to the path's H and V too
    wall = next(s for s in plan["shapes"] if s["kind"] == "wall")
    assert wall["points"] == [[5, 8], [0, 8], [0, 0], [12, 0], [12, 8], [7, 8]]
    seat.refresh_from_db()
    other_seat.refresh_from_db()
    assert (seat.x, seat.y) == (10.5, 1.5)
    assert (other_seat.x, other_seat.y) == (3.5, 4.5)
    assert AuditEntry.objects.filter(action="plan.import", target_id=str(room.pk)).count() == 1


def test_a_json_drawing_replaces_the_plan(tmp_path: Path, room, seat, other_seat):
    drawing = tmp_path / "room.json"
    drawing.write_text(json.dumps(ROOM))
    _run(str(room.pk), str(drawing))
    assert len(Plan.objects.get(room=room).drawing["shapes"]) == len(ROOM["shapes"])


BAD = [
    ("not-xml.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "not a readable SVG"),
    ("html.svg", b"<html><body/></html>", "not an SVG drawing"),
    (
        "bomb.svg",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        "not a readable SVG",
    ),
    (
        "nothing.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect x="0" y="0" width="5" height="5"/></svg>',
        "no walls, doors or furniture",
    ),
    (
        "no-door.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect class="wall" width="5" height="5"/></svg>',
        "no door",
    ),
    (
        "bad-number.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg">'
        b'<rect class="desk" x="a" width="5" height="5"/></svg>',
        "bad x",
    ),
    ("unknown-seat.json", json.dumps({**ROOM, "seats": {"Z-999": [1, 1]}}).encode(), "Z-999"),
    (
        "bad-kind.json",
        json.dumps({"shapes": [{"kind": "sofa", "x": 1, "y": 1, "w": 1, "h": 1}]}).encode(),
        "sofa",
    ),
    ("bad.json", b"{not json", "not valid JSON"),
    ("plan.txt", b"walls everywhere", ".svg or a .json"),
]


@pytest.mark.parametrize(("name", "content", "says"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_drawing_is_refused_clearly_and_changes_nothing(
    tmp_path: Path, room, seat, name: str, content: bytes, says: str
):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(ROOM | {"seats": {}}))
    _run(room.name, str(good))
    before = Plan.objects.get(room=room).drawing
    seat.refresh_from_db()
    position = (seat.x, seat.y)
    drawing = tmp_path / name
    drawing.write_bytes(content)
    with pytest.raises(CommandError, match=says):
        _run(room.name, str(drawing))
    assert Plan.objects.get(room=room).drawing == before
    seat.refresh_from_db()
    assert (seat.x, seat.y) == position


def test_an_unknown_room_or_file_is_named(tmp_path: Path, room):
    with pytest.raises(CommandError, match="No room is called"):
        _run("地下室", str(tmp_path / "x.svg"))
    with pytest.raises(CommandError, match="没有名为 '地下室' 的阅览室"):
        _run("地下室", str(tmp_path / "x.svg"), language="zh-hans")
    with pytest.raises(CommandError, match="Cannot read"):
        _run(room.name, str(tmp_path / "missing.svg"))
