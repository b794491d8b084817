"""`seatback policy show [--room ROOM]` and `seatback policy set [--room ROOM] KEY=VALUE ...`."""

from __future__ import annotations

from datetime import time

import pytest
from django.core.management.base import CommandError

from seatback.library.models import Library, Room
from tests.commands.conftest import run


def line_of(out: str, key: str) -> str:
    return next(line for line in out.splitlines() if f" {key} " in line)


def test_show_prints_the_built_in_defaults(library: Library) -> None:
    out, _err = run("policy", "show")

    assert line_of(out, "leave_allowance_minutes").split() == [
        "leave_allowance_minutes",
        "20",
        "default",
    ]
    assert line_of(out, "protected_windows").split()[1] == "11:30-13:00,17:30-18:30"
    assert line_of(out, "opening_hours").split()[1] == "07:00-22:30"


def test_set_on_the_library_stores_canonical_values(library: Library) -> None:
    out, _err = run("policy", "set", "leave_allowance_minutes= 25", "opening_hours=7:00-22:00")

    library.refresh_from_db()
    assert library.policy == {"leave_allowance_minutes": 25, "opening_hours": "07:00-22:00"}
    assert line_of(out, "leave_allowance_minutes").split() == [
        "*",
        "leave_allowance_minutes",
        "25",
        "library",
    ]
    assert line_of(out, "claim_window_minutes").split()[-1] == "default"


def test_set_on_a_room_overrides_and_show_marks_the_overrides(library: Library, room: Room) -> None:
    run("policy", "set", "opening_hours=06:30-23:00")

    run("policy", "set", "--room", room.name, "claim_window_minutes=5", "protected_windows=")
    out, _err = run("policy", "show", "--room", room.name)

    room.refresh_from_db()
    assert room.policy == {"claim_window_minutes": 5, "protected_windows": ""}
    assert room.effective_policy().protected_windows == ()
    assert room.effective_policy().opening_hours == (time(6, 30), time(23, 0))
    assert room.name in out
    assert line_of(out, "claim_window_minutes").split() == [
        "*",
        "claim_window_minutes",
        "5",
        "room",
    ]
    assert line_of(out, "protected_windows").split() == ["*", "protected_windows", "(none)", "room"]
    assert line_of(out, "opening_hours").split() == ["opening_hours", "06:30-23:00", "library"]
    library_out, _err = run("policy", "show")
    assert f"{room.name}: claim_window_minutes=5, protected_windows=" in library_out


def test_unset_removes_a_room_override(library: Library, room: Room) -> None:
    room.policy = {"claim_window_minutes": 5, "step_out_minutes": 45}
    room.save()

    run("policy", "set", "--room", room.name, "--unset", "claim_window_minutes")

    room.refresh_from_db()
    assert room.policy == {"step_out_minutes": 45}


@pytest.mark.parametrize(
    ("assignments", "key"),
    [
        (["leave_allowance_minutes=abc"], "leave_allowance_minutes"),
        (["step_out_minutes=30", "claim_window_minutes=-1"], "claim_window_minutes"),
        (["opening_hours=22:00-07:00"], "opening_hours"),
        (["protected_windows=11:00-13:00,12:00-14:00"], "protected_windows"),
        (["leave_allowance_minutes=5", "seat_colour=red"], "seat_colour"),
        (["leave_allowance_minutes=30", "opening_hours=08:00-08:20"], "leave_allowance_minutes"),
    ],
)
def test_a_bad_value_names_the_key_and_changes_nothing(
    library: Library, room: Room, assignments: list[str], key: str
) -> None:
    for target in ([], ["--room", room.name]):
        with pytest.raises(CommandError) as caught:
            run("policy", "set", *target, *assignments)
        assert str(caught.value).startswith(f"{key}: ")

    library.refresh_from_db()
    room.refresh_from_db()
    assert library.policy == {} and room.policy == {}


def test_a_library_change_that_breaks_a_room_is_refused(library: Library, room: Room) -> None:
    run("policy", "set", "--room", room.name, "leave_allowance_minutes=60")

    with pytest.raises(CommandError, match=f"would not fit room {room.name}"):
        run("policy", "set", "opening_hours=08:00-08:30")

    library.refresh_from_db()
    assert library.policy == {}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["set", "leave_allowance_minutes"], "is not KEY=VALUE"),
        (["set"], "nothing to set"),
        (["set", "step_out_minutes=5", "step_out_minutes=6"], "given twice"),
        (["set", "step_out_minutes=5", "--unset", "step_out_minutes"], "both set and unset"),
        (["set", "--unset", "colour"], "colour: unknown policy key"),
        (["show", "--room", "地下室"], "unknown room '地下室'; rooms: 二楼自习室"),
    ],
)
def test_wrong_use_is_refused(library: Library, room: Room, args: list[str], words: str) -> None:
    with pytest.raises(CommandError, match=words):
        run("policy", *args)
