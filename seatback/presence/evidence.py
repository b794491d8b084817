"""What a scan brings as evidence, read from a request: the API's JSON body or a seat page's
form."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from seatback.core.errors import Refusal
from seatback.core.http import client_address
from seatback.presence.checks import Position, normalise_code


@dataclass(frozen=True)
class Evidence:
    """Where a scan came from, kept in the scan record."""

    address: str | None = None
    client: str = ""
    # For the presence checks (docs/presence.md): the phone's position, and the code from
    # the room's screen.
    position: Position | None = None
    room_code: str = ""


def request_evidence(request: HttpRequest) -> Evidence:
    """The client's address and browser, as every scan records them."""
    return Evidence(address=client_address(request), client=request.headers.get("User-Agent", ""))


# session key: {room id (str): the last code this phone brought from the room's screen}
SESSION_KEY = "presence_codes"


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def parse_position(latitude: Any, longitude: Any, accuracy: Any) -> Position | None:
    """A position from what the phone sent; none at all is None, a bad one is refused."""
    try:
        lat, lng, acc = _number(latitude), _number(longitude), _number(accuracy)
    except (TypeError, ValueError):
        lat = lng = acc = math.nan
    if lat is None and lng is None and acc is None:
        return None
    if (
        lat is None
        or lng is None
        or acc is None
        or not -90 <= lat <= 90
        or not -180 <= lng <= 180
        or acc < 0
    ):
        raise Refusal(
            "invalid_request",
            _("The position must be latitude, longitude and accuracy in metres, as numbers."),
        )
    return Position(lat, lng, acc)


def presence_evidence(request: HttpRequest, data: Mapping[str, Any], room_id: int) -> Evidence:
    """The request's evidence, with the position and the room code the phone sent.

    The API sends {"position": {"latitude", "longitude", "accuracy"}, "room_code": "…"};
    a seat page's form sends latitude, longitude, accuracy and room_code fields. Without a
    typed code, the code this phone last brought from the room's screen (scanning its QR
    code, see views.here) is used; it still has to be current when the seat is scanned.
    """
    nested = data.get("position")
    if nested is not None and not isinstance(nested, Mapping):
        raise Refusal("invalid_request", _("position must be an object."))
    source = nested if isinstance(nested, Mapping) else data
    position = parse_position(
        source.get("latitude"), source.get("longitude"), source.get("accuracy")
    )
    code = data.get("room_code") or ""
    if not isinstance(code, str):
        raise Refusal("invalid_request", _("room_code must be a string."))
    code = normalise_code(code) or code[:20]
    if not code and hasattr(request, "session"):
        code = str(request.session.get(SESSION_KEY, {}).get(str(room_id), ""))
    return replace(request_evidence(request), position=position, room_code=code)
