"""Reading a plan from an SVG drawing: rect, line, polyline, polygon, path (straight
segments; a curve is replaced by the straight line to its end point), circle/ellipse as a
pillar or, marked as a seat, as a seat's position. Transforms (translate, scale, rotate,
matrix) on the elements and their groups are applied.

What each element is comes from, in order: its `data-kind` attribute, a kind among its
classes, its id, or the same on an enclosing group or Inkscape layer (`inkscape:label`):
a layer named "desks" makes every shape in it a desk. A seat is a circle (or any shape)
whose kind is "seat", with its label in `data-seat` (or its id). Elements of no known kind
(text, furniture one walks around is a `desk`) are left out and counted.
"""

from __future__ import annotations

import math
import re
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeXML
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from seatback.plans.shapes import KINDS, bad

SVG = "{http://www.w3.org/2000/svg}"
INKSCAPE_LABEL = "{http://www.inkscape.org/namespaces/inkscape}label"
MAX_BYTES = 2_000_000
# Plural names of layers, and common synonyms, mapped to kinds.
SYNONYMS = {
    **{kind + "s": kind for kind in KINDS},
    "shelves": "shelf",
    "walls": "wall",
    "tables": "desk",
    "table": "desk",
    "columns": "pillar",
    "column": "pillar",
    "elevator": "lift",
    "elevators": "lift",
    "seats": "seat",
    "chairs": "seat",
    "chair": "seat",
}
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _kind_of(word: str) -> str | None:
    word = word.strip().lower()
    if word in KINDS or word == "seat":
        return word
    if word in SYNONYMS:
        return SYNONYMS[word]
    head = re.split(r"[-_\s\d]", word, maxsplit=1)[0]
    return head if head in KINDS or head == "seat" else SYNONYMS.get(head)


def _own_kind(element: Element) -> str | None:
    for word in [element.get("data-kind", "")] + element.get("class", "").split():
        if word and (kind := _kind_of(word)):
            return kind
    for attribute in ("id", INKSCAPE_LABEL):
        if (value := element.get(attribute)) and (kind := _kind_of(value)):
            return kind
    return None


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def _transform(text: str) -> Matrix:
    matrix = IDENTITY
    for name, arguments in re.findall(r"(\w+)\s*\(([^)]*)\)", text):
        values = [float(v) for v in NUMBER.findall(arguments)]
        if name == "matrix" and len(values) == 6:
            step: Matrix = tuple(values)  # type: ignore[assignment]
        elif name == "translate" and values:
            step = (1, 0, 0, 1, values[0], values[1] if len(values) > 1 else 0)
        elif name == "scale" and values:
            step = (values[0], 0, 0, values[1] if len(values) > 1 else values[0], 0, 0)
        elif name == "rotate" and values:
            r = math.radians(values[0])
            step = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0, 0)
            if len(values) == 3:
                cx, cy = values[1], values[2]
                step = _multiply(_multiply((1, 0, 0, 1, cx, cy), step), (1, 0, 0, 1, -cx, -cy))
        else:
            raise bad(
                _("The SVG uses a transform this import does not understand: %(t)s.") % {"t": name}
            )
        matrix = _multiply(matrix, step)
    return matrix


def _apply(m: Matrix, x: float, y: float) -> list[float]:
    a, b, c, d, e, f = m
    return [a * x + c * y + e, b * x + d * y + f]


def _float(element: Element, name: str, default: float = 0.0) -> float:
    text = element.get(name)
    if text is None:
        return default
    match = NUMBER.match(text.strip())
    if not match:
        raise bad(
            _("The SVG's <%(tag)s> has a bad %(name)s: %(value)r.")
            % {"tag": element.tag.removeprefix(SVG), "name": name, "value": text}
        )
    return float(match.group())


def _path_points(d: str) -> list[list[tuple[float, float]]]:
    """The straight-line skeleton of a path: a list of subpaths of points."""
    tokens = re.findall(r"[MmLlHhVvZzCcSsQqTtAa]|" + NUMBER.pattern, d)
    subpaths: list[list[tuple[float, float]]] = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = ""
    i = 0
    # How many numbers each command takes, and which of them is the end point.
    sizes = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7}
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                if subpaths and subpaths[-1]:
                    subpaths[-1].append(start)
                x, y = start
                continue
        if not command:
            raise bad(_("The SVG has a path that does not start with a command."))
        size = sizes[command.lower()]
        values = [float(v) for v in tokens[i : i + size]]
        if len(values) < size or any(t.isalpha() for t in tokens[i : i + size]):
            raise bad(_("The SVG has a path with missing numbers."))
        i += size
        relative = command.islower()
        lower = command.lower()
        if lower == "h":
            x = values[0] + (x if relative else 0)
        elif lower == "v":
            y = values[0] + (y if relative else 0)
        else:
            ex, ey = values[-2], values[-1]
            x, y = (x + ex, y + ey) if relative else (ex, ey)
        if lower == "m":
            subpaths.append([(x, y)])
            start = (x, y)
            command = "l" if relative else "L"  # further pairs are lines
        else:
            if not subpaths:
                subpaths.append([start])
            subpaths[-1].append((x, y))
    return [s for s in subpaths if len(s) >= 2]


