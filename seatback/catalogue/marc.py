"""`seatback import marc FILE`: load MARC records into the embedded catalogue.

ISO 2709 (`.mrc`, `.iso`) or MARCXML (`.xml`); MARC21 or CNMARC (UNIMARC), told apart by
their title field (245 or 200); UTF-8, GBK/GB18030 or MARC-8. With `--encoding auto` each
record's leader/09 says UTF-8 when it is `a`; otherwise a record whose bytes are valid
UTF-8 is read as UTF-8 and any other as GB18030 (a superset of GBK). pymarc reads a
GBK CNMARC record as garbage unless told the encoding: it is told.

Records are matched by their 001 (or a digest of the record when there is none), so
importing the same file again updates rather than duplicates. Progress goes to stderr.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pymarc
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum import isbn as stdisbn

from seatback.catalogue.models import Bib
from seatback.library.imports import BadFile, Meter

RECORD_END = b"\x1d"
BATCH = 500
FIELDS = (
    "title",
    "author",
    "publisher",
    "year",
    "isbn",
    "other_isbns",
    "classification",
    "call_number",
    "location",
    "copies",
    "available",
    "format",
    "search_text",
)


def normalise(text: str) -> str:
    """What search compares: NFKC (full-width and Roman numerals folded) and case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def isbn13(text: str) -> str | None:
    """The ISBN-13 digits of `text` (ISBN-10 or -13, hyphens, an "ISBN" prefix), or None
    when the checksum is wrong."""
    value = re.sub(r"^\s*isbn[:\s]*", "", text or "", flags=re.I).split(" ")[0].split("(")[0]
    try:
        return stdisbn.to_isbn13(stdisbn.validate(value)).replace("-", "")
    except Exception:  # stdnum raises several ValidationError kinds
        return None


def _first(record: pymarc.Record, tag: str, *codes: str) -> str:
    for found in record.get_fields(tag):
        for code in codes:
            values = found.get_subfields(code)
            if values:
                return str(values[0]).strip()
    return ""


def _clean(text: str) -> str:
    return text.strip().rstrip(" /:;,.=").strip()


def _year(text: str) -> str:
    match = re.search(r"\d{4}", text)
    return match.group(0) if match else ""


def record_format(record: pymarc.Record) -> str:
    if record.get_fields("200") and not record.get_fields("245"):
        return "cnmarc"
    return "marc21"


def bib_fields(record: pymarc.Record) -> dict[str, Any]:
    """The catalogue's fields from one record (docs/library-systems.md has the map)."""
    fmt = record_format(record)
    if fmt == "cnmarc":
        title = _clean(_first(record, "200", "a"))
        other = _clean(_first(record, "200", "e"))
        author = _first(record, "701", "a") or _first(record, "702", "a")
        author = author or _first(record, "711", "a") or _clean(_first(record, "200", "f"))
        publisher = _first(record, "210", "c")
        year = _year(_first(record, "210", "d"))
        raw_isbns = [v for f in record.get_fields("010") for v in f.get_subfields("a")]
        classification = _first(record, "690", "a")
        holdings = record.get_fields("905")
        call = "/".join(p for p in (_first(record, "905", "d"), _first(record, "905", "e")) if p)
        location = _first(record, "905", "c") or _first(record, "905", "a")
    else:
        title = _clean(_first(record, "245", "a"))
        other = _clean(_first(record, "245", "b"))
        author = _clean(
            _first(record, "100", "a") or _first(record, "110", "a") or _first(record, "700", "a")
        )
        publisher = _clean(_first(record, "264", "b") or _first(record, "260", "b"))
        year = _year(_first(record, "264", "c") or _first(record, "260", "c"))
        raw_isbns = [v for f in record.get_fields("020") for v in f.get_subfields("a")]
        classification = _first(record, "050", "a") or _first(record, "082", "a")
        holdings = record.get_fields("852")
        call = " ".join(
            p
            for p in (
                _first(record, "852", "h") or _first(record, "090", "a"),
                _first(record, "852", "i") or _first(record, "090", "b"),
            )
            if p
        )
        location = " ".join(
            p for p in (_first(record, "852", "b"), _first(record, "852", "c")) if p
        )
    if other:
        title = f"{title}：{other}" if fmt == "cnmarc" else f"{title}: {other}"
    isbns = list(dict.fromkeys(i for i in (isbn13(v) for v in raw_isbns) if i))
    copies = max(1, len(holdings))
    fields = {
        "title": title[:500] or "?",
        "author": author[:300],
        "publisher": publisher[:300],
        "year": year,
        "isbn": isbns[0] if isbns else "",
        "other_isbns": " ".join(isbns[1:])[:300],
        "classification": classification[:60],
        "call_number": call[:80] or classification[:80],
        "location": location[:200],
        "copies": copies,
        "available": copies,
        "format": fmt,
    }
    fields["search_text"] = normalise(
        " ".join(str(fields[k]) for k in ("title", "author", "publisher", "call_number"))
        + " "
        + " ".join(isbns)
    )
    return fields


