"""GET /api/v1/openapi.json: every route is documented, and every refusal code it can give."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern

import seatback
from seatback.api import urls
from seatback.core.errors import REFUSALS
from seatback.library.models import Seat
from seatback.seats.services import INTENTS
from tests.api.conftest import bearer
from tests.conftest import make_reader

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# Refusal codes of spec §3 (reservation codes arrive with the reservations app).
SPEC_CODES = {
    "not_authenticated", "banned", "unknown_seat", "invalid_intent", "room_closed",
    "protected_window", "seat_challenged", "holder_away", "has_active_challenge", "cooldown",
    "too_early", "challenge_expired", "not_challenger", "nothing_to_return", "not_holder",
    "already_yours", "reserved", "not_reserved", "not_present", "rate_limited",
    "seat_unavailable", "not_reservable", "outside_booking_window", "limit_reached",
}  # fmt: skip
SEAT_RULE_CODES = {
    "banned", "invalid_intent", "room_closed", "protected_window", "seat_challenged",
    "holder_away", "has_active_challenge", "cooldown", "too_early", "challenge_expired",
    "not_challenger", "nothing_to_return", "not_holder", "already_yours", "not_reserved",
    "invalid_request", "busy", "reserved",
}  # fmt: skip
SIGNED_IN = {"not_authenticated", "rate_limited"}
# What each operation can answer with, read from seatback/api/views.py.
CAN_REFUSE = {
    ("/openapi.json", "get"): {"rate_limited"},
    ("/session", "post"): {"bad_credentials", "invalid_request", "rate_limited", "forbidden"},
    ("/session", "delete"): {"rate_limited", "forbidden"},
    ("/me", "get"): SIGNED_IN,
    ("/rooms", "get"): SIGNED_IN,
    ("/rooms/{room_id}/seats", "get"): SIGNED_IN | {"not_found"},
    ("/seats/{code}", "get"): SIGNED_IN | {"unknown_seat"},
    ("/seats/{code}/watch", "get"): SIGNED_IN | {"unknown_seat"},
    ("/seats/{code}/{intent}", "post"): SIGNED_IN
    | SEAT_RULE_CODES
    | {"forbidden", "unknown_seat", "invalid_request"},
    ("/reservations", "get"): SIGNED_IN,
    ("/reservations", "post"): SIGNED_IN
    | {"banned", "unknown_seat", "seat_unavailable", "not_reservable", "outside_booking_window"}
    | {"limit_reached", "invalid_request", "forbidden", "busy"},
    ("/reservations/{reservation_id}", "delete"): SIGNED_IN
    | {"not_found", "invalid_request", "forbidden", "busy"},
    ("/gate/events", "post"): {"not_authenticated", "invalid_request", "rate_limited", "busy"},
    # maps and occupancy: no sign-in (seatback/api/plan_views.py)
    ("/occupancy", "get"): {"rate_limited"},
    ("/occupancy/history", "get"): {"invalid_request", "rate_limited"},
    ("/rooms/{room_id}/map", "get"): {"not_found", "rate_limited"},
    ("/rooms/{room_id}/map/states", "get"): {"not_found", "rate_limited"},
    ("/rooms/{room_id}/route", "get"): {"invalid_request", "not_found", "rate_limited"},
    ("/library/loans", "get"): SIGNED_IN | {"library_unavailable"},
    ("/library/loans/{item}/renew", "post"): SIGNED_IN
    | {"library_unavailable", "invalid_request", "forbidden"},
    ("/library/loans/renew-all", "post"): SIGNED_IN | {"library_unavailable", "forbidden"},
    ("/library/search", "get"): {"rate_limited", "library_unavailable", "invalid_request"},
    ("/library/isbn/{number}", "get"): SIGNED_IN | {"invalid_isbn", "library_unavailable"},
    ("/library/purchase-requests", "post"): SIGNED_IN
    | {"invalid_isbn", "invalid_request", "forbidden", "busy"},
}


@pytest.fixture
def schema() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def documented_path(pattern: URLPattern) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))


def test_the_document_is_openapi_3_1_with_both_ways_to_sign_in(schema: dict[str, Any]) -> None:
    assert schema["openapi"] == "3.1.0"
    assert schema["servers"] == [{"url": "/api/v1"}]
    assert set(schema["components"]["securitySchemes"]) == {"bearer", "cookie"}


def test_every_route_is_documented_and_nothing_else(schema: dict[str, Any]) -> None:
    routes = {documented_path(p) for p in urls.urlpatterns}
    assert routes == set(schema["paths"])


def test_each_route_answers_exactly_the_documented_methods(
    schema: dict[str, Any], seat: Seat
) -> None:
    client = bearer(make_reader("20239999", "Tester"))
    values = {
        "code": seat.code,
        "room_id": str(seat.room_id),
        "intent": "checkin",
        "reservation_id": "1",
        "lecture_id": "1",
        "space_id": "1",
        "booking_id": "1",
        "action": "confirm",
        "item": "B1",
        "number": "9787536692930",
    }
    for path, operations in schema["paths"].items():
        url = "/api/v1" + re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
        for method in METHODS:
            response = getattr(client, method)(url, content_type="application/json")
            if method in operations:
                assert response.status_code != 405, (method, path)
            else:
                assert response.status_code == 405, (method, path, response.status_code)


def test_every_refusal_code_of_the_spec_and_the_code_is_in_the_error_enum(
    schema: dict[str, Any],
) -> None:
    enum = set(
        schema["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"][
            "enum"
        ]
    )
    source = Path(seatback.__file__).parent
    raised = {
        code
        for path in source.rglob("*.py")
        for code in re.findall(r"Refusal\(\s*\"(\w+)\"", path.read_text(encoding="utf-8"))
    }
    assert raised >= SEAT_RULE_CODES  # the scan found the rule's codes
    assert enum >= SPEC_CODES | raised
    assert enum == set(REFUSALS)


def test_each_operation_documents_the_refusals_it_can_give_under_their_status(
    schema: dict[str, Any],
) -> None:
    for (path, method), codes in CAN_REFUSE.items():
        responses = schema["paths"][path][method]["responses"]
        documented: dict[str, set[str]] = {}
        for status, response in responses.items():
            if response["description"].startswith("Refused: "):
                documented[status] = set(response["description"][9:].split(", "))
        for code in codes:
            status = str(REFUSALS[code][0])
            assert code in documented.get(status, set()), (path, method, code, status)


def test_the_seat_and_its_intents_are_described_as_the_spec_says(schema: dict[str, Any]) -> None:
    seat = schema["components"]["schemas"]["Seat"]
    assert set(seat["required"]) == {
        "code", "label", "room", "state", "holder", "challenge", "reservation", "actions",
        "server_time",
    }  # fmt: skip
    assert seat["properties"]["state"]["enum"] == [
        "free", "held", "challenged", "reserved", "away", "closed"
    ]  # fmt: skip
    assert seat["properties"]["actions"]["items"]["enum"] == list(INTENTS)
    intent = schema["paths"]["/seats/{code}/{intent}"]["parameters"][1]
    assert intent["schema"]["enum"] == [
        "challenge", "claim", "return", "withdraw", "release", "step-out", "checkin"
    ]  # fmt: skip


def test_every_reference_resolves(schema: dict[str, Any]) -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(schema):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schema["components"]["schemas"], ref
