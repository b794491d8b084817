"""Printable seat labels: the QR code of {BASE_URL}/s/{code}, the room and the seat's label.

- PDF: A4 sheets of 3 x 8 labels of 70 x 37 mm (the common "24 per sheet" label stock;
  on plain paper, cut along the grid). Chinese text uses reportlab's built-in CID font
  STSong-Light, which needs no font file (viewers supply the glyphs), or a TrueType font
  (.ttf/.ttc) given with `font`, which is embedded (subset) in the PDF.
- SVG: one 70 x 37 mm SVG per seat, in a folder per room, written into a folder or, when
  the output name ends in .zip, into a zip file: ready for a label printer's software.
- CSV: room,label,code,url for mail merges and other tools.

One layout (millimetres, top-left origin) feeds both the PDF and the SVG renderer.
"""

from __future__ import annotations

import csv
import re
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from seatback.labels.codes import seat_url
from seatback.library.models import Seat

Progress = Callable[[str], None]

COLUMNS, ROWS = 3, 8
PER_PAGE = COLUMNS * ROWS
LABEL_WIDTH, LABEL_HEIGHT = 70.0, 37.0  # mm, for the SVG labels
PAD = 4.2  # mm of white around the label's content: more than the QR's 4-module quiet zone
CJK_FONT = "STSong-Light"
FONTS = {"regular": "Helvetica", "bold": "Helvetica-Bold", "mono": "Courier"}
SVG_FONTS = {
    "regular": "Helvetica, Arial, sans-serif",
    "bold": "Helvetica, Arial, sans-serif",
    "mono": "'Courier New', Courier, monospace",
    "cjk": "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', "
    "'WenQuanYi Zen Hei', SimSun, sans-serif",
}


class LabelError(Exception):
    """A label sheet cannot be written (bad font, unwritable output)."""


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules of `text` (error correction M), without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def dark_runs(matrix: list[list[bool]]) -> Iterator[tuple[int, int, int]]:
    """(x, y, length) of each horizontal run of dark modules."""
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                yield start, y, x - start
            else:
                x += 1


@dataclass
class Text:
    x: float  # mm from the label's left edge
    y: float  # baseline, mm from the label's top edge
    size: float  # mm
    text: str
    style: str  # regular, bold or mono
    cjk: bool


@dataclass
class Label:
    seat: Seat
    url: str
    matrix: list[list[bool]]
    qr_x: float
    qr_y: float
    qr_size: float
    texts: list[Text]


def needs_cjk(text: str) -> bool:
    return any(ord(char) > 0xFF for char in text)


def fit(text: str, style: str, size: float, smallest: float, width: float, cjk_font: str) -> Text:
    """Shrink the font (not below `smallest`), then shorten the text, until it fits `width`."""
    cjk = needs_cjk(text)
    font = cjk_font if cjk else FONTS[style]
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size = max(smallest, size - 0.2)
    if pdfmetrics.stringWidth(text, font, size) > width:
        ellipsis = "…" if cjk else "..."
        while text and pdfmetrics.stringWidth(text + ellipsis, font, size) > width:
            text = text[:-1]
        text += ellipsis
    return Text(0, 0, size, text, style, cjk)


def wrap(text: str, style: str, size: float, width: float, cjk_font: str, lines: int) -> list[Text]:
    """Break `text` into at most `lines` lines of `width` (at spaces where it can); the last
    line is shortened if the text does not fit."""
    font = cjk_font if needs_cjk(text) else FONTS[style]
    rows: list[str] = []
    rest = text
    while rest and len(rows) < lines - 1:
        cut = len(rest)
        while cut > 1 and pdfmetrics.stringWidth(rest[:cut], font, size) > width:
            cut -= 1
        if cut < len(rest) and " " in rest[1:cut]:
            cut = rest.rindex(" ", 1, cut) + 1
        rows.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        rows.append(rest)
    return [fit(row, style, size, size, width, cjk_font) for row in rows]


def layout(seat: Seat, width: float, height: float, cjk_font: str = CJK_FONT) -> Label:
    """Where the QR code and the three lines of text go on a `width` x `height` mm label."""
    url = seat_url(seat.code)
    qr_size = height - 2 * PAD
    text_x = PAD + qr_size + 3.5
    text_width = width - text_x - PAD
    room = [fit(seat.room.name, "regular", 3.4, 2.8, text_width, cjk_font)]
    if room[0].text != seat.room.name:  # too long for one line: two smaller lines
        room = wrap(seat.room.name, "regular", 2.8, text_width, cjk_font, lines=2)
    for number, line in enumerate(room):
        line.x, line.y = text_x, PAD + 3.0 + number * line.size * 1.25
    label = fit(seat.label, "bold", 8.0, 3.0, text_width, cjk_font)
    label.x, label.y = text_x, height / 2 + label.size * 0.35
    code = fit(seat.code, "mono", 2.1, 1.5, text_width, cjk_font)
    code.x, code.y = text_x, height - PAD
    return Label(seat, url, qr_matrix(url), PAD, PAD, qr_size, [*room, label, code])


# -- CSV ---------------------------------------------------------------------------------


def write_csv(seats: Sequence[Seat], out: str) -> None:
    """room,label,code,url; `out` "-" writes to standard output."""

    def rows(handle: IO[str]) -> None:
        writer = csv.writer(handle)
        writer.writerow(["room", "label", "code", "url"])
        for seat in seats:
            writer.writerow([seat.room.name, seat.label, seat.code, seat_url(seat.code)])

    if out == "-":
        rows(sys.stdout)
        return
    with _open_text(out) as handle:
        rows(handle)


