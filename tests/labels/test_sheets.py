"""The printed labels: every QR code on every page scans to a seat's URL, the Chinese
text is set in an embedded font, and the QR codes are large and robust enough for a
phone at arm's length (docs/labels.md)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from seatback.labels import codes, sheets
from seatback.library.models import Library, Room, Seat
from tests.commands.conftest import run
from tests.labels.conftest import BASE_URL, decode, pdf_pages


@pytest.fixture
def big_room(library: Library) -> Room:
    """A 130-seat hall (six A4 sheets), its allowance 25 minutes instead of 20."""
    room = Room.objects.create(
        library=library, name="一楼大阅览室", floor="1", policy={"leave_allowance_minutes": 25}
    )
    Seat.objects.bulk_create([Seat(room=room, label=f"H-{n}") for n in range(1, 131)])
    return room


def test_every_qr_code_of_a_130_seat_room_decodes_to_the_csv_urls(
    big_room: Room, tmp_path: Path
) -> None:
    run("qr", "export", "--room", big_room.name, "--format", "pdf", "-o", str(tmp_path / "l.pdf"))
    run("qr", "export", "--room", big_room.name, "--format", "csv", "-o", str(tmp_path / "l.csv"))

    with (tmp_path / "l.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 130
    pages = pdf_pages((tmp_path / "l.pdf").read_bytes(), dpi=150)
    assert len(pages) == 6  # 24 labels a sheet
    decoded = [url for image, _text in pages for url in decode(image)]
    assert len(decoded) == 130  # every label on every page, none missed or read twice
    assert set(decoded) == {row["url"] for row in rows}
    # Rendered at 60 dpi, a module is 2 pixels: what a phone's 1080p preview sees of this
    # label from about 58 cm (docs/labels.md). Every code on the sheet still decodes.
    [(far, _text)] = pdf_pages((tmp_path / "l.pdf").read_bytes(), dpi=60)[:1]
    assert len(decode(far)) == 24
    assert {row["url"] for row in rows} == {
        f"{BASE_URL}/s/{code}" for code in big_room.seats.values_list("code", flat=True)
    }


def test_the_chinese_font_is_embedded_and_the_rule_shows_the_rooms_allowance(
    big_room: Room, tmp_path: Path
) -> None:
    out = tmp_path / "one.pdf"
    run(
        "qr", "export", "--room", big_room.name, "--label", "H-1", "--format", "pdf", "-o", str(out)
    )

    data = out.read_bytes()
    assert b"/FontFile2" in data  # a TrueType font program inside the PDF
    assert re.search(rb"/BaseFont /[A-Z]{6}\+WenQuanYiMicroHei", data)  # a subset
    assert b"STSong-Light" not in data
    [(image, text)] = pdf_pages(data)
    flat = re.sub(r"\s", "", text)
    assert big_room.library.name in flat
    assert "一楼大阅览室" in flat
    assert "有物无人？扫码计时，25分钟无人回座即可入座。" in flat
    assert "ifnobodyisbackin25min,it'syours." in flat
    assert decode(image) == [f"{BASE_URL}/s/{big_room.seats.get(label='H-1').code}"]


def test_without_any_font_file_the_pdf_falls_back_and_says_so(
    big_room: Room, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheets, "default_font", lambda: None)
    out = tmp_path / "fallback.pdf"

    _out, err = run(
        "qr", "export", "--room", big_room.name, "--label", "H-2", "--format", "pdf", "-o", str(out)
    )

    assert "no Chinese font to embed" in err
    assert b"STSong-Light" in out.read_bytes()
    [(image, _text)] = pdf_pages(out.read_bytes())
    assert len(decode(image)) == 1


def test_qr_codes_are_low_density_with_big_modules_and_a_quiet_zone(big_room: Room) -> None:
    """The demo's URLs fit version 4 at error correction Q; a module is over 0.8 mm."""
    seat = codes.in_print_order(big_room.seats.select_related("room__library"))[0]
    label = sheets.layout(seat, 210 / 3, 297 / 8, sheets.register_font(None))

    assert len(label.url) == len(f"{BASE_URL}/s/") + 20
    assert len(label.matrix) == 33  # version 4: 17 + 4 * 4 modules a side
    assert label.module == pytest.approx(0.832, abs=0.001)
    assert label.qr_x >= 4 * label.module and label.qr_y >= 4 * label.module
    nearest_text = min(text.x for text in label.texts)
    assert nearest_text - (label.qr_x + label.qr_size) >= 4 * label.module - 1e-9


@pytest.mark.parametrize(
    ("base_url", "version"),
    [("http://localhost:8000", 4), ("https://seats.library.example.edu", 5)],
)
def test_error_correction_is_q(base_url: str, version: int) -> None:
    # Q restores up to a quarter of the code: a scratched sticker still scans.
    matrix = sheets.qr_matrix(f"{base_url}/s/{'x' * 20}")
    assert len(matrix) == 17 + 4 * version


def test_an_svg_label_carries_the_same_text(big_room: Room) -> None:
    seat = big_room.seats.get(label="H-7")
    svg = sheets.svg_label(sheets.layout(seat, 70, 37, sheets.register_font(None)))

    for shown in (
        big_room.library.name,
        "一楼大阅览室",
        "H-7",
        "25分钟",
        "in 25 min,",
        seat.code,
    ):
        assert shown in svg
