"""The OpenAPI 3.1 description of the v1 API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from seatback.core.errors import REFUSALS
from seatback.core.inputs import EARLIEST_YEAR, LATEST_YEAR, MAX_JSON_INTEGER, MAX_JSON_STRING
from seatback.seats.services import INTENTS

TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
STATE = {"type": "string", "enum": ["free", "held", "challenged", "reserved", "away", "closed"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _refusals(*codes: str) -> dict[str, Any]:
    by_status: dict[str, list[str]] = {}
    for code in codes:
        by_status.setdefault(str(REFUSALS[code][0]), []).append(code)
    return {
        status: _json(_ref("Error"), "Refused: " + ", ".join(sorted(found)))
        for status, found in by_status.items()
    }


COMMON = ("not_authenticated", "rate_limited")

SCHEMA: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Seatback API",
        "version": "1",
        "description": "Seats, challenges and holds of a library (spec §3). Times are "
        "ISO 8601 with the library's offset. Refusals carry a machine code and a message "
        "in the reader's language (Accept-Language: zh-Hans or en).",
    },
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
            "cookie": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string", "enum": sorted(REFUSALS)},
                            "message": {"type": "string"},
                            "retry_after": {"type": "integer", "minimum": 1},
                            # unknown_seat for a replaced code: an out-of-date label
                            "retired": {"type": "boolean", "const": True},
                            "missing": {
                                "type": "array",
                                "items": {"enum": ["network", "location", "rotating", "gate"]},
                                "description": "not_present: the presence checks that failed",
                            },
                            "reasons": {
                                "type": "object",
                                "additionalProperties": {"type": "string"},
                                "description": "not_present: why each check failed",
                            },
                        },
                    }
                },
            },
            "Reader": {
                "type": "object",
                "required": ["card_number", "name", "kind", "department", "librarian"],
                "properties": {
                    "card_number": {"type": "string"},
                    "name": {"type": "string"},
                    "kind": {"type": "string"},
                    "department": {"type": "string"},
                    "librarian": {"type": "boolean"},
                },
            },
            "Seat": {
                "type": "object",
                "required": [
                    "code",
                    "label",
                    "room",
                    "state",
                    "holder",
                    "challenge",
                    "reservation",
                    "actions",
                    "server_time",
                ],
                "properties": {
                    "code": {"type": "string"},
                    "label": {"type": "string"},
                    "room": {
                        "type": "object",
                        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                    },
                    "state": STATE,
                    "holder": {
                        "type": ["object", "null"],
                        "properties": {
                            "mine": {"type": "boolean"},
                            "since": TIME,
                            "away_until": NULLABLE_TIME,
                        },
                    },
                    "challenge": {
                        "type": ["object", "null"],
                        "properties": {
                            "mine": {"type": "boolean"},
                            "started_at": TIME,
                            "deadline": TIME,
                            "claim_until": TIME,
                        },
                    },
                    "reservation": {"type": ["object", "null"]},
                    "cooldown_until": NULLABLE_TIME,
                    "actions": {
                        "type": "array",
                        "items": {"type": "string", "enum": list(INTENTS)},
                    },
                    "server_time": TIME,
                },
            },
            "Room": {
                "type": "object",
                "required": ["id", "name", "floor", "open", "counts"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "floor": {"type": "string"},
                    "open": {"type": "boolean"},
                    "opening_hours": {"type": "string"},
                    "counts": {
                        "type": "object",
                        "properties": {
                            k: {"type": "integer"}
                            for k in ("free", "held", "challenged", "reserved", "away")
                        },
                    },
                },
            },
            "RoomSeat": {
                "type": "object",
                "required": ["id", "label", "x", "y", "features", "reservable", "state"],
                "properties": {
                    "id": {"type": "integer"},
                    "label": {"type": "string"},
                    "x": {"type": "number"},
                    "y": {"type": "number"},
                    "features": {"type": "array", "items": {"type": "string"}},
                    "reservable": {"type": "boolean"},
                    "state": STATE,
                },
            },
        },
    },
    "security": [{"bearer": []}, {"cookie": []}],
    "paths": {
        "/openapi.json": {
            "get": {
                "summary": "This description of the API",
                "security": [],
                "responses": {
                    "200": _json({"type": "object"}, "The OpenAPI 3.1 document"),
                    **_refusals("rate_limited"),
                },
            }
        },
        "/session": {
            "post": {
                "summary": "Sign in with card number and password",
                "security": [],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["card_number", "password"],
                                "properties": {
                                    "card_number": {"type": "string"},
                                    "password": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"token": {"type": "string"}, "reader": _ref("Reader")},
                        },
                        "Signed in; a session cookie is set too",
                    ),
                    # forbidden: already signed in by cookie, and no CSRF token sent
                    **_refusals("bad_credentials", "invalid_request", "rate_limited", "forbidden"),
                },
            },
            "delete": {
                "summary": "Sign out (and revoke the bearer token used)",
                # Signing out when not signed in is a harmless 204: credentials optional.
                "security": [{"bearer": []}, {"cookie": []}, {}],
                "responses": {
                    "204": {"description": "Signed out"},
                    **_refusals("forbidden", "rate_limited"),
                },
            },
        },
        "/me": {
            "get": {
                "summary": "The reader, their hold, challenge, reservations, violations, ban",
                "responses": {
                    "200": _json({"type": "object"}, "The reader's state"),
                    **_refusals(*COMMON),
                },
            }
        },
        "/rooms": {
            "get": {
                "summary": "Reading rooms with live counts",
                "responses": {
                    "200": _json({"type": "array", "items": _ref("Room")}, "Rooms"),
                    **_refusals(*COMMON),
                },
            }
        },
        "/rooms/{room_id}/seats": {
            "parameters": [
                {"name": "room_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {
                "summary": "A room's seats with map positions and states (never their codes)",
                "responses": {
                    "200": _json({"type": "array", "items": _ref("RoomSeat")}, "Seats"),
                    **_refusals("not_found", *COMMON),
                },
            },
        },
        "/seats/{code}": {
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "summary": "The seat as the current reader sees it",
                "responses": {
                    "200": _json(_ref("Seat"), "The seat"),
                    **_refusals("unknown_seat", *COMMON),
                },
            },
        },
        "/seats/{code}/watch": {
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "summary": "Light poll: a token that changes whenever the seat changes",
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"v": {"type": "string"}, "server_time": TIME},
                        },
                        "The change token and the server time",
                    ),
                    **_refusals("unknown_seat", *COMMON),
                },
            },
        },
        "/seats/{code}/{intent}": {
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                {
                    "name": "intent",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(INTENTS)},
                },
            ],
            "post": {
                "summary": "Challenge, claim, return, withdraw, release, step out or check in",
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "minutes": {
                                        "type": "integer",
                                        "minimum": 1,
                                        "description": "step-out only: how long",
                                    },
                                    "position": {
                                        "type": "object",
                                        "description": "presence `location`: the phone's "
                                        "WGS-84 position and its accuracy in metres",
                                        "required": ["latitude", "longitude", "accuracy"],
                                        "properties": {
                                            "latitude": {"type": "number"},
                                            "longitude": {"type": "number"},
                                            "accuracy": {"type": "number", "minimum": 0},
                                        },
                                    },
                                    "room_code": {
                                        "type": "string",
                                        "description": "presence `rotating`: the 6-digit "
                                        "code on the room's screen",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"outcome": {"type": "string"}, "seat": _ref("Seat")},
                        },
                        "Done",
                    ),
                    **_refusals(*(code for code in REFUSALS if code not in ("bad_credentials",))),
                },
            },
        },
    },
}


# Seat reservation (issue 7).
RESERVATION_REFUSALS = (
    "banned", "unknown_seat", "seat_unavailable", "not_reservable", "outside_booking_window",
    "limit_reached", "invalid_request", "forbidden", "busy", *COMMON,
)  # fmt: skip
SCHEMA["components"]["schemas"]["Reservation"] = {
    "type": "object",
    "required": ["id", "seat", "start", "end", "status", "checkin_from", "checkin_until"],
    "properties": {
        "id": {"type": "integer"},
        "seat": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "label": {"type": "string"},
                "room": {"type": "object"},
            },
        },
        "start": TIME,
        "end": TIME,
        "status": {
            "type": "string",
            "enum": ["booked", "checked_in", "cancelled", "no_show", "ended"],
        },
        "checkin_from": TIME,
        "checkin_until": TIME,
    },
}
SCHEMA["paths"]["/reservations"] = {
    "get": {
        "summary": "My bookings that are still ahead or in force",
        "responses": {
            "200": _json({"type": "array", "items": _ref("Reservation")}, "Bookings"),
            **_refusals(*COMMON),
        },
    },
    "post": {
        "summary": "Book a reservable seat for [start, end), on the policy's slot marks",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["seat_id", "start", "end"],
                        "properties": {
                            "seat_id": {"type": "integer"},
                            "start": TIME,
                            "end": TIME,
                        },
                    }
                }
            },
        },
        "responses": {
            "201": _json(_ref("Reservation"), "Booked"),
            **_refusals(*RESERVATION_REFUSALS),
        },
    },
}
SCHEMA["paths"]["/reservations/{reservation_id}"] = {
    "parameters": [
        {"name": "reservation_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ],
    "delete": {
        "summary": "Cancel my booking (late cancellation may count as a violation)",
        "responses": {
            "200": _json(_ref("Reservation"), "Cancelled; `late` says if it was late"),
            **_refusals("not_found", "invalid_request", "forbidden", "busy", *COMMON),
        },
    },
}


# What the server really accepts (issue 22), stated once for every request: text holds no
# control characters and is at most MAX_JSON_STRING long; bodies carry only the named
# fields; instants are in the years and offsets both databases hold; ids are positive.
PLAIN_TEXT = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
REQUEST_TIME = {
    "type": "string",
    "format": "date-time",
    "description": f"ISO 8601 with an offset from -14:00 to +14:00, in the years "
    f"{EARLIEST_YEAR}-{LATEST_YEAR - 1}, on a whole minute; a booking's start and end must "
    "also fall on the room's slot marks (every `reservation_slot_minutes`, 30 by default, "
    "counted from midnight in the library's time zone), else 400 invalid_request",
    "pattern": "^(19[7-9][0-9]|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    "T([01][0-9]|2[0-3]):[0-5][0-9](:00)?"
    "(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$",
}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_JSON_INTEGER}
SEAT_CODE = {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[A-Za-z0-9_-]+$"}


def _request_schema(schema: dict[str, Any]) -> None:
    if schema.get("type") == "object":
        schema.setdefault("additionalProperties", False)
        for field in schema.get("properties", {}).values():
            _request_schema(field)
    elif schema.get("type") == "string" and "pattern" not in schema:
        schema.update(maxLength=MAX_JSON_STRING, pattern=PLAIN_TEXT)
    elif schema.get("type") in ("integer", "number"):
        schema.setdefault("maximum", MAX_JSON_INTEGER)
        schema.setdefault("minimum", -MAX_JSON_INTEGER)


def _harden(schema: dict[str, Any]) -> None:
    body = {"413": _json(_ref("Error"), "Refused: too_large (a body over 2.5 MB)")}
    outage = {"503": _json(_ref("Error"), "Refused: busy, unavailable (retry after Retry-After)")}
    for path, item in schema["paths"].items():
        for parameter in item.get("parameters", []):
            if parameter["schema"].get("type") == "integer":
                parameter["schema"] = dict(ID)
            elif parameter["name"] == "code":
                parameter["schema"] = dict(SEAT_CODE)
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            responses.setdefault("503", outage["503"])
            if path != "/openapi.json":
                responses.setdefault("400", _json(_ref("Error"), "Refused: invalid_request"))
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                _request_schema(media["schema"])
                responses.setdefault("413", body["413"])


booking = SCHEMA["paths"]["/reservations"]["post"]["requestBody"]["content"]["application/json"]
booking["schema"]["properties"].update(seat_id=dict(ID), start=REQUEST_TIME, end=REQUEST_TIME)
position = SCHEMA["paths"]["/seats/{code}/{intent}"]["post"]["requestBody"]["content"][
    "application/json"
]["schema"]["properties"]["position"]["properties"]
position["latitude"].update(minimum=-90, maximum=90)
position["longitude"].update(minimum=-180, maximum=180)
position["accuracy"].update(maximum=1_000_000)
_harden(SCHEMA)
