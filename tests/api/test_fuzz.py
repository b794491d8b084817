"""Generated requests against the real API (test client, real database; issue 22): any
path under /api/v1/, any method, any body, signed in or not, and never a 5xx; every
answer that is not a success is the JSON error shape. Bounded so it stays fast in CI
(SEATBACK_FUZZ_EXAMPLES raises it for a longer run)."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seatback.core import clock
from seatback.library.models import Seat
from seatback.readers.models import ApiToken, Reader
from tests.api.conftest import at_clock
from tests.conftest import at

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SEATBACK_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: CI failures can be replayed
)

# Characters that broke something once, and their neighbours.
NASTY = st.sampled_from(
    ["\x00", "\ud800", "\udfff", "\n", "\r", "\t", "\x7f", "%", "/", "..", "'", '"', "\\",
     "😀", "二", "\u202e", "\ufeff", " ", "+16:00", "9999", "-1", "0" * 30]
)  # fmt: skip
TEXT = st.one_of(st.text(max_size=30), NASTY, st.lists(NASTY, max_size=4).map("".join))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.sampled_from(
        ["2026-12-01T09:00:00+08:00", "9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00Z",
         "2026-12-01T09:00:00+16:00", "2026-02-30T09:00:00+08:00", "2026-12-01T09:00:00"]
    ),
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.one_of(TEXT, st.sampled_from([
        "card_number", "password", "seat_id", "start", "end", "minutes", "evidence",
        "latitude", "longitude", "accuracy", "room_code", "code"])), children, max_size=5),
    max_leaves=12,
)  # fmt: skip
BODY_FIELDS = st.fixed_dictionaries(
    {}, optional={key: SCALARS for key in ["card_number", "password", "seat_id", "start",
                                            "end", "minutes", "evidence", "room_code"]}
)  # fmt: skip
SEGMENT = st.one_of(
    TEXT.filter(bool).map(lambda text: quote(text.encode("utf-8", "surrogatepass"), safe="")),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["SEAT", "ROOM", "RESERVATION", "challenge", "claim", "return", "watch",
                     "withdraw", "release", "step-out", "checkin", ""]),
)  # fmt: skip
PATHS = st.one_of(
    st.sampled_from(["session", "me", "rooms", "reservations", "openapi.json"]),
    st.tuples(st.just("rooms"), SEGMENT, st.just("seats")).map("/".join),
    st.tuples(st.just("seats"), SEGMENT).map("/".join),
    st.tuples(st.just("seats"), SEGMENT, SEGMENT).map("/".join),
    st.tuples(st.just("reservations"), SEGMENT).map("/".join),
    st.lists(SEGMENT, min_size=1, max_size=3).map("/".join),
)
METHODS = st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"])


def body_text(value: Any) -> str:
    """JSON as a client might write it, lone surrogates and NaN included."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


def check(response: Any, method: str = "POST") -> None:
    assert response.status_code < 500 or response.status_code == 503, response.content[:300]
    if method == "HEAD":  # no body to look at
        return
    if response.status_code >= 400 and response.get("Content-Type") == "application/json":
        error = response.json()["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
    elif response.status_code >= 400:
        pytest.fail(
            f"{response.status_code} not in the JSON error shape: {response.content[:200]!r}"
        )


@pytest.fixture
def world(room: Any, alice: Reader) -> dict[str, str]:
    seat = Seat.objects.create(room=room, label="F-1", x=1, y=1, reservable=True)
    at_clock(at("09:00"))
    return {"SEAT": seat.code, "ROOM": str(room.pk), "RESERVATION": "1"}


def send(client: Client, method: str, path: str, body: str | None, content_type: str) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": body, "content_type": content_type}
    return client.generic(method, path, **kwargs)


@FUZZ
@given(
    method=METHODS,
    path=PATHS,
    body=st.one_of(st.none(), JSON.map(body_text), BODY_FIELDS.map(body_text),
                   st.binary(max_size=64).map(lambda raw: raw.decode("latin-1"))),
    content_type=st.sampled_from(["application/json", "text/plain", "multipart/form-data"]),
    signed_in=st.booleans(),
)  # fmt: skip
def test_no_request_makes_the_api_fail(
    world: dict[str, str],
    alice: Reader,
    method: str,
    path: str,
    body: str | None,
    content_type: str,
    signed_in: bool,
) -> None:
    for name, value in world.items():
        path = path.replace(name, value)
    headers = {}
    if signed_in:
        headers["Authorization"] = f"Bearer {ApiToken.issue(alice, clock.now())}"
    client = Client(headers=headers, raise_request_exception=True)

    check(send(client, method, f"/api/v1/{path}", body, content_type), method)


@FUZZ
@given(fields=BODY_FIELDS, intent=SEGMENT)
def test_no_scan_or_booking_body_makes_the_api_fail(
    world: dict[str, str], alice: Reader, fields: dict[str, Any], intent: str
) -> None:
    client = Client(headers={"Authorization": f"Bearer {ApiToken.issue(alice, clock.now())}"})
    if "seat_id" not in fields:
        fields = {**fields, "seat_id": Seat.objects.get(code=world["SEAT"]).pk}
    for path in (f"/api/v1/seats/{world['SEAT']}/{intent}", "/api/v1/reservations"):
        check(client.post(path, body_text(fields), content_type="application/json"))
