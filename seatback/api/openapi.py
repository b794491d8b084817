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
                            "free": {
                                "type": "integer",
                                "minimum": 0,
                                "description": "seat_unavailable for a booking: how many other"
                                " reservable seats of the room are free then (0: none left)",
                            },
                            "free_seats": {
                                "type": "array",
                                "items": {"type": "integer"},
                                "description": "seat_unavailable for a booking: a few of them"
                                " (seat ids, at most 5, drawn at random)",
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


# Content (docs/content.md) ------------------------------------------------------------
SCHEMA["paths"]["/announcements"] = {
    "get": {
        "summary": "Published notices and news meant for me, pinned first",
        "responses": {"200": _json({"type": "array"}, "Announcements"), **_refusals(*COMMON)},
    }
}
SCHEMA["paths"]["/lectures"] = {
    "get": {
        "summary": "Lectures not yet over, with places taken and my registration",
        "responses": {"200": _json({"type": "array"}, "Lectures"), **_refusals(*COMMON)},
    }
}
SCHEMA["paths"]["/lectures/{lecture_id}/registration"] = {
    "parameters": [
        {"name": "lecture_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ],
    "post": {
        "summary": "Register: a place, or a place in the waiting line when full",
        "responses": {
            "201": _json(
                {
                    "type": "object",
                    "properties": {
                        "status": {"type": "string", "enum": ["registered", "waiting"]},
                        "place_in_line": {"type": "integer"},
                    },
                },
                "Registered or waiting",
            ),
            **_refusals(*COMMON, "not_found", "already_yours", "banned", "invalid_request", "busy"),
        },
    },
    "delete": {
        "summary": "Give up my place; the first in line moves up",
        "responses": {"204": {"description": "Cancelled"}, **_refusals(*COMMON, "not_found")},
    },
}
SCHEMA["paths"]["/eresources"] = {
    "get": {
        "summary": "The e-resource directory, optionally searched with ?q=",
        "responses": {"200": _json({"type": "array"}, "E-resources"), **_refusals(*COMMON)},
    }
}
SCHEMA["paths"]["/ask"] = {
    "post": {
        "summary": "Ask the mascots: the first matching rule answers, else the help text",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["message"],
                        "properties": {"message": {"type": "string"}},
                    }
                }
            },
        },
        "responses": {
            "200": _json({"type": "object"}, "The mascot's reply"),
            **_refusals(*COMMON, "invalid_request"),
        },
    }
}

GATE_EVENT = {
    "type": "object",
    "required": ["id", "direction", "at"],
    "properties": {
        "id": {"type": "string", "description": "unique per gate; a resent id is kept once"},
        "direction": {"type": "string", "enum": ["in", "out"]},
        "card": {"type": "string", "description": "the card number (or `qr`: the card's QR)"},
        "qr": {"type": "string"},
        "at": TIME,
    },
}
SCHEMA["paths"]["/gate/events"] = {
    "post": {
        "summary": "A gate's events (docs/gates.md): signed with the gate's key, HMAC-SHA256 "
        "over `{timestamp}.{nonce}.` + the body, sent in X-Seatback-Gate, "
        "X-Seatback-Timestamp (Unix seconds), X-Seatback-Nonce and X-Seatback-Signature",
        "security": [],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["events"],
                        "properties": {
                            "events": {"type": "array", "maxItems": 1000, "items": GATE_EVENT}
                        },
                    }
                }
            },
        },
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "properties": {
                        "accepted": {"type": "integer"},
                        "duplicates": {"type": "integer"},
                        "results": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string"},
                                    "outcome": {"type": "string"},
                                },
                            },
                        },
                    },
                },
                "Kept, in the order the events happened; each event's outcome",
            ),
            **_refusals("not_authenticated", "invalid_request", "rate_limited", "busy"),
        },
    }
}


