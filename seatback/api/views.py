"""The v1 JSON API of spec §3: parse, call a service, render. Plain function views."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from seatback.api.openapi import SCHEMA
from seatback.api.serialize import iso, reader_json, room_json, seat_json
from seatback.core import clock, live, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address
from seatback.labels.services import replaced
from seatback.library.models import Room, Seat
from seatback.presence.evidence import presence_evidence
from seatback.readers.models import ApiToken, Reader
from seatback.readers.services import bearer_reader, sign_in
from seatback.reservations.present import me_extra
from seatback.seats import services
from seatback.seats.models import Challenge, Hold
from seatback.seats.selectors import reader_now, room_counts_shared, room_seat_map
from seatback.seats.services import Situation

View = Callable[..., HttpResponse]


def refusal_response(refusal: Refusal) -> JsonResponse:
    response = JsonResponse({"error": refusal.as_dict()}, status=refusal.status)
    if refusal.retry_after is not None:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def _csrf_ok(request: HttpRequest) -> bool:
    # The CSRF check reads request.POST, which consumes a multipart body; read the body
    # first so that it stays available to _body (otherwise a RawPostDataException, a 500).
    request.body  # noqa: B018
    return CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, None, (), {}) is None  # type: ignore[arg-type]


def _reader(request: HttpRequest, now: datetime) -> Reader | None:
    """Bearer token, or the session cookie (which must carry CSRF on unsafe methods)."""
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return bearer_reader(request, now)
    if request.user.is_authenticated:
        if request.method not in ("GET", "HEAD", "OPTIONS") and not _csrf_ok(request):
            raise Refusal("forbidden", _("CSRF check failed: send the X-CSRFToken header."))
        return request.user  # type: ignore[return-value]
    return None


def api(*methods: str, signed_in: bool = True, limit: str = "reads") -> Callable[[View], View]:
    """Method check, clock read once, authentication, rate limit, refusals as JSON."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = refusal_response(Refusal("invalid_request", _("Method not allowed.")))
                response.status_code = 405
                response["Allow"] = ", ".join(methods)
                return response
            now = clock.now()
            try:
                reader = _reader(request, now)
                if signed_in and reader is None:
                    raise Refusal("not_authenticated")
                per_minute = {
                    "intents": settings.RATE_LIMIT_INTENTS_PER_MINUTE,
                    "reads": settings.RATE_LIMIT_READS_PER_MINUTE,
                }[limit]
                who = f"r{reader.pk}" if reader else f"a{client_address(request)}"
                ratelimit.hit(limit, who, per_minute)
                return view(request, *args, reader=reader, now=now, **kwargs)
            except Refusal as refusal:
                return refusal_response(refusal)

        return wrapper

    return decorate


def _body(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    # JSON only: a cross-site form cannot send it without a CORS preflight, so a page
    # elsewhere cannot sign a phone into someone else's card (login CSRF).
    if request.content_type != "application/json":
        raise Refusal(
            "invalid_request", _("Send the body as JSON (Content-Type: application/json).")
        )
    try:
        data = json.loads(request.body)
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, or nested too deep
        raise Refusal("invalid_request", _("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refusal("invalid_request", _("The body must be a JSON object."))
    return data


def _seat(code: str) -> Seat:
    seat = Seat.objects.select_related("room__library").filter(code=code, active=True).first()
    if seat is None:
        raise Refusal("unknown_seat", **replaced(code))
    return seat


@api("GET", signed_in=False)
def openapi(request: HttpRequest, *, reader: Reader | None, now: datetime) -> JsonResponse:
    return JsonResponse(SCHEMA)


@api("POST", "DELETE", signed_in=False)
def session(request: HttpRequest, *, reader: Reader | None, now: datetime) -> HttpResponse:
    if request.method == "DELETE":
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            ApiToken.revoke(header.removeprefix("Bearer ").strip())
        logout(request)
        return HttpResponse(status=204)
    data = _body(request)
    card_number, password = data.get("card_number"), data.get("password")
    if not isinstance(card_number, str) or not isinstance(password, str):
        raise Refusal("invalid_request", _("Send card_number and password as strings."))
    signed_in = sign_in(request, card_number, password)
    token = ApiToken.issue(signed_in, now)
    return JsonResponse({"token": token, "reader": reader_json(signed_in)})


@api("GET")
def seat_detail(request: HttpRequest, code: str, *, reader: Reader, now: datetime) -> JsonResponse:
    return JsonResponse(seat_json(Situation.read(_seat(code), reader, now)))


@api("GET")
def seat_watch(request: HttpRequest, code: str, *, reader: Reader, now: datetime) -> JsonResponse:
    """A light poll: the seat's change token and the server time, from the cache alone."""
    seat_id = (
        Seat.objects.filter(code=code, active=True).order_by().values_list("id", flat=True).first()
    )
    if seat_id is None:
        raise Refusal("unknown_seat", **replaced(code))
    return JsonResponse({"v": live.token(seat_id), "server_time": iso(now)})


@api("POST", limit="intents")
def seat_intent(
    request: HttpRequest, code: str, intent: str, *, reader: Reader, now: datetime
) -> JsonResponse:
    seat = _seat(code)
    body = _body(request)
    minutes = body.get("minutes")
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)):
        raise Refusal("invalid_request", _("minutes must be a whole number."))
    found = presence_evidence(request, body, seat.room_id)
    result = services.perform(seat, reader, intent, now=now, evidence=found, minutes=minutes)
    return JsonResponse(
        {"outcome": result.outcome, "seat": seat_json(Situation.read(result.seat, reader, now))}
    )


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
