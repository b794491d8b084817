"""Printable seat labels: the QR code of {BASE_URL}/s/{code}, the library, the room, the
seat's label, and the rule in one Chinese and one English sentence with the room's values.

- PDF: A4 sheets of 3 x 8 labels of 70 x 37 mm (the common "24 per sheet" label stock;
  on plain paper, cut along the grid). Chinese text is set in a TrueType font embedded
  (subset) in the PDF: the one given with `font`, else WenQuanYi Micro Hei from the
  paperang-p2-fonts-cjk package (a dependency), else a Debian WenQuanYi/Droid font; only
  if none is there, reportlab's built-in CID font STSong-Light (not embedded: the viewer
  supplies the glyphs), with a warning.
- QR codes: error correction Q (a quarter of the code can be scratched off), a quiet zone
  of 4 modules, the module size as large as the label's height allows (docs/labels.md).
- SVG: one 70 x 37 mm SVG per seat, in a folder per room, written into a folder or, when
  the output name ends in .zip, into a zip file: ready for a label printer's software.
- CSV: room,label,code,url for mail merges and other tools.

One layout (millimetres, top-left origin) feeds both the PDF and the SVG renderer.
"""

from __future__ import annotations

import csv
import importlib.resources
import re
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import qrcode
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from qrcode.constants import ERROR_CORRECT_Q
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from seatback.core.exports import safe_row
from seatback.labels.codes import seat_url
from seatback.library.models import Room, Seat

Progress = Callable[[str], None]

COLUMNS, ROWS = 3, 8
PER_PAGE = COLUMNS * ROWS
LABEL_WIDTH, LABEL_HEIGHT = 70.0, 37.0  # mm, for the SVG labels
EDGE = 1.5  # mm left blank at the label's edges: die-cut and printer feed tolerance
MARGIN = 2.5  # mm between the text and the label's top, right and bottom edges
QUIET = 4  # modules of white around the QR code (the minimum of ISO/IEC 18004)
CJK_FONT = "STSong-Light"  # the last resort: built into PDF viewers, not embedded
# Where a TrueType font with Chinese glyphs may be: a Python package first (so that
# `pip install` alone is enough), then Debian's fonts-wqy-microhei/-zenhei/-droid-fallback.
PACKAGED_FONT = ("paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc")
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
# The rule, in the words printed under the seat's label (with the room's allowance).
RULE = gettext_noop("Empty but taken? Scan: if nobody is back in %(allowance)d min, it's yours.")
FONTS = {"regular": "Helvetica", "bold": "Helvetica-Bold", "mono": "Courier"}
SVG_FONTS = {
    "regular": "Helvetica, Arial, sans-serif",
    "bold": "Helvetica, Arial, sans-serif",
    "mono": "'Courier New', Courier, monospace",
    "cjk": "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', 'WenQuanYi Zen Hei', SimSun, sans-serif",
}


class LabelError(Exception):
    """A label sheet cannot be written (bad font, unwritable output)."""


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR modules of `text` (error correction Q), without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0)
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

    @property
    def module(self) -> float:
        """The side of one QR module in mm."""
        return self.qr_size / len(self.matrix)


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


def rule_sentences(room: Room) -> tuple[str, str]:
    """The rule in Chinese and in English, with the room's own allowance."""
    policy = room.effective_policy()
    values = {"allowance": int(policy.leave_allowance.total_seconds() // 60)}
    with translation.override("zh-hans"):
        chinese = gettext(RULE) % values
    with translation.override("en"):
        english = gettext(RULE) % values
    return chinese, english


def layout(seat: Seat, width: float, height: float, cjk_font: str = CJK_FONT) -> Label:
    """Where the QR code and the lines of text go on a `width` x `height` mm label.

    The QR code, with its quiet zone, takes the label's whole height (less EDGE): the
    largest modules the label allows. The text fills the column on its right, top down:
    library, room (two lines if long), the seat's label in large type, the rule in
    Chinese and in English (up to two lines each), and the code at the bottom.
    """
    url = seat_url(seat.code)
    matrix = qr_matrix(url)
    module = (height - 2 * EDGE) / (len(matrix) + 2 * QUIET)
    qr_size = module * len(matrix)
    qr_x = qr_y = EDGE + QUIET * module
    text_x = qr_x + qr_size + QUIET * module
    text_width = width - text_x - MARGIN
    texts: list[Text] = []

    def place(lines: list[Text], top: float, leading: float = 1.3) -> float:
        """Set `lines` one under another, the first baseline at `top`; returns the last."""
        y = top
        for number, line in enumerate(lines):
            y = top + number * line.size * leading
            line.x, line.y = text_x, y
            texts.append(line)
        return y

    room = seat.room
    y = place([fit(room.library.name, "regular", 2.3, 1.8, text_width, cjk_font)], MARGIN + 1.8)
    lines = [fit(room.name, "regular", 3.2, 2.8, text_width, cjk_font)]
    if lines[0].text != room.name:  # too long for one line: two smaller lines
        lines = wrap(room.name, "regular", 2.6, text_width, cjk_font, lines=2)
    y = place(lines, y + 3.6)
    label = fit(seat.label, "bold", 6.5, 3.0, text_width, cjk_font)
    y = place([label], y + 1.2 + label.size * 0.75)
    chinese, english = rule_sentences(room)
    y = place(wrap(chinese, "regular", 1.9, text_width, cjk_font, lines=2), y + 3.2)
    place(wrap(english, "regular", 1.7, text_width, cjk_font, lines=2), y + 2.6)
    place([fit(seat.code, "mono", 1.7, 1.4, text_width, cjk_font)], height - MARGIN)
    return Label(seat, url, matrix, qr_x, qr_y, qr_size, texts)


# -- CSV ---------------------------------------------------------------------------------


def write_csv(seats: Sequence[Seat], out: str) -> None:
    """room,label,code,url; `out` "-" writes to standard output. The room and label (typed
    by people) are written as text where a spreadsheet would run them as a formula
    (core.exports); the code and URL are ours and go out exactly, since other tools read
    them (spec §4), and new codes never start with "-" (library.models.new_seat_code)."""

    def rows(handle: IO[str]) -> None:
        writer = csv.writer(handle)
        writer.writerow(["room", "label", "code", "url"])
        for seat in seats:
            named = safe_row([seat.room.name, seat.label])  # a label "=HYPERLINK(…)" stays text
            writer.writerow([*named, seat.code, seat_url(seat.code)])

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


def default_font() -> str | None:
    """The TrueType font with Chinese glyphs to embed when none is given, if one is there."""
    package, name = PACKAGED_FONT
    try:
        packaged = importlib.resources.files(package).joinpath(name)
        if packaged.is_file():
            return str(packaged)
    except ModuleNotFoundError:
        pass
    return next((path for path in SYSTEM_FONTS if Path(path).is_file()), None)


def register_font(path: str | None) -> str:
    """The font name for Chinese text: the TrueType font at `path` (or the default one),
    embedded; STSong-Light (not embedded) only when there is no font file at all."""
    path = path or default_font()
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


NO_FONT_WARNING = (
    "pdf: no Chinese font to embed (pip install paperang-p2-fonts-cjk, or apt-get install "
    "fonts-wqy-microhei, or give --font); using STSong-Light, which the PDF viewer must supply"
)


def write_pdf(
    seats: Sequence[Seat], out: str, *, font: str | None = None, progress: Progress | None = None
) -> int:
    """A4 sheets of 3 x 8 labels; returns the number of pages."""
    cjk_font = register_font(font)
    if cjk_font == CJK_FONT and progress:
        progress(NO_FONT_WARNING)
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
