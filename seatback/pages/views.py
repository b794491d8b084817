"""The reader's phone pages: server-rendered, one primary action each.

Forms POST to /s/{code} with a hidden `intent`; the view performs it and redirects back
(post/redirect/get) with the outcome or the refusal as a message, so a reload never
repeats a scan.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from seatback.core import clock, live, ratelimit
from seatback.core.errors import REFUSALS, Refusal
from seatback.core.http import refusal_response, requester
from seatback.labels import services as label_services
from seatback.library.models import Room, Seat
from seatback.pages.wording import refusal_sentence, seat_view
from seatback.presence.evidence import presence_evidence
from seatback.readers.models import Reader
from seatback.readers.services import sign_in
from seatback.reservations.selectors import reader_reservations
from seatback.seats import services
from seatback.seats.models import ScanRecord
from seatback.seats.selectors import reader_now, room_counts, seat_states
from seatback.seats.services import Situation
from seatback.seats.words import ACTION_LABELS, outcome_sentence

HISTORY_LENGTH = 20


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _my_state(request: HttpRequest, now: datetime) -> dict[str, Any]:
    """The signed-in reader's current hold and pending challenge, for home and /me."""
    if not request.user.is_authenticated:
        return {}
    reader: Reader = request.user  # type: ignore[assignment]
    hold, challenge = reader_now(reader, now)
    return {
        "hold": hold,
        "hold_away": bool(hold and hold.is_away(now)),
        "challenge": challenge,
        "challenge_ready": bool(challenge and now >= challenge.deadline),
        "banned": reader.is_banned(now),
    }


def _room_listing(rooms: list[Room], now: datetime) -> list[dict[str, Any]]:
    counts = room_counts(rooms, now)
    listing = []
    for room in rooms:
        policy = room.effective_policy()
        listing.append(
            {
                "room": room,
                "open": policy.is_open(now),
                "hours": policy.values["opening_hours"].replace("-", "–"),
                "counts": counts[room.pk],
                "in_use": sum(counts[room.pk][k] for k in ("held", "away", "reserved")),
            }
        )
    return listing


