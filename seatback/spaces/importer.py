"""`seatback import spaces FILE.csv`: columns name,kind,room,capacity,min_group,features,
slot_minutes,longest_minutes,days_ahead,reader_kinds (the last six may be empty: defaults).

Like the other imports: every row is checked before any is written, bad rows are named by
line, and running the same file again updates the spaces by name, never duplicates them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from seatback.library.imports import BadFile
from seatback.library.models import Room
from seatback.readers.models import Reader
from seatback.spaces.models import Space

HELP = (
    "Import spaces (group study rooms, discussion rooms, carrels) from CSV: "
    "name,kind,room,capacity,min_group,features,slot_minutes,longest_minutes,days_ahead,"
    "reader_kinds; spaces are matched by name."
)
COLUMNS = (
    "name", "kind", "room", "capacity", "min_group", "features", "slot_minutes",
    "longest_minutes", "days_ahead", "reader_kinds",
)  # fmt: skip
NUMBERS = {"capacity": (1, None), "min_group": (1, 1), "slot_minutes": (5, 60),
           "longest_minutes": (5, 180), "days_ahead": (0, 3)}  # fmt: skip


def add_arguments(parser: Any) -> None:
    parser.add_argument("file", help="the CSV file")
    parser.add_argument("--encoding", default="utf-8-sig")
    parser.add_argument("--dry-run", action="store_true", help="check only, change nothing")


def _row(raw: dict[str, str], rooms: dict[str, Room]) -> tuple[dict[str, Any], str]:
    values: dict[str, Any] = {}
    name = (raw.get("name") or "").strip()
    if not name or len(name) > 100:
        return values, _("a name of 1 to 100 characters is needed")
    values["name"] = name
    kind = (raw.get("kind") or "").strip()
    if kind not in Space.Kind.values:
        return values, _("kind must be one of %(kinds)s") % {"kinds": ", ".join(Space.Kind.values)}
    values["kind"] = kind
    room = (raw.get("room") or "").strip()
    if room and room not in rooms:
        return values, _("no reading room is called %(room)s") % {"room": room}
    values["room"] = rooms.get(room)
    for key, (low, default) in NUMBERS.items():
        text = (raw.get(key) or "").strip()
        if not text and default is not None:
            values[key] = default
            continue
        if not text.isdigit() or int(text) < low:
            return values, _("%(column)s must be a whole number from %(low)d") % {
                "column": key,
                "low": low,
            }
        values[key] = int(text)
    if values["min_group"] > values["capacity"]:
        return values, _("min_group cannot be larger than capacity")
    values["features"] = [f.strip() for f in (raw.get("features") or "").split(";") if f.strip()]
    kinds = [k.strip() for k in (raw.get("reader_kinds") or "").split(";") if k.strip()]
    if any(k not in Reader.Kind.values for k in kinds):
        return values, _("reader_kinds must be among %(kinds)s") % {
            "kinds": ", ".join(Reader.Kind.values)
        }
    values["reader_kinds"] = kinds
    return values, ""


def run(*, file: str, encoding: str, dry_run: bool = False, **_options: Any) -> str:
    path = Path(file)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else []
    except (OSError, UnicodeDecodeError, LookupError) as exc:
        raise BadFile(file, [(None, str(exc))]) from None
    missing = [c for c in ("name", "kind", "capacity") if c not in header]
    if rows and missing:
        raise BadFile(file, [(1, _("missing columns: %(cols)s") % {"cols": ", ".join(missing)})])
    rooms = {room.name: room for room in Room.objects.all()}
    problems: list[tuple[int | None, str]] = []
    good: list[dict[str, Any]] = []
    for line, raw in enumerate(rows, start=2):
        if any("\x00" in (value or "") for value in raw.values()):
            problems.append((line, _("a cell holds a NUL character")))
            continue
        values, problem = _row(raw, rooms)
        if problem:
            problems.append((line, problem))
        else:
            good.append(values)
    if problems:
        raise BadFile(file, problems)
    if dry_run:
        return _("spaces: %(count)d good rows; nothing was changed (dry run)") % {
            "count": len(good)
        }
    created = updated = 0
    with transaction.atomic():
        for values in good:
            _space, made = Space.objects.update_or_create(
                name=values["name"], defaults={k: v for k, v in values.items() if k != "name"}
            )
            created, updated = created + made, updated + (not made)
    return _("spaces: %(created)d created, %(updated)d updated") % {
        "created": created,
        "updated": updated,
    }
