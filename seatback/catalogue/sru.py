"""Catalogue search over SRU (1.1, 1.2 and 2.0), records in MARCXML.

`GET {base}?version=1.2&operation=searchRetrieve&query=…&recordSchema=marcxml`. The words
of the reader's query become a CQL query (each word quoted, joined by `and`, on the
server's default index); an ISBN is looked up with `bath.isbn`. Both response namespaces
(SRU 1.x `zing/srw`, SRU 2.0 `search-ws`) are read; a diagnostic or an unreadable answer
raises `Unavailable`.
"""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.parse
import urllib.request
from xml.etree import ElementTree

import pymarc
from django.conf import settings
from stdnum import isbn as stdisbn

from seatback.catalogue.marc import bib_fields
from seatback.catalogue.search import Hit, Page, Unavailable, terms

NS = {
    "srw": "http://www.loc.gov/zing/srw/",
    "sru2": "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "diag": "http://www.loc.gov/zing/srw/diagnostic/",
    "marc": "http://www.loc.gov/MARC21/slim",
}
MAX_BYTES = 8 * 1024 * 1024


def cql(query: str) -> str:
    """The reader's words as CQL: each word right-truncated (`三体*` finds 三体Ⅱ：黑暗森林,
    which an SRU server indexes as one word), all of them required."""
    words = [re.sub(r'[()"=<>/\\*?^\s]+', "", w) for w in terms(query)]
    return " and ".join(f"{w}*" for w in words if w)


def _children(node: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in node.iter() if child.tag.rsplit("}", 1)[-1] == name]


def parse_response(body: bytes) -> tuple[int, list[pymarc.Record]]:
    """(numberOfRecords, records) from an SRU searchRetrieve response, 1.x or 2.0."""
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 (expat: no external entities)
    except ElementTree.ParseError as exc:
        raise Unavailable(f"SRU: not XML ({exc})") from exc
    if root.tag.rsplit("}", 1)[-1] != "searchRetrieveResponse":
        raise Unavailable(f"SRU: unexpected answer <{root.tag}>")
    diagnostics = _children(root, "diagnostic")
    numbers = _children(root, "numberOfRecords")
    if diagnostics and not numbers:
        message = " ".join(
            (d.text or "").strip()
            for diagnostic in diagnostics
            for d in diagnostic
            if d.tag.rsplit("}", 1)[-1] in ("message", "details")
        )
        raise Unavailable(f"SRU diagnostic: {message}")
    try:
        total = int((numbers[0].text or "0").strip()) if numbers else 0
    except ValueError as exc:
        raise Unavailable("SRU: numberOfRecords is not a number") from exc
    records: list[pymarc.Record] = []
    for marc in root.iter(f"{{{NS['marc']}}}record"):
        xml = ElementTree.tostring(marc, encoding="utf-8")
        parsed = pymarc.parse_xml_to_array(io.BytesIO(xml))
        records.extend(r for r in parsed if r is not None)
    return total, records


def _hit(record: pymarc.Record) -> Hit:
    fields = bib_fields(record)
    return Hit(
        title=fields["title"],
        author=fields["author"],
        year=fields["year"],
        publisher=fields["publisher"],
        isbn=fields["isbn"],
        call_number=fields["call_number"],
        location=fields["location"],
    )


class SruCatalogue:
    def __init__(self, base: str, version: str = "1.2", timeout: float = 8) -> None:
        self.base = base
        self.version = version
        self.timeout = timeout

    @classmethod
    def configured(cls) -> SruCatalogue:
        return cls(settings.SRU_URL, settings.SRU_VERSION, settings.ILS_TIMEOUT_SECONDS)

    def retrieve(self, query: str, start: int, size: int) -> tuple[int, list[pymarc.Record]]:
        params = {
            "version": self.version,
            "operation": "searchRetrieve",
            "query": query,
            "startRecord": str(start + 1),
            "maximumRecords": str(size),
            "recordSchema": "marcxml",
        }
        if self.version == "2.0":
            params["recordXMLEscaping"] = "xml"
        else:
            params["recordPacking"] = "xml"
        separator = "&" if "?" in self.base else "?"
        url = self.base + separator + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_BYTES)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise Unavailable(f"SRU: {exc}") from exc
        return parse_response(body)

    def search(self, query: str, start: int = 0, size: int = 20) -> Page:
        expression = cql(query)
        if not expression:
            return Page()
        total, records = self.retrieve(expression, start, size)
        return Page([_hit(r) for r in records], total, start)

    def by_isbn(self, isbn13: str) -> list[Hit]:
        forms = [isbn13]
        ten = stdisbn.to_isbn10(isbn13) if isbn13.startswith("978") else None
        if ten:
            forms.append(ten)
        expression = " or ".join(f"bath.isbn={form}" for form in forms)
        _total, records = self.retrieve(expression, 0, 10)
        return [hit for hit in (_hit(r) for r in records) if hit.isbn == isbn13]
