"""Label tests: a reading room's seats, the clock pinned, decoding QR codes as a phone would."""

from __future__ import annotations

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from tests.conftest import at

BASE_URL = "http://localhost:8000"  # the demo's SEATBACK_BASE_URL


@pytest.fixture(autouse=True)
def _base_url_and_time(settings: object) -> None:
    settings.BASE_URL = BASE_URL  # type: ignore[attr-defined]
    clock.travel_to(at("09:00"))


@pytest.fixture
def study(library: Library) -> Room:
    """二楼自习室 with 30 seats A-1..A-30."""
    room = Room.objects.create(library=library, name="二楼自习室", floor="2")
    Seat.objects.bulk_create([Seat(room=room, label=f"A-{n}") for n in range(1, 31)])
    return room


def seat_url(seat: Seat) -> str:
    return f"{BASE_URL}/s/{seat.code}"


def decode(image: Image.Image) -> list[str]:
    """The text of every QR code in the image."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert all(code.format == zxingcpp.BarcodeFormat.QRCode for code in found)
    return [code.text for code in found]


def pdf_pages(data: bytes, dpi: int = 150) -> list[tuple[Image.Image, str]]:
    """Each page rendered to grey pixels, with its extracted text."""
    document = pypdfium2.PdfDocument(data)
    pages = []
    for page in document:
        image = page.render(scale=dpi / 72).to_pil().convert("L")
        pages.append((image, page.get_textpage().get_text_range()))
    document.close()
    return pages
