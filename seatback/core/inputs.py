"""What a client sends, checked once at the door before it reaches a query (issue 22).

Neither database stores every string Python holds: PostgreSQL's text refuses NUL, and
neither encodes a lone surrogate (`\\ud800`) as UTF-8. Control characters have no place in
a card number, a seat code or a search either, and turn log lines into forgeries. Times
must fit both databases and survive arithmetic (a year-9999 booking plus a day does not).
Each check raises `Refusal("invalid_request")` with a sentence saying what was wrong.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from seatback.core.errors import Refusal

# C0 controls (but tab, newline and carriage return, which forms may carry), DEL, and
# UTF-16 surrogates (a JSON "\ud800" without its pair decodes to one).
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# In a single-line value (a path, a query parameter, a cookie) no control at all.
_BAD_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")

# The longest string a JSON body may carry anywhere, and the deepest nesting.
MAX_JSON_STRING = 1000
MAX_JSON_DEPTH = 20
# Whole numbers a JSON body may carry: what a 64-bit column holds is far more than any
# id or duration we use, and sums of them must not overflow either.
MAX_JSON_INTEGER = 2**53
# The instants a request may name: every datetime between them, plus or minus a few years
# of arithmetic, fits Python, SQLite and PostgreSQL alike.
EARLIEST_YEAR, LATEST_YEAR = 1970, 9000
# Real-world offsets run from -12:00 to +14:00; PostgreSQL refuses anything past 15:59.
MAX_OFFSET = timedelta(hours=14)


def has_bad_text(value: str, *, multiline: bool = True) -> bool:
    """True if `value` holds a character no database stores or no log should carry."""
    return bool((_BAD_TEXT if multiline else _BAD_LINE).search(value))


def refuse_text(name: str) -> Refusal:
    return Refusal(
        "invalid_request",
        _("%(name)s contains characters that are not allowed (control characters).")
        % {"name": name},
    )


def check_text(value: str, name: str, *, multiline: bool = False, max_length: int = 0) -> str:
    """`value` if it holds nothing forbidden and is no longer than `max_length` (when set)."""
    if has_bad_text(value, multiline=multiline):
        raise refuse_text(name)
    if max_length and len(value) > max_length:
        raise Refusal(
            "invalid_request",
            _("%(name)s is longer than %(limit)d characters.")
            % {"name": name, "limit": max_length},
        )
    return value


def check_json(value: Any, name: str = "body", depth: int = 0) -> None:
    """Every string (key or value) of a decoded JSON document, every number, every level."""
    if depth > MAX_JSON_DEPTH:
        raise Refusal("invalid_request", _("The body is nested too deeply."))
    if isinstance(value, str):
        check_text(value, name, multiline=True, max_length=MAX_JSON_STRING)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > MAX_JSON_INTEGER:
            raise Refusal("invalid_request", _("%(name)s is too large a number.") % {"name": name})
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_JSON_INTEGER:
            raise Refusal("invalid_request", _("%(name)s is not a usable number.") % {"name": name})
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, "body", max_length=MAX_JSON_STRING)
            check_json(item, key, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json(item, name, depth + 1)


def check_instant(moment: datetime, name: str) -> datetime:
    """An aware datetime with a real-world offset, in a year both databases hold."""
    offset = moment.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET:
        raise Refusal(
            "invalid_request",
            _("%(name)s must have a UTC offset between -14:00 and +14:00.") % {"name": name},
        )
    if not EARLIEST_YEAR <= moment.year < LATEST_YEAR:
        raise Refusal(
            "invalid_request",
            _("%(name)s must be a time between the years %(first)d and %(last)d.")
            % {"name": name, "first": EARLIEST_YEAR, "last": LATEST_YEAR - 1},
        )
    return moment