# Spaces (docs/spaces.md) ------------------------------------------------------------------
SPACE_REFUSALS = (
    *COMMON,
    "not_found",
    "invalid_request",
    "banned",
    "not_reservable",
    "outside_booking_window",
    "seat_unavailable",
    "limit_reached",
    "forbidden",
    "busy",
)
SCHEMA["paths"]["/spaces"] = {
    "get": {
        "summary": "Spaces that can be booked (group study rooms, discussion rooms, carrels)",
        "responses": {"200": _json({"type": "array"}, "Spaces"), **_refusals(*COMMON)},
    }
}
SCHEMA["paths"]["/spaces/{space_id}/day"] = {
    "parameters": [
        {"name": "space_id", "in": "path", "required": True, "schema": {"type": "integer"}},
        {"name": "date", "in": "query", "schema": {"type": "string", "format": "date"}},
    ],
    "get": {
        "summary": "A day's slots of the space: free, booked, blocked (with the reason), past",
        "responses": {
            "200": _json({"type": "object"}, "The day grid"),
            **_refusals(*COMMON, "not_found", "invalid_request"),
        },
    },
}
SCHEMA["paths"]["/spaces/{code}/checkin"] = {
    "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
    "post": {
        "summary": "Check in at the space's door QR (the organiser, or members one by one)",
        "responses": {
            "200": _json({"type": "object"}, "checked_in or member_checked_in"),
            **_refusals(*COMMON, "not_found", "too_early", "not_reserved", "reserved", "banned"),
        },
    },
}
SCHEMA["paths"]["/space-bookings"] = {
    "get": {
        "summary": "My space bookings (as organiser or companion) not yet over",
        "responses": {"200": _json({"type": "array"}, "Bookings"), **_refusals(*COMMON)},
    },
    "post": {
        "summary": "Book a space for a group: the organiser and companions by card number",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["space_id", "start", "end"],
                        "properties": {
                            "space_id": {"type": "integer"},
                            "start": TIME,
                            "end": TIME,
                            "companions": {"type": "array", "items": {"type": "string"}},
                        },
                    }
                }
            },
        },
        "responses": {
            "201": _json({"type": "object"}, "The booking, pending until the group confirms"),
            **_refusals(*SPACE_REFUSALS),
        },
    },
}
SCHEMA["paths"]["/space-bookings/{booking_id}/{action}"] = {
    "parameters": [
        {"name": "booking_id", "in": "path", "required": True, "schema": {"type": "integer"}},
        {
            "name": "action",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": ["confirm", "cancel", "end"]},
        },
    ],
    "post": {
        "summary": "confirm (a companion), cancel (the organiser), end (the organiser, early)",
        "responses": {
            "200": _json({"type": "object"}, "The booking"),
            **_refusals(*COMMON, "not_found", "invalid_request", "busy"),
        },
    },
    "delete": {
        "summary": "The same as POST …/cancel",
        "responses": {
            "200": _json({"type": "object"}, "The booking"),
            **_refusals(*COMMON, "not_found", "invalid_request"),
        },
    },
}


