"""Reads the doors call: search the configured catalogue (SEATBACK_CATALOGUE), look up an
ISBN. Whatever goes wrong on the other side becomes a Refusal("library_unavailable")."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from seatback.catalogue.search import Hit, Page, Unavailable, embedded_by_isbn, embedded_search
from seatback.catalogue.sru import SruCatalogue
from seatback.core.errors import Refusal

log = logging.getLogger(__name__)
PAGE_SIZE = 20


def _down(exc: Exception) -> Refusal:
    log.warning("catalogue (%s) failed: %s", settings.CATALOGUE_BACKEND, exc)
    return Refusal(
        "library_unavailable",
        _("The library's catalogue is not answering right now. Please try again later."),
    )


def search(query: str, start: int = 0, size: int = PAGE_SIZE) -> Page:
    query = query.strip()[:200]
    start = max(0, min(start, 10_000))
    try:
        if settings.CATALOGUE_BACKEND == "sru":
            return SruCatalogue.configured().search(query, start, size)
        return embedded_search(query, start, size)
    except Unavailable as exc:
        raise _down(exc) from exc


def by_isbn(isbn13: str) -> list[Hit]:
    """The library's records for this ISBN-13 (empty: the library does not own it)."""
    try:
        if settings.CATALOGUE_BACKEND == "sru":
            return SruCatalogue.configured().by_isbn(isbn13)
        return embedded_by_isbn(isbn13)
    except Unavailable as exc:
        raise _down(exc) from exc