def _urgent(reader: Reader, mine: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """What this reader must act on now, most pressing first: someone's clock on their
    seat, their own clock run out (take the seat), a booking's check-in window, each as
    the seat's card with its button."""
    urgent = []
    hold, challenge = mine["hold"], mine["challenge"]
    if hold is not None:
        card = _card(hold.seat, reader, now)
        if card["view"].state == "challenged":
            urgent.append({"kind": "returning", "card": card})
    if challenge is not None and mine["challenge_ready"]:
        urgent.append({"kind": "claim", "card": _card(challenge.seat, reader, now)})
    for booking in reader_reservations(reader.pk, now):
        if booking.status == "booked" and booking.checkin_from <= now < booking.checkin_until:
            seat = Seat.objects.select_related("room__library").get(pk=booking.seat_id)
            urgent.append({"kind": "checkin", "card": _card(seat, reader, now)})
    return urgent


def home(request: HttpRequest) -> HttpResponse:
    """/: first what is urgent for me, then my seat, then the reading rooms as cards."""
    now = clock.now()
    rooms = list(Room.objects.select_related("library").filter(active=True))
    mine = _my_state(request, now)
    urgent = _urgent(request.user, mine, now) if mine else []  # type: ignore[arg-type]
    kinds = {item["kind"] for item in urgent}
    return render(
        request,
        "pages/home.html",
        {
            "rooms": _room_listing(rooms, now),
            "mine": mine,
            "urgent": urgent,
            "hold_is_urgent": "returning" in kinds,
            "now": now,
        },
    )


FIND_SEATS_SHOWN = 24


def find(request: HttpRequest) -> HttpResponse:
    """/find: the open rooms' free seats, each a link to its seat page (a list for now;
    the floor-plan maps replace it)."""
    now = clock.now()
    rooms = list(Room.objects.select_related("library").filter(active=True))
    asked = request.GET.get("room", "")
    if asked.isdigit() and any(r.pk == int(asked) for r in rooms):
        rooms = [r for r in rooms if r.pk == int(asked)]
    states = seat_states(rooms, now)
    free = [pk for pk, state in states.items() if state == "free"]
    seats_by_room: dict[int, list[Seat]] = {}
    for seat in Seat.objects.filter(pk__in=free).order_by("label"):
        seats_by_room.setdefault(seat.room_id, []).append(seat)
    listing = []
    for item in _room_listing(rooms, now):
        seats = seats_by_room.get(item["room"].pk, [])
        shown = seats if len(rooms) == 1 else seats[:FIND_SEATS_SHOWN]
        listing.append({**item, "free_seats": shown, "more": len(seats) - len(shown)})
    return render(
        request, "pages/find.html", {"rooms": listing, "one_room": len(rooms) == 1, "now": now}
    )


def login_page(request: HttpRequest) -> HttpResponse:
    error = ""
    inside_wechat = "MicroMessenger" in request.headers.get("User-Agent", "")
    if request.method == "GET" and inside_wechat and settings.WECHAT_ENABLED:
        # Inside WeChat, sign in silently by OAuth (docs/wechat.md); an unbound reader
        # signs in there once with card and password, which binds their WeChat too.
        return redirect(f"/wechat/bind?{urlencode({'next': _safe_next(request)})}")
    if request.method == "POST":
        try:
            sign_in(
                request,
                request.POST.get("card_number", "").strip(),
                request.POST.get("password", ""),
            )
        except Refusal as refusal:
            error = refusal_sentence(refusal)
        else:
            return redirect(_safe_next(request))
    status = 400 if error else 200
    return render(
        request,
        "pages/login.html",
        {
            "error": error,
            "next": _safe_next(request),
            "cas": bool(settings.CAS_SERVER_URL),
            "oidc": bool(settings.OIDC_ISSUER),
            # The card-number form: Seatback's password, and the LDAP password where set.
            "form": settings.LOCAL_SIGN_IN != "off" or bool(settings.LDAP_URL),
            "staff_only": settings.LOCAL_SIGN_IN == "staff" and not settings.LDAP_URL,
            "card_number": request.POST.get("card_number", "").strip()[:64],
        },
        status=status,
    )


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    # Signed in through CAS: end the campus session too (CAS /logout, single sign-out).
    if request.session.get(BACKEND_SESSION_KEY, "").endswith("CampusCASBackend"):
        return redirect("pages:cas-logout")
    logout(request)
    return redirect("pages:home")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Remember the reader's language in a cookie for a year."""
    chosen = request.POST.get("language", "")
    response: HttpResponse = HttpResponseRedirect(_safe_next(request))
    if chosen in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax"
        )
    else:
        messages_error = _("Unknown language.")
        response = HttpResponse(messages_error, status=400)
    return response


def _minutes(request: HttpRequest) -> int | None:
    """The step-out length asked for; anything that is not a whole number asks for 0,
    which the rule refuses with the allowed range."""
    value = request.POST.get("minutes", "").strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 0


