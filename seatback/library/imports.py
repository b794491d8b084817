"""CSV imports of readers and seats (spec §4): validate every row, then write all in one go.

Both imports read the whole file first and check every row (header, required cells, types,
lengths, duplicates inside the file). Any bad row stops the import before anything is
written; the `BadFile` error lists every bad row by line number. Then one transaction
creates what is new and updates what changed, so running the same file again changes
nothing. Rows the file does not mention are left alone: an import never deletes.

Passwords are the slow part: Django's default hasher (PBKDF2, 1,000,000 rounds) costs about
a quarter of a second per password. So the password column sets the password of new
readers, and of existing readers who have none yet; an existing reader's own password is
kept unless `reset_passwords` asks otherwise, so re-running a file hashes nothing and never
undoes a password the reader chose. Hashing runs on every core (hashlib releases the GIL),
before the transaction opens. `fast_hash` hashes with far fewer PBKDF2 rounds; Django
re-hashes with the full cost the first time the reader signs in. See docs/commands.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.hashers import (
    UNUSABLE_PASSWORD_PREFIX,
    BasePasswordHasher,
    PBKDF2PasswordHasher,
    get_hasher,
    make_password,
)
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from seatback.core.inputs import has_bad_text
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader

READER_COLUMNS = ("card_number", "name", "password", "kind", "department")
SEAT_COLUMNS = ("room", "label", "floor", "x", "y", "features", "reservable")

# Rounds of PBKDF2-SHA256 for `fast_hash`: about 5 ms a password instead of about 250 ms.
FAST_HASH_ITERATIONS = 20_000
# Rows per INSERT / UPDATE statement, and per chunk of `IN (...)` look-ups.
BATCH = 500
# Progress lines go out every this many rows, and only for files at least this long.
PROGRESS_EVERY = 1000

Progress = Callable[[str], None]
T = TypeVar("T")


class BadFile(Exception):
    """The file cannot be imported; `problems` are (line number or None, message) pairs."""

    def __init__(self, path: str, problems: list[tuple[int | None, str]]) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda problem: problem[0] or 0)
        super().__init__(self.message())

    def message(self) -> str:
        bad_rows = sum(1 for line, _message in self.problems if line is not None)
        if bad_rows:
            head = ngettext(
                "%(file)s: %(count)d bad row; nothing was imported.",
                "%(file)s: %(count)d bad rows; nothing was imported.",
                bad_rows,
            ) % {"file": self.path, "count": bad_rows}
        else:
            head = _("%(file)s: cannot be imported; nothing was imported.") % {"file": self.path}
        lines = [head]
        for line, message in self.problems:
            if line is None:
                lines.append(f"  {message}")
            else:
                lines.append(
                    "  " + _("line %(line)d: %(problem)s") % {"line": line, "problem": message}
                )
        return "\n".join(lines)


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rooms_created: int = 0
    rooms_updated: int = 0
    passwords_set: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    # (what, which): ("created" | "updated" | "room created" | "room updated", a name), for
    # the back office's dry-run preview.
    changes: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False


class Meter:
    """Writes 'what: done/total' every PROGRESS_EVERY items, for long runs only."""

    def __init__(self, progress: Progress | None, what: str, total: int) -> None:
        self.progress = progress if total >= PROGRESS_EVERY else None
        self.what, self.total, self.done, self.next_report = what, total, 0, PROGRESS_EVERY

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.progress is None:
            return
        if self.done >= self.next_report or self.done == self.total:
            percent = 100 * self.done // max(self.total, 1)
            self.progress(f"{self.what}: {self.done:,}/{self.total:,} ({percent}%)")
            while self.next_report <= self.done:
                self.next_report += PROGRESS_EVERY


def _chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- reading -----------------------------------------------------------------------------


def read_rows(
    path: str | Path, columns: Sequence[str], encoding: str = "utf-8"
) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int | None, str]]]:
    """Every data row of a CSV file as (first line number, cells); UTF-8 (a BOM is fine).

    Checks the header (all of `columns`, in any order, nothing else) and that each row has
    as many cells as the header. Blank rows (e.g. the trailing ',,,' rows Excel leaves) are
    skipped. Returns the well-formed rows and the problems of the others; raises BadFile when
    the file cannot be read at all or its header is wrong.
    """
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise BadFile(name, [(None, _("no such file"))]) from None
    except IsADirectoryError:
        raise BadFile(name, [(None, _("is a folder, not a CSV file"))]) from None
    except OSError as exc:
        raise BadFile(name, [(None, exc.strerror or str(exc))]) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = _("the file is not %(encoding)s text") % {"encoding": encoding}
        if codecs.lookup(encoding).name == "utf-8":
            message += "; " + _(
                "save it as “CSV UTF-8” (Excel: Save As, CSV UTF-8), "
                "or name its encoding with --encoding gb18030"
            )
        raise BadFile(name, [(line, message)]) from None
    except LookupError:
        raise BadFile(name, [(None, _("unknown encoding %r") % encoding)]) from None

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[tuple[int | None, str]] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise BadFile(name, [(1, _("not valid CSV: %s") % exc)]) from None
    if header is None:
        raise BadFile(
            name, [(None, _("the file is empty; expected the header %s") % ",".join(columns))]
        )
    header = [cell.strip().lower() for cell in header]
    expected = ", ".join(columns)
    missing = [column for column in columns if column not in header]
    unknown = [cell for cell in header if cell not in columns]
    repeated = sorted({cell for cell in header if header.count(cell) > 1 and cell in columns})
    if missing or unknown or repeated:
        detail = []
        if missing:
            detail.append(_("missing columns: %s") % ", ".join(missing))
        if unknown:
            detail.append(_("unknown columns: %s") % ", ".join(repr(cell) for cell in unknown))
        if repeated:
            detail.append(_("repeated columns: %s") % ", ".join(repeated))
        message = _("the header must name the columns %(expected)s (%(detail)s)") % {
            "expected": expected,
            "detail": "; ".join(detail),
        }
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            message += " " + _("— separate the columns with commas")
        raise BadFile(name, [(1, message)])

    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((start, _("not valid CSV: %s") % exc))
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                (
                    start,
                    _("has %(found)d cells, expected %(expected)d (%(columns)s)")
                    % {"found": len(cells), "expected": len(header), "columns": ",".join(header)},
                )
            )
            continue
        bad = [column for column, cell in zip(header, cells, strict=True) if has_bad_text(cell)]
        if bad:
            # PostgreSQL cannot store NUL; no other control character belongs in a cell.
            problems.append(
                (
                    start,
                    _("control characters (e.g. NUL) in %(columns)s") % {"columns": ", ".join(bad)},
                )
            )
            continue
        rows.append((start, dict(zip(header, cells, strict=True))))
    return rows, problems


def _check_length(errors: list[str], column: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.append(
            _("%(column)s: longer than %(limit)d characters") % {"column": column, "limit": limit}
        )


def _report(problems: list[tuple[int | None, str]], line: int, errors: list[str]) -> bool:
    if errors:
        problems.append((line, "; ".join(errors)))
    return not errors


# -- readers -----------------------------------------------------------------------------

KIND_ALIASES: dict[str, str] = {
    "本科生": Reader.Kind.UNDERGRADUATE,
    "研究生": Reader.Kind.POSTGRADUATE,
    "教职工": Reader.Kind.STAFF,
    "其他": Reader.Kind.OTHER,
}


def parse_kind(text: str) -> str | None:
    """A Reader.Kind value from its value, its English label or its Chinese name."""
    value = text.strip()
    if value in KIND_ALIASES:
        return KIND_ALIASES[value]
    folded = value.lower()
    for kind in Reader.Kind:
        if folded in (kind.value, str(kind.label).lower()):
            return kind.value
    return None


@dataclass
class _ReaderRow:
    line: int
    card_number: str
    name: str
    password: str
    kind: str | None
    department: str


def _clean_reader(line: int, cells: dict[str, str], errors: list[str]) -> _ReaderRow:
    card_number = cells["card_number"].strip()
    if not card_number:
        errors.append(_("card_number: required"))
    elif any(char.isspace() for char in card_number):
        errors.append(_("card_number: must not contain spaces"))
    _check_length(errors, "card_number", card_number, 40)
    name = cells["name"].strip()
    _check_length(errors, "name", name, 100)
    department = cells["department"].strip()
    _check_length(errors, "department", department, 100)
    kind: str | None = None
    if cells["kind"].strip():
        kind = parse_kind(cells["kind"])
        if kind is None:
            errors.append(
                _("kind: %(value)r is not one of %(choices)s")
                % {
                    "value": cells["kind"].strip(),
                    "choices": ", ".join([*Reader.Kind.values, *KIND_ALIASES]),
                }
            )
    password = cells["password"]
    _check_length(errors, "password", password, 128)
    return _ReaderRow(line, card_number, name, password, kind, department)


def fast_hasher() -> PBKDF2PasswordHasher:
    """PBKDF2-SHA256 with FAST_HASH_ITERATIONS rounds, verifiable by Django's own PBKDF2."""
    try:
        get_hasher("pbkdf2_sha256")
    except ValueError:
        raise BadFile(
            "--fast-hash",
            [(None, _("needs PBKDF2PasswordHasher in the PASSWORD_HASHERS setting"))],
        ) from None

    class FastImportHasher(PBKDF2PasswordHasher):
        iterations = FAST_HASH_ITERATIONS

    return FastImportHasher()