# Maps and occupancy (docs/maps.md): public, rate-limited per address, never a seat's code.
_COUNTS = {"type": "object", "properties": {k: {"type": "integer"} for k in STATE["enum"]}}
_TALLY = {
    "type": "object",
    "required": ["counts", "total"],
    "properties": {"counts": _COUNTS, "total": {"type": "integer"}},
}
_ROOM_ID = [{"name": "room_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_PUBLIC = _refusals("rate_limited")
SCHEMA["components"]["schemas"].update(
    {
        "Occupancy": {
            "type": "object",
            "required": ["building", "floors", "at"],
            "properties": {
                "building": _TALLY,
                "at": TIME,
                "floors": {
                    "type": "array",
                    "items": {
                        "allOf": [_TALLY],
                        "properties": {
                            "floor": {"type": "string"},
                            "rooms": {
                                "type": "array",
                                "items": {
                                    "allOf": [_TALLY],
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "name": {"type": "string"},
                                        "floor": {"type": "string"},
                                        "open": {"type": "boolean"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        "MapStates": {
            "type": "object",
            "required": ["states", "until", "counts", "server_time"],
            "properties": {
                "states": {"type": "object", "additionalProperties": STATE},
                "until": {
                    "type": "object",
                    "additionalProperties": TIME,
                    "description": "seat id -> when a running clock or a step-out ends",
                },
                "counts": _COUNTS,
                "server_time": TIME,
            },
        },
    }
)
SCHEMA["paths"].update(
    {
        "/occupancy": {
            "get": {
                "summary": "Seats by state for the building, each floor and each room "
                "(no sign-in; shared by every caller for a second)",
                "security": [],
                "responses": {"200": _json(_ref("Occupancy"), "Occupancy"), **_PUBLIC},
            }
        },
        "/occupancy/history": {
            "get": {
                "summary": "One day's occupancy in 15-minute steps, per room (kept a year)",
                "security": [],
                "parameters": [
                    {"name": "day", "in": "query", "schema": {"type": "string", "format": "date"}}
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "day": {"type": "string", "format": "date"},
                                "steps": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "at": TIME,
                                            "room": {"type": "object"},
                                            "counts": _COUNTS,
                                        },
                                    },
                                },
                            },
                        },
                        "The day's steps",
                    ),
                    **_refusals("invalid_request", "rate_limited"),
                },
            }
        },
        "/rooms/{room_id}/map": {
            "parameters": _ROOM_ID,
            "get": {
                "summary": "A room's plan (shapes, view box) and seats with their states "
                "(no sign-in; never a seat's code)",
                "security": [],
                "responses": {
                    "200": _json(
                        {
                            "allOf": [_ref("MapStates")],
                            "properties": {
                                "room": {"type": "object"},
                                "shapes": {"type": "array", "items": {"type": "object"}},
                                "view_box": {"type": "array", "items": {"type": "number"}},
                                "grid": {"type": "boolean"},
                                "seats": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                        "The map",
                    ),
                    **_refusals("not_found", "rate_limited"),
                },
            },
        },
        "/rooms/{room_id}/map/states": {
            "parameters": _ROOM_ID,
            "get": {
                "summary": "The cheap poll of a map: every seat's state",
                "security": [],
                "responses": {
                    "200": _json(_ref("MapStates"), "States"),
                    **_refusals("not_found", "rate_limited"),
                },
            },
        },
        "/rooms/{room_id}/route": {
            "parameters": [
                *_ROOM_ID,
                {"name": "to", "in": "query", "required": True, "schema": {"type": "integer"}},
                {"name": "door", "in": "query", "schema": {"type": "integer", "default": 0}},
            ],
            "get": {
                "summary": "Walking directions from a door of the room to a seat: points to "
                "draw and steps in words",
                "security": [],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "points": {"type": "array"},
                                "metres": {"type": "number"},
                                "steps": {"type": "array", "items": {"type": "string"}},
                                "doors": {"type": "array"},
                            },
                        },
                        "The route",
                    ),
                    **_refusals("invalid_request", "not_found", "rate_limited"),
                },
            },
        },
    }
)

# The library's services (docs/library-systems.md).
LIBRARY_DOWN = ("library_unavailable",)
_STRING = {"type": "string"}
_NULLABLE_INT = {"type": ["integer", "null"]}
SCHEMA["components"]["schemas"].update(
    {
        "Loan": {
            "type": "object",
            "required": ["item", "title", "due", "due_text", "overdue", "call_number"],
            "properties": {
                "item": _STRING,
                "title": _STRING,
                "due": NULLABLE_TIME,
                "due_text": {"type": "string", "description": "the library system's own words"},
                "overdue": {"type": "boolean"},
                "call_number": _STRING,
            },
        },
        "RenewResult": {
            "type": "object",
            "required": ["item", "title", "renewed", "due", "reason", "message"],
            "properties": {
                "item": _STRING,
                "title": _STRING,
                "renewed": {
                    "type": "boolean",
                    "description": "true only when the library's system said so",
                },
                "due": NULLABLE_TIME,
                "reason": {"type": "string", "description": "why not, in the system's words"},
                "message": {"type": "string", "description": "the outcome in the reader's words"},
            },
        },
        "Hit": {
            "type": "object",
            "properties": {
                "title": _STRING,
                "author": _STRING,
                "year": _STRING,
                "publisher": _STRING,
                "isbn": _STRING,
                "call_number": _STRING,
                "location": {"type": "string", "description": "where the book stands"},
                "copies": _NULLABLE_INT,
                "available": {
                    "type": ["integer", "null"],
                    "description": "on the shelf now; null when the catalogue does not know",
                },
            },
        },
        "PurchaseRequest": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "isbn": {"type": "string", "description": "ISBN-13 digits"},
                "title": _STRING,
                "status": {
                    "type": "string",
                    "enum": ["new", "accepted", "ordered", "arrived", "declined"],
                },
                "reason": _STRING,
                "created_at": TIME,
            },
        },
    }
)
SCHEMA["paths"]["/library/loans"] = {
    "get": {
        "summary": "My loans, overdue first",
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "properties": {"loans": {"type": "array", "items": _ref("Loan")}},
                },
                "Loans",
            ),
            **_refusals(*LIBRARY_DOWN, *COMMON),
        },
    }
}
SCHEMA["paths"]["/library/loans/{item}/renew"] = {
    "parameters": [{"name": "item", "in": "path", "required": True, "schema": _STRING}],
    "post": {
        "summary": "Renew one loan; the answer says renewed until when, or why not",
        "responses": {
            "200": _json(_ref("RenewResult"), "The outcome (renewed or not)"),
            **_refusals("invalid_request", "forbidden", *LIBRARY_DOWN, *COMMON),
        },
    },
}
SCHEMA["paths"]["/library/loans/renew-all"] = {
    "post": {
        "summary": "Renew all loans (the server's renew-all where offered, else one by one)",
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "properties": {
                        "whole": {"type": "boolean"},
                        "renewed": {"type": "integer"},
                        "results": {"type": "array", "items": _ref("RenewResult")},
                    },
                },
                "Each item's outcome",
            ),
            **_refusals("forbidden", *LIBRARY_DOWN, *COMMON),
        },
    }
}
SCHEMA["paths"]["/library/search"] = {
    "get": {
        "summary": "Search the catalogue (no sign-in needed); 三体 finds 三体Ⅱ：黑暗森林",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "schema": _STRING},
            {"name": "start", "in": "query", "schema": {"type": "integer", "minimum": 0}},
        ],
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "properties": {
                        "total": {"type": "integer"},
                        "start": {"type": "integer"},
                        "hits": {"type": "array", "items": _ref("Hit")},
                    },
                },
                "One page of records",
            ),
            **_refusals("invalid_request", "rate_limited", *LIBRARY_DOWN),
        },
    }
}
SCHEMA["paths"]["/library/isbn/{number}"] = {
    "parameters": [{"name": "number", "in": "path", "required": True, "schema": _STRING}],
    "get": {
        "summary": "Look up an ISBN (10 or 13): the library's copies, and any open request",
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "properties": {
                        "isbn": _STRING,
                        "owned": {"type": "array", "items": _ref("Hit")},
                        "request": {"oneOf": [_ref("PurchaseRequest"), {"type": "null"}]},
                    },
                },
                "What the library has",
            ),
            **_refusals("invalid_isbn", *LIBRARY_DOWN, *COMMON),
        },
    },
}
SCHEMA["paths"]["/library/purchase-requests"] = {
    "get": {
        "summary": "My purchase requests (asked first or joined)",
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "properties": {"requests": {"type": "array", "items": _ref("PurchaseRequest")}},
                },
                "Requests",
            ),
            **_refusals(*COMMON),
        },
    },
    "post": {
        "summary": "Ask the library to buy a book; the same book asked again joins the first",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["isbn"],
                        "properties": {"isbn": _STRING, "note": _STRING, "title": _STRING},
                    }
                }
            },
        },
        "responses": {
            "201": _json(
                {
                    "type": "object",
                    "properties": {
                        "joined": {"type": "boolean"},
                        "request": _ref("PurchaseRequest"),
                    },
                },
                "A new request",
            ),
            "200": _json(
                {
                    "type": "object",
                    "properties": {
                        "joined": {"type": "boolean"},
                        "request": _ref("PurchaseRequest"),
                    },
                },
                "Joined an earlier request for the same book",
            ),
            **_refusals("invalid_isbn", "invalid_request", "forbidden", "busy", *COMMON),
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


# The later doors' requests, stated as precisely as the server checks them.
SOME_TEXT = (
    "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*\\S[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
)
CARD = {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[A-Za-z0-9_-]+$"}
ISBN = {"type": "string", "minLength": 10, "maxLength": 17, "pattern": "^[0-9Xx-]+$"}
DAY = {
    "type": "string",
    "description": "YYYY-MM-DD; empty or absent: today",
    "pattern": "^((19[7-9][0-9]|[2-8][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8]))?$",
}


def _body(path: str, method: str = "post") -> dict[str, Any]:
    content = SCHEMA["paths"][path][method]["requestBody"]["content"]["application/json"]
    return dict(content["schema"]["properties"])


_ask = SCHEMA["paths"]["/ask"]["post"]["requestBody"]["content"]["application/json"]["schema"]
_ask["properties"]["message"] = {"type": "string", "maxLength": 500, "pattern": SOME_TEXT}
_space_booking = SCHEMA["paths"]["/space-bookings"]["post"]["requestBody"]["content"][
    "application/json"
]["schema"]["properties"]
_space_booking.update(
    space_id=dict(ID),
    start=REQUEST_TIME,
    end=REQUEST_TIME,
    companions={"type": "array", "maxItems": 50, "uniqueItems": True, "items": CARD},
)
for _parameter in SCHEMA["paths"]["/occupancy/history"]["get"]["parameters"]:
    if _parameter["name"] == "day":
        _parameter["schema"] = DAY
for _path, _name, _value in (
    ("/library/loans/{item}/renew", "item", CARD),
    ("/library/isbn/{number}", "number", ISBN),
):
    SCHEMA["paths"][_path]["parameters"] = [
        {**p, "schema": _value} if p["name"] == _name else p
        for p in SCHEMA["paths"][_path]["parameters"]
    ]
SCHEMA["paths"]["/library/search"]["get"]["security"] = []
_purchase = SCHEMA["paths"]["/library/purchase-requests"]["post"]["requestBody"]["content"][
    "application/json"
]["schema"]["properties"]
_purchase.update(
    isbn=ISBN,
    note={"type": "string", "maxLength": 300},
    title={"type": "string", "maxLength": 200},
)

booking = SCHEMA["paths"]["/reservations"]["post"]["requestBody"]["content"]["application/json"]
booking["schema"]["properties"].update(seat_id=dict(ID), start=REQUEST_TIME, end=REQUEST_TIME)
position = SCHEMA["paths"]["/seats/{code}/{intent}"]["post"]["requestBody"]["content"][
    "application/json"
]["schema"]["properties"]["position"]["properties"]
position["latitude"].update(minimum=-90, maximum=90)
position["longitude"].update(minimum=-180, maximum=180)
position["accuracy"].update(maximum=1_000_000)
_harden(SCHEMA)