def _geometry(element: Element, matrix: Matrix) -> list[tuple[list[list[float]], bool]]:
    """(points, closed) for each outline of the element, transformed."""
    tag = element.tag.removeprefix(SVG)
    outlines: list[tuple[list[tuple[float, float]], bool]] = []
    if tag == "rect":
        x, y = _float(element, "x"), _float(element, "y")
        w, h = _float(element, "width"), _float(element, "height")
        if w <= 0 or h <= 0:
            raise bad(_("The SVG has a rectangle without a size."))
        outlines.append(([(x, y), (x + w, y), (x + w, y + h), (x, y + h)], True))
    elif tag == "line":
        a = (_float(element, "x1"), _float(element, "y1"))
        b = (_float(element, "x2"), _float(element, "y2"))
        outlines.append(([a, b], False))
    elif tag in ("polyline", "polygon"):
        numbers = [float(v) for v in NUMBER.findall(element.get("points", ""))]
        if len(numbers) < 4 or len(numbers) % 2:
            raise bad(_("The SVG has a %(tag)s with bad points.") % {"tag": tag})
        points = list(zip(numbers[::2], numbers[1::2], strict=True))
        outlines.append((points, tag == "polygon"))
    elif tag == "path":
        d = element.get("d", "")
        for sub in _path_points(d):
            outlines.append((sub, sub[0] == sub[-1] and len(sub) > 2))
    elif tag in ("circle", "ellipse"):
        cx, cy = _float(element, "cx"), _float(element, "cy")
        rx = _float(element, "r") if tag == "circle" else _float(element, "rx")
        ry = _float(element, "r") if tag == "circle" else _float(element, "ry")
        points = [
            (cx + rx * math.cos(k * math.pi / 6), cy + ry * math.sin(k * math.pi / 6))
            for k in range(12)
        ]
        outlines.append((points, True))
    return [([_apply(matrix, px, py) for px, py in points], closed) for points, closed in outlines]


def read_svg(data: bytes, scale: float = 1.0) -> dict[str, Any]:
    """A raw drawing (for shapes.clean) read from SVG bytes; `scale` plan units per SVG unit."""
    if len(data) > MAX_BYTES:
        raise bad(_("The drawing is larger than 2 MB."))
    try:
        root = SafeXML.fromstring(data, forbid_dtd=True)
    except (SafeXML.ParseError, DefusedXmlException, ValueError) as exc:
        raise bad(_("This is not a readable SVG file (%(why)s).") % {"why": exc}) from None
    if root.tag != SVG + "svg":
        raise bad(_("This is not an SVG drawing (its root element is not <svg>)."))
    shapes: list[dict[str, Any]] = []
    seats: dict[str, list[float]] = {}
    skipped = 0
    base: Matrix = (scale, 0, 0, scale, 0, 0)

    def visit(element: Element, matrix: Matrix, inherited: str | None) -> None:
        nonlocal skipped
        if transform := element.get("transform"):
            matrix = _multiply(matrix, _transform(transform))
        kind = _own_kind(element) or inherited
        tag = element.tag.removeprefix(SVG)
        if tag in ("g", "svg", "a"):
            for child in element:
                visit(child, matrix, kind)
            return
        if tag not in ("rect", "line", "polyline", "polygon", "path", "circle", "ellipse"):
            return
        if kind is None:
            skipped += 1
            return
        outlines = _geometry(element, matrix)
        if kind == "seat":
            label = element.get("data-seat") or element.get("id") or ""
            if not label or not outlines:
                raise bad(_("The SVG has a seat without a label (give it data-seat)."))
            xs = [p[0] for p in outlines[0][0]]
            ys = [p[1] for p in outlines[0][0]]
            seats[label] = [round((min(xs) + max(xs)) / 2, 3), round((min(ys) + max(ys)) / 2, 3)]
            return
        name = element.get("data-name", "")
        for points, closed in outlines:
            shape: dict[str, Any] = {
                "kind": kind,
                "points": [[round(x, 3), round(y, 3)] for x, y in points],
                "closed": closed,
            }
            if name:
                shape["name"] = name
            shapes.append(shape)

    for child in root:
        visit(child, base, _own_kind(root) if root.get("data-kind") else None)
    if not shapes:
        raise bad(
            _(
                "The SVG has no walls, doors or furniture this import recognises "
                "(%(n)d shapes without a kind)."
            )
            % {"n": skipped}
        )
    return {"shapes": shapes, "seats": seats, "skipped": skipped}