def record_id(record: pymarc.Record, raw: bytes) -> str:
    control = record.get_fields("001")
    if control and control[0].data and control[0].data.strip():
        return str(control[0].data).strip()[:64]
    return "sha1:" + hashlib.sha1(raw, usedforsecurity=False).hexdigest()


def _directory_tags(chunk: bytes) -> list[bytes]:
    try:
        base = int(chunk[12:17])
    except ValueError:
        return []
    directory = chunk[24 : base - 1]
    return [directory[i : i + 3] for i in range(0, len(directory), 12)]


def _encoding_for(chunk: bytes, wanted: str) -> dict[str, Any]:
    """pymarc's options for reading one ISO 2709 record in `wanted` (or auto)."""
    if wanted == "auto":
        if chunk[9:10] == b"a":
            return {"force_utf8": True}
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            # Not UTF-8: a CNMARC record (title in 200) is GBK/GB18030, a MARC21 one MARC-8.
            return {} if b"245" in _directory_tags(chunk) else {"file_encoding": "gb18030"}
        return {"force_utf8": True}
    if wanted in ("utf-8", "utf8"):
        return {"force_utf8": True}
    if wanted == "marc8":
        return {}
    return {"file_encoding": wanted}


def read_records(path: str, encoding: str) -> Iterator[tuple[pymarc.Record | None, bytes, str]]:
    """(record or None, raw bytes, problem) for each record in the file."""
    data = Path(path).read_bytes()
    if data.lstrip()[:1] == b"<":
        try:
            records = pymarc.parse_xml_to_array(path)
        except Exception as exc:  # a broken XML file: say so, import nothing
            raise BadFile(path, [(None, _("not a MARCXML file: %s") % exc)]) from None
        for record in records:
            if record is not None:
                yield record, record.as_marc(), ""
        return
    for chunk in data.split(RECORD_END):
        chunk = chunk.lstrip(b"\r\n")
        if len(chunk) < 24:
            continue
        raw = chunk + RECORD_END
        try:
            yield pymarc.Record(data=raw, **_encoding_for(chunk, encoding)), raw, ""
        except Exception as exc:  # one broken record is skipped and reported
            yield None, raw, str(exc) or exc.__class__.__name__


def import_file(
    path: str, *, encoding: str = "auto", progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Create or update a Bib for every readable record; return the counts."""
    if not Path(path).is_file():
        raise BadFile(path, [(None, _("no such file"))])
    data = Path(path).read_bytes()
    total = data.count(RECORD_END) or data.count(b"<record")
    meter = Meter(progress, _("records"), total)
    counts = {"created": 0, "updated": 0, "skipped": 0}
    batch: list[tuple[str, dict[str, Any]]] = []

    def flush() -> None:
        ids = [rid for rid, _fields in batch]
        existing = {b.record_id: b for b in Bib.objects.filter(record_id__in=ids)}
        with transaction.atomic():
            new, changed = [], []
            for rid, fields in batch:
                bib = existing.get(rid)
                if bib is None:
                    new.append(Bib(record_id=rid, **fields))
                else:
                    for key, value in fields.items():
                        setattr(bib, key, value)
                    changed.append(bib)
            Bib.objects.bulk_create(new)
            Bib.objects.bulk_update(changed, list(FIELDS))
        counts["created"] += len(new)
        counts["updated"] += len(changed)
        meter.advance(len(batch))
        batch.clear()

    seen: set[str] = set()
    for record, raw, problem in read_records(path, encoding):
        if record is None or problem:
            counts["skipped"] += 1
            meter.advance()
            continue
        fields = bib_fields(record)
        rid = record_id(record, raw)
        if rid in seen:  # the same record twice in one file: the last one wins
            counts["skipped"] += 1
            meter.advance()
            continue
        seen.add(rid)
        batch.append((rid, fields))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return counts


# -- the command's sub-command (registered with the library's `import`) -------------------


HELP = (
    "Load MARC records (ISO 2709 or MARCXML; MARC21 or CNMARC) into the embedded "
    "catalogue. Running the same file again updates the records it holds."
)


def add_arguments(parser: Any) -> None:
    parser.add_argument("file", help="the MARC file (.mrc/.iso or .xml)")
    parser.add_argument(
        "--encoding",
        default="auto",
        help="auto (default: leader/09, else UTF-8 if valid, else GB18030), utf-8, gbk, "
        "gb18030 or marc8",
    )


def run_import(*, file: str, encoding: str, progress: Callable[[str], None], **options: Any) -> str:
    if encoding not in ("auto", "marc8"):
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise BadFile(file, [(None, _("unknown encoding %r") % encoding)]) from None
    started = time.perf_counter()
    counts = import_file(file, encoding=encoding, progress=progress)
    return _(
        "records: %(created)d created, %(updated)d updated, %(skipped)d skipped (%(seconds).1f s)"
    ) % {**counts, "seconds": time.perf_counter() - started}
