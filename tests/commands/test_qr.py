"""`seatback qr export` and `seatback qr revoke`: the printed QR codes really open the seat.

The PDF pages and SVG labels are rendered to images (pypdfium2, cairosvg) and their QR
codes decoded with zxing-cpp, the way a phone camera would read them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import cairosvg
import pypdfium2
import pytest
import zxingcpp
from django.core.management.base import CommandError
from django.test import Client
from PIL import Image

from seatback.labels import codes, sheets
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from tests.commands.conftest import run

BASE_URL = "https://seats.library.example.edu"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@pytest.fixture(autouse=True)
def _base_url(settings: object) -> None:
    settings.BASE_URL = BASE_URL  # type: ignore[attr-defined]


def url(seat: Seat) -> str:
    return f"{BASE_URL}/s/{seat.code}"


@pytest.fixture
def rooms(library: Library) -> tuple[Room, Room]:
    """Two rooms: 30 seats on floor 2 (labels A-1..A-30), 5 on floor 3, one seat inactive."""
    second = Room.objects.create(library=library, name="二楼自习室", floor="2")
    third = Room.objects.create(library=library, name="三楼阅览室", floor="3")
    Seat.objects.bulk_create(
        [Seat(room=third, label=f"B-{n}") for n in range(5, 0, -1)]
        + [Seat(room=second, label=f"A-{n}") for n in range(30, 0, -1)]
    )
    Seat.objects.filter(room=third, label="B-5").update(active=False)
    return second, third


def printed(rooms: tuple[Room, Room]) -> list[Seat]:
    """The active seats in print order: floor, room, label with numbers compared as numbers."""
    second, third = rooms
    return [Seat.objects.get(room=second, label=f"A-{n}") for n in range(1, 31)] + [
        Seat.objects.get(room=third, label=f"B-{n}") for n in range(1, 5)
    ]


def decode(image: Image.Image) -> list[tuple[str, int, int]]:
    """Every QR code in the image: (text, x, y of its centre)."""
    found = []
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        assert barcode.format == zxingcpp.BarcodeFormat.QRCode
        corners = [barcode.position.top_left, barcode.position.bottom_right]
        found.append((barcode.text, sum(p.x for p in corners) // 2, sum(p.y for p in corners) // 2))
    return found


def pdf_pages(path: Path, dpi: int = 150) -> list[tuple[Image.Image, str]]:
    document = pypdfium2.PdfDocument(str(path))
    pages = []
    for page in document:
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        pages.append((image, page.get_textpage().get_text_range()))
    return pages


def test_csv_has_room_label_code_and_url(rooms: tuple[Room, Room], tmp_path: Path) -> None:
    out_file = tmp_path / "labels.csv"

    out, _err = run("qr", "export", "--format", "csv", "-o", str(out_file))

    with out_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["room", "label", "code", "url"]
    assert rows[1:] == [[s.room.name, s.label, s.code, url(s)] for s in printed(rooms)]
    assert "34 seats" in out


def test_pdf_labels_decode_to_each_seat_url_in_print_order(
    rooms: tuple[Room, Room], tmp_path: Path
) -> None:
    out_file = tmp_path / "labels.pdf"

    out, _err = run("qr", "export", "--format", "pdf", "-o", str(out_file))

    assert "34 labels on 2 A4 pages" in out
    pages = pdf_pages(out_file)
    assert len(pages) == 2
    expected = printed(rooms)
    for number, (image, text) in enumerate(pages):
        found = decode(image)
        on_page = expected[number * 24 : (number + 1) * 24]
        assert len(found) == len(on_page)
        width, height = image.size
        for decoded, x, y in found:
            cell = (y * 8 // height) * 3 + x * 3 // width  # 3 columns x 8 rows, row by row
            assert decoded == url(on_page[cell])
        # pdfium's text extraction joins lines that end with a hyphen: compare without them.
        flat = re.sub(r"[\s-]", "", text)
        for seat in on_page:
            for shown in (seat.room.name, seat.label, seat.code):
                assert shown.replace("-", "") in flat


def test_pdf_can_embed_a_chinese_font(rooms: tuple[Room, Room], tmp_path: Path) -> None:
    if not CJK_FONT.exists():
        pytest.skip("no WenQuanYi Zen Hei font (apt-get install fonts-wqy-zenhei)")
    out_file = tmp_path / "labels.pdf"

    run(
        "qr",
        "export",
        "--room",
        "三楼阅览室",
        "--format",
        "pdf",
        "-o",
        str(out_file),
        "--font",
        str(CJK_FONT),
    )

    assert b"FontFile2" in out_file.read_bytes()  # an embedded TrueType font
    [(image, text)] = pdf_pages(out_file)
    assert "三楼阅览室" in text
    assert sorted(found[0] for found in decode(image)) == sorted(
        url(s) for s in printed(rooms)[30:]
    )


def test_a_bad_font_is_refused(rooms: tuple[Room, Room], tmp_path: Path) -> None:
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("no")

    with pytest.raises(CommandError, match="cannot use this font"):
        run(
            "qr",
            "export",
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "x.pdf"),
            "--font",
            str(not_a_font),
        )


def test_svg_labels_one_per_seat_decode_to_the_seat_url(
    rooms: tuple[Room, Room], tmp_path: Path
) -> None:
    folder = tmp_path / "svg"

    out, _err = run("qr", "export", "--room", "三楼阅览室", "--format", "svg", "-o", str(folder))

    assert "4 SVG labels" in out
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.svg"))
    assert files == [f"三楼阅览室/B-{n}.svg" for n in range(1, 5)]
    for seat in printed(rooms)[30:]:
        png = cairosvg.svg2png(
            url=str(folder / "三楼阅览室" / f"{seat.label}.svg"), output_width=700
        )
        [(decoded, _x, _y)] = decode(Image.open(io.BytesIO(png)))
        assert decoded == url(seat)


def test_svg_labels_can_go_into_a_zip_file(rooms: tuple[Room, Room], tmp_path: Path) -> None:
    archive = tmp_path / "labels.zip"

    run("qr", "export", "--format", "svg", "-o", str(archive))

    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert len(names) == 34
        seat = printed(rooms)[9]
        png = cairosvg.svg2png(bytestring=opened.read("二楼自习室/A-10.svg"), output_width=700)
    [(decoded, _x, _y)] = decode(Image.open(io.BytesIO(png)))
    assert decoded == url(seat)


def test_svg_file_names_are_safe_and_unique(library: Library) -> None:
    room = Room.objects.create(library=library, name="A/B 室", floor="1")
    seats = [Seat.objects.create(room=room, label=label) for label in ("1:1", "1?1", "..")]

    names = sheets.svg_names(seats)

    assert names[0] == "A_B 室/1_1.svg"
    assert names[1] == f"A_B 室/1_1-{seats[1].pk}.svg"
    assert names[2] == "A_B 室/_.svg"


def test_export_selects_rooms_and_labels(rooms: tuple[Room, Room], tmp_path: Path) -> None:
    out_file = tmp_path / "one.csv"

    run(
        "qr",
        "export",
        "--room",
        "二楼自习室",
        "--label",
        "A-7",
        "--label",
        "A-12",
        "--format",
        "csv",
        "-o",
        str(out_file),
    )

    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert [row["label"] for row in rows] == ["A-7", "A-12"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--room", "地下室"], "unknown room '地下室'"),
        (["--room", "二楼自习室", "--label", "Z-9"], "no seat with the label Z-9"),
    ],
)
def test_export_refuses_what_does_not_exist(
    rooms: tuple[Room, Room], tmp_path: Path, args: list[str], words: str
) -> None:
    with pytest.raises(CommandError, match=words):
        run("qr", "export", *args, "--format", "csv", "-o", str(tmp_path / "x.csv"))
    assert not (tmp_path / "x.csv").exists()


def test_export_without_seats_is_refused(library: Library, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no seats to export"):
        run("qr", "export", "--format", "pdf", "-o", str(tmp_path / "x.pdf"))


def test_many_labels_show_progress(library: Library, tmp_path: Path) -> None:
    room = Room.objects.create(library=library, name="大阅览室", floor="4")
    Seat.objects.bulk_create([Seat(room=room, label=f"C-{n}") for n in range(1, 251)])

    out, err = run("qr", "export", "--format", "pdf", "-o", str(tmp_path / "many.pdf"))

    assert "250 labels on 11 A4 pages" in out
    assert "pdf: 10/11 pages" in err and "pdf: 11/11 pages" in err


def test_revoke_gives_a_seat_a_new_code_and_the_old_one_stops_working(
    rooms: tuple[Room, Room], tmp_path: Path
) -> None:
    seat = printed(rooms)[0]
    old = seat.code
    client = Client()
    client.force_login(Reader.objects.create_user("20240001", "pw", name="读者"))
    assert client.get(f"/api/v1/seats/{old}").status_code == 200

    out, _err = run("qr", "revoke", "--room", "二楼自习室", "--label", "A-1")

    seat.refresh_from_db()
    assert seat.code != old
    assert f"二楼自习室 A-1: {url(seat)}" in out
    assert "seatback qr export --room '二楼自习室' --label A-1 --format pdf" in out
    response = client.get(f"/api/v1/seats/{old}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_seat"
    assert client.get(f"/api/v1/seats/{seat.code}").status_code == 200
    others = {s.pk: s.code for s in printed(rooms)[1:]}
    assert {s.pk: s.code for s in Seat.objects.filter(pk__in=others)} == others

    out_file = tmp_path / "again.pdf"
    run(
        "qr",
        "export",
        "--room",
        "二楼自习室",
        "--label",
        "A-1",
        "--format",
        "pdf",
        "-o",
        str(out_file),
    )
    [(image, _text)] = pdf_pages(out_file)
    assert [found[0] for found in decode(image)] == [url(seat)]


def test_revoke_all_seats_of_a_room(rooms: tuple[Room, Room]) -> None:
    second, third = rooms
    before = dict(Seat.objects.values_list("pk", "code"))

    run("qr", "revoke", "--room", third.name, "--all")

    after = dict(Seat.objects.values_list("pk", "code"))
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == set(third.seats.values_list("pk", flat=True))
    assert len(set(after.values())) == len(after)


@pytest.mark.parametrize(
    "args",
    [["--room", "二楼自习室"], ["--room", "二楼自习室", "--all", "--label", "A-1"]],
)
def test_revoke_needs_labels_or_all(rooms: tuple[Room, Room], args: list[str]) -> None:
    before = dict(Seat.objects.values_list("pk", "code"))
    with pytest.raises(CommandError, match="--label LABEL, or give --all"):
        run("qr", "revoke", *args)
    assert dict(Seat.objects.values_list("pk", "code")) == before


def test_natural_order_of_labels() -> None:
    labels = ["A-10", "A-2", "a-3", "B-1", "A-1", "2", "10"]
    assert sorted(labels, key=codes.natural_key) == ["2", "10", "A-1", "A-2", "a-3", "A-10", "B-1"]


def test_a_long_room_name_wraps_onto_two_lines(library: Library) -> None:
    room = Room.objects.create(library=library, name="Periodicals Reading Room West Wing")
    seat = Seat.objects.create(room=room, label="W-007")

    texts = sheets.layout(seat, 70, 37.125, sheets.register_font(None)).texts

    shown = [t.text for t in texts]
    assert shown[:4] == [library.name, "Periodicals Reading Room", "West Wing", "W-007"]
    assert shown[-1] == seat.code
    assert all(a.y < b.y for a, b in zip(texts, texts[1:], strict=False))