def _perform(request: HttpRequest, seat: Seat, now: datetime) -> None:
    """Carry out the posted intent; leave the outcome or the refusal as a message."""
    reader: Reader = request.user  # type: ignore[assignment]
    intent = request.POST.get("intent", "")
    try:
        ratelimit.hit("intents", f"r{reader.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)
        found = presence_evidence(request, request.POST, seat.room_id)
        result = services.perform(
            seat, reader, intent, now=now, evidence=found, minutes=_minutes(request)
        )
    except Refusal as refusal:
        messages.error(request, refusal_sentence(refusal), extra_tags=f"refusal-{refusal.code}")
    else:
        messages.success(request, outcome_sentence(result.outcome))


def _unknown_seat(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/unknown_seat.html",
        {"message": Refusal("unknown_seat").message},
        status=404,
    )


def _old_label(request: HttpRequest, code: str, now: datetime) -> HttpResponse | None:
    """/s/{code} for a replaced code: says the label is out of date and counts the scan.
    None when `code` was never a seat's code (the caller shows the unknown-seat page)."""
    old = label_services.old_label_scanned(code, now=now)
    if old is None:
        return None
    # 410 Gone: the code existed and will not come back. The page names the seat so that
    # the reader can tell the librarian which sticker to replace, but offers no action on it.
    return render(request, "pages/old_label.html", {"old": old}, status=410)


def _card(seat: Seat, reader: Reader | None, now: datetime) -> dict[str, Any]:
    """A seat as this reader sees it now: words, buttons, countdown and change token."""
    # The change token is read before the situation: a change in between makes the
    # watcher reload once more, never miss it.
    version = live.token(seat.pk) if reader else ""
    return {
        "seat": seat,
        "view": seat_view(Situation.read(seat, reader, now)),
        "version": version,
        "here": reverse("pages:seat", args=[seat.code]),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def seat_page(request: HttpRequest, code: str) -> HttpResponse:
    """/s/{code}: the page a seat's QR code opens."""
    now = clock.now()
    seat = Seat.objects.select_related("room__library").filter(code=code, active=True).first()
    try:  # unknown codes count against whoever tries them: no guessing (issue 22)
        ratelimit.seat_code_looked_up(requester(request), found=seat is not None)
    except Refusal as refusal:
        return refusal_response(request, refusal)
    if seat is None:
        closed = (
            Seat.objects.select_related("room")
            .filter(code=code, active=False)
            .exclude(inactive_reason="")
            .first()
        )
        if closed is not None:
            # A seat a librarian closed with a reason: say why (still 404, like the API).
            return render(request, "pages/seat_closed.html", {"seat": closed}, status=404)
        return _old_label(request, code, now) or _unknown_seat(request)
    if request.method == "POST":
        here = reverse("pages:seat", args=[seat.code])
        if not request.user.is_authenticated:
            messages.error(request, Refusal("not_authenticated").message)
            return redirect(here)
        _perform(request, seat, now)
        return redirect(_safe_next(request, here))
    reader = request.user if request.user.is_authenticated else None
    card = _card(seat, reader, now)  # type: ignore[arg-type]
    return render(request, "pages/seat.html", {"card": card, "now": now})


def _history(reader: Reader) -> list[dict[str, Any]]:
    records = ScanRecord.objects.filter(reader=reader).select_related("seat__room")[:HISTORY_LENGTH]
    rows = []
    for record in records:
        if record.accepted:
            result = outcome_sentence(record.outcome)
        elif record.outcome in REFUSALS:
            result = str(REFUSALS[record.outcome][1])
        else:
            result = record.outcome
        rows.append(
            {
                "at": record.at,
                "seat": record.seat,
                "action": str(ACTION_LABELS.get(record.intent, record.intent)),
                "accepted": record.accepted,
                "result": result,
            }
        )
    return rows


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """/me: my clock and my seat with what I can do with them, and my recent scans."""
    now = clock.now()
    reader: Reader = request.user  # type: ignore[assignment]
    mine = _my_state(request, now)
    seat_ids = []
    for item in (mine["challenge"], mine["hold"]):
        if item is not None and item.seat_id not in seat_ids:
            seat_ids.append(item.seat_id)
    seats = Seat.objects.select_related("room__library").in_bulk(seat_ids)
    cards = [_card(seats[seat_id], reader, now) for seat_id in seat_ids]
    return render(
        request,
        "pages/me.html",
        {"mine": mine, "cards": cards, "history": _history(reader), "now": now},
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that was open too long (or from before signing in): say so
    in the reader's words and offer the page again, instead of Django's technical 403.
    Wired by settings.CSRF_FAILURE_VIEW."""
    return render(
        request,
        "pages/stale_form.html",
        {"again": request.path if request.path.startswith("/") else "/"},
        status=403,
    )