def hash_passwords(
    passwords: Sequence[str],
    *,
    hasher: str | BasePasswordHasher = "default",
    progress: Progress | None = None,
) -> list[str]:
    """Hash many passwords on every core; hashlib's PBKDF2 releases the GIL while it works."""
    meter = Meter(progress, _("hashing passwords"), len(passwords))

    def one(password: str) -> str:
        return make_password(password, hasher=hasher)

    workers = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    results: list[str] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for encoded in pool.map(one, passwords):
            results.append(encoded)
            meter.advance()
    return results


def _existing(
    model: Any, lookup: str, keys: Sequence[str], fields: Iterable[str]
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for chunk in _chunks(keys):
        for obj in model.objects.filter(**{f"{lookup}__in": chunk}).only(*fields):
            found[getattr(obj, lookup)] = obj
    return found


def import_readers(
    path: str | Path,
    *,
    reset_passwords: bool = False,
    fast_hash: bool = False,
    encoding: str = "utf-8",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> Summary:
    """Create and update readers from a CSV file (columns READER_COLUMNS); see the module doc.

    With `dry_run`, check everything and count what would change, but write nothing (and
    hash nothing).
    """
    name = str(path)
    rows, problems = read_rows(path, READER_COLUMNS, encoding)
    cleaned: list[_ReaderRow] = []
    first_line: dict[str, int] = {}
    meter = Meter(progress, _("checking rows"), len(rows))
    for line, cells in rows:
        errors: list[str] = []
        row = _clean_reader(line, cells, errors)
        if row.card_number in first_line:
            errors.append(
                _("card_number %(card)s is already on line %(line)d")
                % {"card": row.card_number, "line": first_line[row.card_number]}
            )
        elif row.card_number:
            first_line[row.card_number] = line
        if _report(problems, line, errors):
            cleaned.append(row)
        meter.advance()
    if problems:
        raise BadFile(name, problems)
    hasher: str | BasePasswordHasher = fast_hasher() if fast_hash else "default"

    fields = ("card_number", "name", "kind", "department", "password")
    existing = _existing(Reader, "card_number", [row.card_number for row in cleaned], fields)
    summary = Summary()
    new: list[Reader] = []
    changed: list[Reader] = []
    changed_fields: set[str] = set()
    to_hash: list[tuple[Reader, str]] = []
    for row in cleaned:
        reader = existing.get(row.card_number)
        if reader is None:
            reader = Reader(
                card_number=row.card_number,
                name=row.name,
                kind=row.kind or Reader.Kind.UNDERGRADUATE,
                department=row.department,
            )
            if row.password:
                to_hash.append((reader, row.password))
            else:
                reader.password = make_password(None)
            new.append(reader)
            summary.changes.append(("created", str(reader)))
            continue
        dirty = False
        for attribute, value in (
            ("name", row.name),
            ("kind", row.kind),
            ("department", row.department),
        ):
            if value is not None and getattr(reader, attribute) != value:
                setattr(reader, attribute, value)
                changed_fields.add(attribute)
                dirty = True
        if row.password and (
            reset_passwords or reader.password.startswith(UNUSABLE_PASSWORD_PREFIX)
        ):
            to_hash.append((reader, row.password))
            changed_fields.add("password")
            dirty = True
        if dirty:
            changed.append(reader)
            summary.changes.append(("updated", str(reader)))
        else:
            summary.unchanged += 1

    if dry_run:
        summary.created, summary.updated = len(new), len(changed)
        summary.passwords_set, summary.dry_run = len(to_hash), True
        return summary
    if to_hash:
        hashes = hash_passwords(
            [password for _reader, password in to_hash], hasher=hasher, progress=progress
        )
        for (reader, _password), encoded in zip(to_hash, hashes, strict=True):
            reader.password = encoded
        summary.passwords_set = len(to_hash)

    meter = Meter(progress, _("writing readers"), len(new) + len(changed))
    try:
        with transaction.atomic():
            for batch in _chunks(new):
                Reader.objects.bulk_create(batch)
                meter.advance(len(batch))
            for batch in _chunks(changed):
                Reader.objects.bulk_update(batch, sorted(changed_fields))
                meter.advance(len(batch))
    except IntegrityError:
        raise BadFile(
            name,
            [(None, _("the readers changed while the file was being imported; run it again"))],
        ) from None
    summary.created, summary.updated = len(new), len(changed)
    return summary


# -- seats -------------------------------------------------------------------------------

TRUE_WORDS = {"true", "1", "yes", "y", "是", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "f", ""}
FEATURE_SEPARATORS = re.compile(r"[;；|]")


def parse_bool(text: str) -> bool | None:
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    return None


def parse_features(text: str) -> list[str]:
    """'power; window|quiet' -> ['power', 'window', 'quiet']: `;`, `；` or `|` separate."""
    features: list[str] = []
    for part in FEATURE_SEPARATORS.split(text):
        feature = part.strip()
        if feature and feature not in features:
            features.append(feature)
    return features


def _number(errors: list[str], column: str, text: str) -> float:
    value = text.strip()
    if not value:
        return 0.0
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        errors.append(
            _("%(column)s: %(value)r is not a number") % {"column": column, "value": value}
        )
        return 0.0
    return number


@dataclass
class _SeatRow:
    line: int
    room: str
    label: str
    floor: str
    x: float
    y: float
    features: list[str]
    reservable: bool


def _clean_seat(line: int, cells: dict[str, str], errors: list[str]) -> _SeatRow:
    room = cells["room"].strip()
    label = cells["label"].strip()
    floor = cells["floor"].strip()
    if not room:
        errors.append(_("room: required"))
    if not label:
        errors.append(_("label: required"))
    _check_length(errors, "room", room, 100)
    _check_length(errors, "label", label, 40)
    _check_length(errors, "floor", floor, 20)
    x = _number(errors, "x", cells["x"])
    y = _number(errors, "y", cells["y"])
    features = parse_features(cells["features"])
    for feature in features:
        _check_length(errors, "features", feature, 40)
    reservable = parse_bool(cells["reservable"])
    if reservable is None:
        errors.append(
            _("reservable: %(value)r is not one of true, false, 1, 0, yes, no, 是, 否")
            % {"value": cells["reservable"].strip()}
        )
    return _SeatRow(line, room, label, floor, x, y, features, bool(reservable))


def import_seats(
    path: str | Path,
    *,
    encoding: str = "utf-8",
    progress: Progress | None = None,
    dry_run: bool = False,
) -> Summary:
    """Create and update rooms and seats from a CSV file (columns SEAT_COLUMNS).

    A seat is known by (room, label): an existing one is updated in place and keeps its QR
    code. Rooms are known by name; a missing room is created with the row's floor. A room's
    rows must agree on its floor (empty cells aside); a non-empty floor updates the room.
    With `dry_run`, count what would change and write nothing.
    """
    name = str(path)
    rows, problems = read_rows(path, SEAT_COLUMNS, encoding)
    cleaned: list[_SeatRow] = []
    first_line: dict[tuple[str, str], int] = {}
    floors: dict[str, tuple[str, int]] = {}
    meter = Meter(progress, _("checking rows"), len(rows))
    for line, cells in rows:
        errors: list[str] = []
        row = _clean_seat(line, cells, errors)
        key = (row.room, row.label)
        if key in first_line:
            errors.append(
                _("seat %(label)s of room %(room)s is already on line %(line)d")
                % {"label": row.label, "room": row.room, "line": first_line[key]}
            )
        elif row.room and row.label:
            first_line[key] = line
        if row.floor and row.room:
            known = floors.setdefault(row.room, (row.floor, line))
            if known[0] != row.floor:
                errors.append(
                    _("floor %(floor)r differs from %(other)r (room %(room)s, line %(line)d)")
                    % {"floor": row.floor, "other": known[0], "room": row.room, "line": known[1]}
                )
        if _report(problems, line, errors):
            cleaned.append(row)
        meter.advance()
    if problems:
        raise BadFile(name, problems)

    summary = Summary()
    meter = Meter(progress, _("writing seats"), len(cleaned))
    try:
        with transaction.atomic():
            room_names = sorted({row.room for row in cleaned})
            rooms: dict[str, Room] = _existing(Room, "name", room_names, ("id", "name", "floor"))
            library: Library | None = None
            for room_name in room_names:
                floor = floors.get(room_name, ("", 0))[0]
                room = rooms.get(room_name)
                if room is None and dry_run:
                    summary.rooms_created += 1
                    summary.changes.append(("room created", room_name))
                    continue
                if room is None:
                    library = library or Library.get()
                    rooms[room_name] = Room.objects.create(
                        library=library, name=room_name, floor=floor
                    )
                    summary.rooms_created += 1
                elif floor and room.floor != floor:
                    room.floor = floor
                    if not dry_run:
                        room.save(update_fields=["floor"])
                    summary.rooms_updated += 1
                    summary.changes.append(("room updated", room_name))
            seats = {
                (seat.room_id, seat.label): seat
                for seat in Seat.objects.filter(room__in=list(rooms.values()))
            }
            new: list[Seat] = []
            changed: list[Seat] = []
            for row in cleaned:
                room = rooms.get(row.room)  # None: a room this dry run would create
                seat = seats.get((room.pk, row.label)) if room else None
                values = {
                    "x": row.x,
                    "y": row.y,
                    "features": row.features,
                    "reservable": row.reservable,
                }
                if seat is None:
                    if room is not None:
                        new.append(Seat(room=room, label=row.label, **values))
                    summary.created += 1
                    summary.changes.append(("created", f"{row.room} {row.label}"))
                    continue
                dirty = False
                for attribute, value in values.items():
                    if getattr(seat, attribute) != value:
                        setattr(seat, attribute, value)
                        dirty = True
                if dirty:
                    changed.append(seat)
                    summary.changes.append(("updated", f"{row.room} {row.label}"))
                else:
                    summary.unchanged += 1
            if dry_run:
                summary.updated, summary.dry_run = len(changed), True
                return summary
            for batch in _chunks(new):
                Seat.objects.bulk_create(batch)
                meter.advance(len(batch))
            for batch in _chunks(changed):
                Seat.objects.bulk_update(batch, ["x", "y", "features", "reservable"])
                meter.advance(len(batch))
    except IntegrityError:
        raise BadFile(
            name, [(None, _("the seats changed while the file was being imported; run it again"))]
        ) from None
    summary.created, summary.updated = len(new), len(changed)
    return summary


# Other apps add subjects to `seatback import` (plans: `seatback import plan ROOM FILE`;
# the catalogue: `seatback import marc FILE`)
# from their AppConfig.ready(): a function adding the subcommand's arguments, and one
# running it (given the parsed options and `progress`, returning the line to print;
# CommandError or BadFile to fail).
SUBJECTS: dict[str, tuple[str, Callable[[Any], None], Callable[..., str]]] = {}


def register_subject(
    name: str, help: str, add_arguments: Callable[[Any], None], run: Callable[..., str]
) -> None:
    SUBJECTS[name] = (help, add_arguments, run)
