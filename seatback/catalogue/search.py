"""Catalogue search, whichever catalogue answers: the embedded one or an SRU server.

Chinese has no spaces, so the embedded catalogue matches substrings: 三体 is found in
三体Ⅱ：黑暗森林. On SQLite an FTS5 table with the trigram tokenizer serves `LIKE` (three
characters or more from its index, shorter ones by a scan of it); on PostgreSQL a pg_trgm
GIN index serves `LIKE`; without either, the same query reads the table.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from seatback.catalogue.marc import normalise
from seatback.catalogue.models import Bib

log = logging.getLogger(__name__)
MAX_TERMS = 8


class Unavailable(Exception):
    """The catalogue cannot be reached or answered nonsense."""


@dataclass(frozen=True)
class Hit:
    title: str
    author: str = ""
    year: str = ""
    publisher: str = ""
    isbn: str = ""
    call_number: str = ""
    location: str = ""
    copies: int | None = None
    available: int | None = None


@dataclass
class Page:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    start: int = 0


def terms(query: str) -> list[str]:
    """The query's words, normalised as the index is; LIKE's wildcards dropped."""
    cleaned = re.sub(r"[%_\\]", " ", normalise(query))
    return [t for t in cleaned.split() if t][:MAX_TERMS]


def _hit(bib: Bib) -> Hit:
    return Hit(
        title=bib.title,
        author=bib.author,
        year=bib.year,
        publisher=bib.publisher,
        isbn=bib.isbn,
        call_number=bib.call_number,
        location=bib.location,
        copies=bib.copies,
        # The embedded catalogue holds no live loan status: how many copies are on the
        # shelf now is not known, so it is not claimed.
        available=None,
    )


def _fts_available() -> bool:
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='catalogue_bib_fts'"
        )
        return cursor.fetchone() is not None


def _matching(words: list[str]) -> QuerySet[Bib]:
    found = Bib.objects.all()
    # The trigram index knows words of three characters or more; shorter ones (三体) are
    # matched by reading search_text itself.
    indexed = [word for word in words if len(word) >= 3] if _fts_available() else []
    if indexed:
        where = " AND ".join(["search_text LIKE %s"] * len(indexed))
        ids = RawSQL(  # noqa: S611 (fixed SQL; the words are parameters)
            f"SELECT rowid FROM catalogue_bib_fts WHERE {where}",  # noqa: S608 (placeholders only)
            [f"%{word}%" for word in indexed],
        )
        found = found.filter(id__in=ids)
    for word in words:
        if word not in indexed:
            # search_text is case-folded already: a plain LIKE, which pg_trgm's index serves
            found = found.filter(search_text__contains=word)
    return found


def embedded_search(query: str, start: int = 0, size: int = 20) -> Page:
    words = terms(query)
    if not words:
        return Page()
    found = _matching(words)
    # The title equal to the first word first, then titles starting with it, then the rest.
    first = query.split()[0]
    ranked = found.annotate(
        rank=Case(
            When(title__iexact=first, then=Value(0)),
            When(title__istartswith=first, then=Value(1)),
            When(title__icontains=first, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("rank", "title", "-year", "id")
    try:
        total = ranked.count()
        bibs = list(ranked[start : start + size])
    except DatabaseError as exc:
        raise Unavailable(str(exc)) from exc
    return Page([_hit(b) for b in bibs], total, start)


def embedded_by_isbn(isbn13: str) -> list[Hit]:
    bibs = Bib.objects.filter(isbn=isbn13) | Bib.objects.filter(other_isbns__contains=isbn13)
    return [_hit(b) for b in bibs.distinct()[:10]]
