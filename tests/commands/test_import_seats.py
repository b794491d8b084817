"""`seatback import seats FILE.csv`: rooms are created, seats updated in place keep their code."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management.base import CommandError

from seatback.library.models import Library, Room, Seat
from tests.commands.conftest import counts, run, run_script, write_csv

HEADER = "room,label,floor,x,y,features,reservable\n"
GOOD = (
    HEADER
    + "二楼自习室,A-001,2,1,1,power;window,是\n"
    + "二楼自习室,A-002,2,2.5,1,power | quiet,否\n"
    + "二楼自习室,A-003,,3,1,,\n"
    + "三楼阅览室,B-1,3,0,0,lamp；power,true\n"
    + '三楼阅览室,B-2,3,-1.5,2e1,"power;power; ",1\n'
)


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path, "seats.csv", GOOD, bom=True, crlf=True)


def test_creates_rooms_and_seats(db: None, good_file: Path) -> None:
    out, _err = run("import", "seats", str(good_file))

    assert "seats: 5 created, 0 updated, 0 unchanged; rooms: 2 created, 0 updated" in out
    second, third = Room.objects.get(name="二楼自习室"), Room.objects.get(name="三楼阅览室")
    assert (second.floor, third.floor) == ("2", "3")
    assert second.library == third.library == Library.get()
    a1 = Seat.objects.get(room=second, label="A-001")
    assert (a1.x, a1.y, a1.features, a1.reservable) == (1, 1, ["power", "window"], True)
    a2 = Seat.objects.get(room=second, label="A-002")
    assert (a2.x, a2.features, a2.reservable) == (2.5, ["power", "quiet"], False)
    a3 = Seat.objects.get(room=second, label="A-003")
    assert (a3.features, a3.reservable) == ([], False)
    b1 = Seat.objects.get(room=third, label="B-1")
    assert (b1.features, b1.reservable) == (["lamp", "power"], True)
    b2 = Seat.objects.get(room=third, label="B-2")
    assert (b2.x, b2.y, b2.features, b2.reservable) == (-1.5, 20, ["power"], True)
    codes = set(Seat.objects.values_list("code", flat=True))
    assert len(codes) == 5
    assert all(len(code) >= 20 and "A-00" not in code for code in codes)


def test_running_the_same_file_again_changes_nothing(db: None, good_file: Path) -> None:
    run("import", "seats", str(good_file))
    before = list(Seat.objects.order_by("pk").values())

    out, _err = run("import", "seats", str(good_file))

    assert "seats: 0 created, 0 updated, 5 unchanged; rooms: 0 created, 0 updated" in out
    assert list(Seat.objects.order_by("pk").values()) == before


def test_changed_seats_are_updated_in_place_and_keep_their_qr_code(
    db: None, good_file: Path, tmp_path: Path
) -> None:
    run("import", "seats", str(good_file))
    codes = dict(Seat.objects.values_list("label", "code"))
    changed = write_csv(
        tmp_path,
        "changed.csv",
        HEADER
        + "二楼自习室,A-001,2F,9,9,power,否\n"  # moved, lost a feature, not reservable; floor
        + "二楼自习室,A-002,,2.5,1,power|quiet,否\n"  # unchanged
        + "二楼自习室,A-004,,4,1,,\n",  # new
    )

    out, _err = run("import", "seats", str(changed))

    assert "seats: 1 created, 1 updated, 1 unchanged; rooms: 0 created, 1 updated" in out
    a1 = Seat.objects.get(label="A-001")
    assert (a1.x, a1.y, a1.features, a1.reservable) == (9, 9, ["power"], False)
    assert a1.code == codes["A-001"]
    assert Seat.objects.get(label="A-002").code == codes["A-002"]
    assert Room.objects.get(name="二楼自习室").floor == "2F"
    assert Seat.objects.count() == 6  # seats the file does not mention are left alone


def test_an_existing_room_gets_the_new_seats(
    db: None, room: Room, seat: Seat, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "more.csv",
        HEADER + f"{room.name},A-001,,1,1,power,0\n{room.name},A-010,,5,5,,0\n",
    )

    out, _err = run("import", "seats", str(path))

    assert "seats: 1 created, 0 updated, 1 unchanged; rooms: 0 created, 0 updated" in out
    assert set(room.seats.values_list("label", flat=True)) == {"A-001", "A-010"}


BAD = (
    HEADER
    + "二楼自习室,A-001,2,1,1,,是\n"  # line 2: fine
    + "二楼自习室,A-002,2,left,1,,否\n"  # line 3: x is not a number
    + "二楼自习室,A-003,2,1,1,,maybe\n"  # line 4: reservable
    + "二楼自习室,,2,1,1,,否\n"  # line 5: no label
    + "二楼自习室,A-001,2,1,1,,否\n"  # line 6: duplicate of line 2
    + "二楼自习室,A-007,3,1,1,,否\n"  # line 7: the room is on floor 2 (line 2)
    + ",A-008,2,1,nan,,否\n"  # line 8: no room, y not a number
    + "新房间,N-1,1,0,0,,否\n"  # line 9: fine, but must not be written
)


def test_a_bad_file_names_every_bad_line_and_writes_nothing(
    db: None, room: Room, tmp_path: Path
) -> None:
    path = write_csv(tmp_path, "bad.csv", BAD)
    before = counts()

    with pytest.raises(CommandError) as caught:
        run("import", "seats", str(path))

    message = str(caught.value)
    assert "6 bad rows; nothing was imported" in message
    for line, words in [
        (3, "x: 'left' is not a number"),
        (4, "reservable: 'maybe' is not one of"),
        (5, "label: required"),
        (6, "seat A-001 of room 二楼自习室 is already on line 2"),
        (7, "floor '3' differs from '2' (room 二楼自习室, line 2)"),
        (8, "room: required; y: 'nan' is not a number"),
    ]:
        assert f"line {line}: {words}" in message
    assert counts() == before
    assert not Room.objects.filter(name="新房间").exists()


def test_the_header_must_name_the_seat_columns(db: None, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "h.csv", "room,label,x,y\n二楼,A,1,1\n")

    with pytest.raises(CommandError, match="missing columns: floor, features, reservable"):
        run("import", "seats", str(path))

    assert counts()["rooms"] == 0


def test_a_large_file_shows_progress(db: None, tmp_path: Path) -> None:
    rows = [
        f"大阅览室,{chr(65 + n // 100)}-{n % 100:03d},4,{n % 100},{n // 100},power,0"
        for n in range(1500)
    ]
    path = write_csv(tmp_path, "big.csv", HEADER + "\n".join(rows) + "\n")

    out, err = run("import", "seats", str(path))

    assert "seats: 1500 created" in out
    assert "checking rows: 1,000/1,500 (66%)" in err
    assert "writing seats: 1,500/1,500 (100%)" in err
    assert Seat.objects.count() == 1500


@pytest.mark.django_db(transaction=True)
def test_the_seatback_script_exits_non_zero_on_a_bad_seat_file(tmp_path: Path) -> None:
    bad = write_csv(tmp_path, "bad.csv", BAD)

    result = run_script("import", "seats", str(bad), data_dir=tmp_path)

    assert result.returncode == 1, result.stderr
    assert "A-001" in result.stderr
    assert counts() == {"readers": 0, "rooms": 0, "seats": 0}

    good = write_csv(tmp_path, "good.csv", GOOD)
    result = run_script("import", "seats", str(good), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert counts()["seats"] == 5


def test_nul_surrogates_and_control_characters_are_bad_cells_by_line(
    db: None, tmp_path: Path
) -> None:
    """PostgreSQL cannot store NUL (it was a DataError traceback); a UTF-8 file cannot hold
    a lone surrogate (its bytes are not UTF-8); a formula is only text, stored as written."""
    path = tmp_path / "hostile.csv"
    path.write_bytes(
        HEADER.encode()
        + '二楼自习室,=HYPERLINK("http://evil"),2,1,1,,否\n'.encode()
        + "二楼自习室,A-\x002,2,2,1,,否\n".encode()
        + "二楼自习室,A-3,2,3,1,power\x07,否\n".encode()
    )
    with pytest.raises(CommandError) as caught:
        run("import", "seats", str(path))
    message = str(caught.value)
    assert "2 bad rows; nothing was imported" in message
    assert "line 3: control characters (e.g. NUL) in label" in message
    assert "line 4: control characters (e.g. NUL) in features" in message
    assert counts()["seats"] == 0

    path.write_bytes(HEADER.encode() + b"\xe4\xba\x8c,A-\xed\xa0\x80,2,1,1,,0\n")
    with pytest.raises(CommandError, match="line 2: the file is not utf-8 text"):
        run("import", "seats", str(path))

    path.write_bytes(HEADER.encode() + '二楼,=HYPERLINK("x"),2,1,1,,否\n'.encode())
    run("import", "seats", str(path))
    assert Seat.objects.get().label == '=HYPERLINK("x")'
