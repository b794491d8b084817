"""`seatback import spaces FILE.csv`: every row checked first, bad rows named by line,
running it again updates by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from seatback.library.models import Room
from seatback.spaces.models import Space

HEADER = (
    "name,kind,room,capacity,min_group,features,slot_minutes,longest_minutes,days_ahead,"
    "reader_kinds\n"
)


def write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "spaces.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_spaces_are_created_then_updated_not_duplicated(room: Room, tmp_path: Path) -> None:
    good = write(
        tmp_path,
        f"研讨室 A,group_study,{room.name},6,3,screen;whiteboard,60,180,3,\n"
        "研究间 1,carrel,,1,,,,,,postgraduate\n",
    )
    call_command("import", "spaces", good, verbosity=0)
    call_command("import", "spaces", good, verbosity=0)
    assert Space.objects.count() == 2
    a = Space.objects.get(name="研讨室 A")
    assert (a.room, a.capacity, a.min_group, a.features) == (room, 6, 3, ["screen", "whiteboard"])
    carrel = Space.objects.get(name="研究间 1")
    assert (carrel.room, carrel.slot_minutes, carrel.reader_kinds) == (None, 60, ["postgraduate"])


def test_bad_rows_are_named_by_line_and_nothing_is_written(room: Room, tmp_path: Path) -> None:
    bad = write(
        tmp_path,
        "好的,carrel,,1,1,,,,,\n"
        "无类型,lounge,,4,1,,,,,\n"
        "太小,group_study,,2,3,,,,,\n"
        "没有房间,carrel,火星阅览室,1,1,,,,,\n",
    )
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("import", "spaces", bad, verbosity=0)
    lines = str(refused.value).splitlines()
    assert [line.split(":")[0].strip() for line in lines[1:]] == ["line 3", "line 4", "line 5"]
    assert not Space.objects.exists()
