"""Cells a spreadsheet would run, made plain text (issue 22: CSV injection).

Excel, LibreOffice and WPS treat a cell starting with = + - @ (or a tab or carriage
return before one) as a formula: a seat label `=HYPERLINK("http://…")` in an export would
become a live link, or worse. Such a cell is written with a leading apostrophe, which
spreadsheets show as text and do not run (OWASP's advice)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """`value` unchanged, unless it is text a spreadsheet would run: then '-prefixed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(cells: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe(cell) for cell in cells]
