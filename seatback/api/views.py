"""The v1 JSON API of spec §3: parse, call a service, render. Plain function views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from seatback.api.decorators import api, json_body
from seatback.api.front import place_in, place_keys, places_version, remember_place
from seatback.api.openapi import SCHEMA
from seatback.api.serialize import iso, me_extra, reader_json, room_json, seat_json
from seatback.core import live, ratelimit
from seatback.core.errors import Refusal
from seatback.labels.services import replaced
from seatback.library.models import Room, Seat
from seatback.presence.evidence import presence_evidence
from seatback.readers.models import ApiToken, Reader
from seatback.readers.services import bearer_key, sign_in
from seatback.seats import services
from seatback.seats.models import Challenge, Hold
from seatback.seats.selectors import reader_now, room_counts_shared, room_seat_map
from seatback.seats.services import Situation


def _seat_keys(kwargs: dict[str, Any], who: str) -> list[str]:
    """What _seat reads from the cache, read with the rate limit (api's fetch)."""
    return [*place_keys("seat", str(kwargs["code"])), ratelimit.code_guesses_key(who)]


def _seat(code: str, reader: Reader, fetched: dict[str, Any]) -> Seat:
    """The active seat with this code, with its room and library: from the cache while no
    place changed (api/front.py; `fetched`, read with the rate limit: _seat_keys), else one
    query. Unknown codes count against the reader (no guessing)."""
    who = f"r{reader.pk}"
    seat = place_in(fetched, "seat", code)
    if seat is None:
        version = places_version()
        seat = services.active_seat_by_code(code)
        if seat is not None:
            remember_place("seat", code, seat, version)
            remember_place("id", code, seat.pk, version)  # the page's polls go to the front
    guesses = fetched.get(ratelimit.code_guesses_key(who), 0)
    ratelimit.seat_code_looked_up(who, found=seat is not None, guesses=guesses)
    if seat is None:
        raise Refusal("unknown_seat", **replaced(code))
    return seat


@api("GET", signed_in=False)
def openapi(request: HttpRequest, *, reader: Reader | None, now: datetime) -> JsonResponse:
    return JsonResponse(SCHEMA)


@api("POST", "DELETE", signed_in=False)
@json_body
def session(
    request: HttpRequest, *, reader: Reader | None, now: datetime, body: dict[str, Any]
) -> HttpResponse:
    if request.method == "DELETE":
        key = bearer_key(request)
        if key:
            ApiToken.revoke(key)
        logout(request)
        return HttpResponse(status=204)
    card_number, password = body.get("card_number"), body.get("password")
    if not isinstance(card_number, str) or not isinstance(password, str):
        raise Refusal("invalid_request", _("Send card_number and password as strings."))
    signed_in = sign_in(request, card_number, password)
    token = ApiToken.issue(signed_in, now)
    return JsonResponse({"token": token, "reader": reader_json(signed_in)})


@api("GET", fetch=_seat_keys)
def seat_detail(
    request: HttpRequest, code: str, *, reader: Reader, now: datetime, fetched: dict[str, Any]
) -> JsonResponse:
    return JsonResponse(seat_json(Situation.read(_seat(code, reader, fetched), reader, now)))


@api("GET")
def seat_watch(request: HttpRequest, code: str, *, reader: Reader, now: datetime) -> JsonResponse:
    """A light poll: the seat's change token and the server time, from the cache alone."""
    version = places_version()
    seat_id = (
        Seat.objects.filter(code=code, active=True).order_by().values_list("id", flat=True).first()
    )
    ratelimit.seat_code_looked_up(f"r{reader.pk}", found=seat_id is not None)
    if seat_id is None:
        raise Refusal("unknown_seat", **replaced(code))
    # The next poll of this seat is answered before Django (api/front.py).
    remember_place("id", code, seat_id, version)
    return JsonResponse({"v": live.token(seat_id), "server_time": iso(now)})


@api("POST", limit="intents", fetch=_seat_keys)
@json_body
def seat_intent(
    request: HttpRequest,
    code: str,
    intent: str,
    *,
    reader: Reader,
    now: datetime,
    fetched: dict[str, Any],
    body: dict[str, Any],
) -> JsonResponse:
    seat = _seat(code, reader, fetched)
    minutes = body.get("minutes")
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)):
        raise Refusal("invalid_request", _("minutes must be a whole number."))
    found = presence_evidence(request, body, seat.room_id)
    result = services.perform(seat, reader, intent, now=now, evidence=found, minutes=minutes)
    return JsonResponse({"outcome": result.outcome, "seat": seat_json(result.situation)})


def _hold_json(hold: Hold | None, now: datetime) -> dict[str, Any] | None:
    if hold is None:
        return None
    away = hold.is_away(now)
    return {
        "seat": {"code": hold.seat.code, "label": hold.seat.label, "room": hold.seat.room.name},
        "since": iso(hold.since),
        "away_until": iso(hold.away_until) if away else None,
        "ends_at": iso(hold.closes_at),
    }


def _challenge_json(challenge: Challenge | None) -> dict[str, Any] | None:
    if challenge is None:
        return None
    seat = challenge.seat
    return {
        "seat": {"code": seat.code, "label": seat.label, "room": seat.room.name},
        "started_at": iso(challenge.started_at),
        "deadline": iso(challenge.deadline),
        "claim_until": iso(challenge.claim_until),
    }


@api("GET")
def me(request: HttpRequest, *, reader: Reader, now: datetime) -> JsonResponse:
    hold, challenge = reader_now(reader, now)
    ban = None
    if reader.is_banned(now):
        ban = {"until": iso(reader.banned_until), "reason": reader.ban_reason}
    return JsonResponse(
        {
            "reader": reader_json(reader),
            "hold": _hold_json(hold, now),
            "challenge": _challenge_json(challenge),
            **me_extra(reader, now),
            "ban": ban,
            "server_time": iso(now),
        }
    )


@api("GET")
def rooms(request: HttpRequest, *, reader: Reader, now: datetime) -> JsonResponse:
    all_rooms = list(Room.objects.select_related("library").filter(active=True))
    counts = room_counts_shared(all_rooms, now)
    return JsonResponse([room_json(room, counts[room.pk], now) for room in all_rooms], safe=False)


@api("GET")
def room_seats(
    request: HttpRequest, room_id: int, *, reader: Reader, now: datetime
) -> JsonResponse:
    room = Room.objects.select_related("library").filter(pk=room_id, active=True).first()
    if room is None:
        raise Refusal("not_found")
    return JsonResponse(room_seat_map(room, now), safe=False)