def _open_text(out: str) -> IO[str]:
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        return open(out, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise LabelError(f"{out}: {exc.strerror or exc}") from None


# -- PDF ---------------------------------------------------------------------------------


def register_font(path: str | None) -> str:
    """The font name for Chinese text: STSong-Light, or the TrueType font at `path`."""
    if not path:
        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
        return CJK_FONT
    name = "SeatbackLabel-" + re.sub(r"\W", "", Path(path).stem)
    if name not in pdfmetrics.getRegisteredFontNames():
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        except Exception as exc:  # reportlab raises TTFError, OSError and others
            raise LabelError(f"{path}: cannot use this font ({exc})") from None
    return name


def write_pdf(
    seats: Sequence[Seat], out: str, *, font: str | None = None, progress: Progress | None = None
) -> int:
    """A4 sheets of 3 x 8 labels; returns the number of pages."""
    cjk_font = register_font(font)
    page_width, page_height = A4
    cell_width, cell_height = page_width / COLUMNS, page_height / ROWS
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        canvas = Canvas(out, pagesize=A4, invariant=True)
    except OSError as exc:
        raise LabelError(f"{out}: {exc.strerror or exc}") from None
    canvas.setTitle("Seatback seat labels")
    canvas.setCreator("Seatback")
    pages = (len(seats) + PER_PAGE - 1) // PER_PAGE
    for page in range(pages):
        for index, seat in enumerate(seats[page * PER_PAGE : (page + 1) * PER_PAGE]):
            column, row = index % COLUMNS, index // COLUMNS
            left, top = column * cell_width, page_height - row * cell_height
            label = layout(seat, cell_width / mm, cell_height / mm, cjk_font)
            _draw_pdf_label(canvas, label, left, top, cjk_font)
        canvas.showPage()
        if progress and pages >= 10 and ((page + 1) % 10 == 0 or page + 1 == pages):
            progress(f"pdf: {page + 1}/{pages} pages")
    try:
        canvas.save()
    except OSError as exc:
        raise LabelError(f"{out}: {exc.strerror or exc}") from None
    return pages


def _draw_pdf_label(canvas: Canvas, label: Label, left: float, top: float, cjk_font: str) -> None:
    module = label.qr_size * mm / len(label.matrix)
    qr_left, qr_top = left + label.qr_x * mm, top - label.qr_y * mm
    path = canvas.beginPath()
    for x, y, length in dark_runs(label.matrix):
        path.rect(qr_left + x * module, qr_top - (y + 1) * module, length * module, module)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    for text in label.texts:
        canvas.setFont(cjk_font if text.cjk else FONTS[text.style], text.size * mm)
        canvas.drawString(left + text.x * mm, top - text.y * mm, text.text)


# -- SVG ---------------------------------------------------------------------------------


def svg_label(label: Label, width: float = LABEL_WIDTH, height: float = LABEL_HEIGHT) -> str:
    module = label.qr_size / len(label.matrix)
    path = "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in dark_runs(label.matrix))
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
        f'viewBox="0 0 {width} {height}">',
        f"<title>{escape(label.seat.room.name)} {escape(label.seat.label)}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<path transform="translate({label.qr_x} {label.qr_y}) scale({module:.5f})" '
        f'fill="#000" shape-rendering="crispEdges" d="{path}"/>',
    ]
    for text in label.texts:
        family = SVG_FONTS["cjk" if text.cjk else text.style]
        weight = ' font-weight="bold"' if text.style == "bold" else ""
        parts.append(
            f'<text x="{text.x:.2f}" y="{text.y:.2f}" font-size="{text.size:.2f}" '
            f"font-family={quoteattr(family)}{weight}>{escape(text.text)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _safe_name(text: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text).strip(" .")
    return name or "_"


def svg_names(seats: Sequence[Seat]) -> list[str]:
    """'room/label.svg' for each seat, made safe for file systems and unique."""
    names: list[str] = []
    seen: set[str] = set()
    for seat in seats:
        name = f"{_safe_name(seat.room.name)}/{_safe_name(seat.label)}.svg"
        if name.lower() in seen:
            name = f"{name[:-4]}-{seat.pk}.svg"
        seen.add(name.lower())
        names.append(name)
    return names


def write_svg(seats: Sequence[Seat], out: str, *, progress: Progress | None = None) -> int:
    """One SVG per seat into the folder `out`, or into a zip file if `out` ends in .zip."""
    names = svg_names(seats)
    cjk_font = register_font(None)  # its metrics fit the text; SVG viewers pick the glyphs
    archive: zipfile.ZipFile | None = None
    try:
        if out.lower().endswith(".zip"):
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            archive = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        else:
            Path(out).mkdir(parents=True, exist_ok=True)
        for done, (seat, name) in enumerate(zip(seats, names, strict=True), start=1):
            document = svg_label(layout(seat, LABEL_WIDTH, LABEL_HEIGHT, cjk_font))
            if archive is not None:
                archive.writestr(name, document)
            else:
                target = Path(out) / name
                target.parent.mkdir(exist_ok=True)
                target.write_text(document, encoding="utf-8")
            if progress and len(seats) >= 500 and (done % 500 == 0 or done == len(seats)):
                progress(f"svg: {done}/{len(seats)} labels")
    except OSError as exc:
        raise LabelError(f"{out}: {exc.strerror or exc}") from None
    finally:
        if archive is not None:
            archive.close()
    return len(names)
