"""What the Official Account answers: each message or event to one text reply.

Menu keys (CLICK events) and text keywords are a registry: library services that land
later (renewals, catalogue search, ISBN purchase requests, content) call `register` from
their app's ready() and take over their key; until then the key answers that the service
is not switched on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from seatback.content.services import mascot_reply
from seatback.library.models import Room, Seat
from seatback.library.policy import Policy
from seatback.officialaccount import services
from seatback.officialaccount.services import isbn_from_scan
from seatback.readers.models import Reader
from seatback.reservations.selectors import reader_reservations
from seatback.seats.selectors import reader_now, room_counts
from seatback.seats.services import local_time


@dataclass(frozen=True)
class Asking:
    """Who sent a message and when: the openid, its bound reader (or None), the time."""

    openid: str
    reader: Reader | None
    now: datetime


Handler = Callable[[Asking, str], str]

# Menu keys of services still to come: answered "not switched on" until they register.
PLANNED = {
    "RENEW": "renewals",
    "CATALOGUE": "catalogue search",
    "ISBN": "purchase requests",
    "CONTENT": "library news",
}
_menu: dict[str, Handler] = {}


def register(key: str, handler: Handler) -> None:
    """Let a library service answer a menu key (and, for ISBN, a scanned book barcode)."""
    _menu[key] = handler


def site_url(path: str) -> str:
    return settings.BASE_URL + path


def bind_link() -> str:
    return site_url(reverse("wechat:bind"))


def _seat_link(seat: Seat) -> str:
    return site_url(reverse("pages:seat", args=[seat.code]))


def help_text(asking: Asking) -> str:
    lines = [
        _("This account can:"),
        _("· send 座位 (my seat) for your seat and its clock"),
        _("· send a reading room's name for its free seats"),
        _("· scan a seat's code from the menu to open it"),
    ]
    if asking.reader is None:
        lines.append(_("Bind your library card first: %(link)s") % {"link": bind_link()})
    return "\n".join(lines)


def my_seat(asking: Asking, _arg: str = "") -> str:
    if asking.reader is None:
        return _("Bind your library card to see your seat: %(link)s") % {"link": bind_link()}
    hold, challenge = reader_now(asking.reader, asking.now)
    parts: list[str] = []
    if hold is not None:
        seat = hold.seat
        parts.append(
            _("Your seat: %(room)s %(seat)s.") % {"room": seat.room.name, "seat": seat.label}
        )
        pending = seat.challenges.filter(status="pending", claim_until__gt=asking.now).first()
        if pending is not None and pending.deadline > asking.now:
            parts.append(
                _("Someone started the clock on it: tap “I'm back” before %(time)s.")
                % {"time": local_time(pending.deadline)}
            )
        elif hold.is_away(asking.now) and hold.away_until:
            parts.append(
                _("You stepped out until %(time)s.") % {"time": local_time(hold.away_until)}
            )
        else:
            parts.append(_("No clock is running on it."))
        parts.append(_seat_link(seat))
    if challenge is not None:
        seat = challenge.seat
        parts.append(
            _("Your clock on %(room)s %(seat)s runs until %(time)s.")
            % {"room": seat.room.name, "seat": seat.label, "time": local_time(challenge.deadline)}
        )
    if not parts:
        return _("You hold no seat now. Send a room's name to find a free one.")
    return "\n".join(parts)


def free_seats(asking: Asking, _arg: str = "") -> str:
    rooms = list(Room.objects.filter(active=True))
    counts = room_counts(rooms, asking.now)
    lines = [_("Free seats now:")]
    lines += [f"{room.name}: {counts[room.pk]['free']}" for room in rooms]
    return "\n".join(lines)


def room_seats(room: Room, now: datetime) -> str:
    free = room_counts([room], now)[room.pk]["free"]
    if not free:
        return _("%(room)s has no free seat now.") % {"room": room.name}
    return _("%(room)s has %(count)d free seats now.") % {"room": room.name, "count": free}


def my_reservations(asking: Asking, _arg: str = "") -> str:
    if asking.reader is None:
        return _("Bind your library card to see your bookings: %(link)s") % {"link": bind_link()}
    bookings = reader_reservations(asking.reader.pk, asking.now)
    if not bookings:
        return _("You have no bookings.")
    lines = [_("Your bookings:")]
    for booking in bookings[:5]:
        lines.append(
            f"{booking.seat.room.name} {booking.seat.label} "
            f"{booking.start.astimezone(Policy.zone()):%m-%d %H:%M}"
        )
    return "\n".join(lines)


def not_switched_on(_asking: Asking, key: str) -> str:
    return _("This service is not switched on yet.")


MENU: dict[str, Handler] = {
    "MY_SEAT": my_seat,
    "FREE_SEATS": free_seats,
    "MY_RESERVATIONS": my_reservations,
    "HELP": lambda asking, _arg: help_text(asking),
}


def click(asking: Asking, key: str) -> str:
    handler = _menu.get(key) or MENU.get(key)
    if handler is not None:
        return handler(asking, key)
    if key in PLANNED:
        return not_switched_on(asking, key)
    return help_text(asking)


MY_SEAT_WORDS = {"座位", "我的座位", "seat", "my seat"}


def text(asking: Asking, content: str) -> str:
    said = re.sub(r"[\s。.!！?？]+$", "", content.strip())
    if said.lower() in MY_SEAT_WORDS:
        return my_seat(asking)
    room = Room.objects.filter(name=said, active=True).first() if said else None
    if room is not None:
        return room_seats(room, asking.now)
    # Anything else: the mascots' rules (docs/content.md), else what the account can do.
    reply = mascot_reply(said) if said else None
    if reply is not None and reply.matched:
        return f"{reply.avatar} {reply.mascot}：{reply.text}"
    return help_text(asking)


def seat_from_scene(scene: str) -> Seat | None:
    """The seat a parametric QR (scene `seat:<code>`) or a label's URL names."""
    code = ""
    if scene.startswith("seat:"):
        code = scene.removeprefix("seat:")
    else:
        match = re.search(r"/s/([A-Za-z0-9_-]{4,40})/?$", scene)
        code = match.group(1) if match else ""
    return Seat.objects.filter(code=code).select_related("room").first() if code else None


def open_seat(seat: Seat) -> str:
    return _("%(room)s %(seat)s: open it here %(link)s") % {
        "room": seat.room.name,
        "seat": seat.label,
        "link": _seat_link(seat),
    }


def event(asking: Asking, message: dict[str, Any]) -> str:
    name = str(message.get("Event") or "")
    key = str(message.get("EventKey") or "")
    if name == "subscribe":
        welcome = _("Welcome to the library.") + "\n" + help_text(asking)
        seat = seat_from_scene(key.removeprefix("qrscene_")) if key else None
        return open_seat(seat) + "\n\n" + welcome if seat is not None else welcome
    if name == "SCAN":
        seat = seat_from_scene(key)
        return open_seat(seat) if seat is not None else help_text(asking)
    if name == "CLICK":
        return click(asking, key)
    if name in ("scancode_waitmsg", "scancode_push"):
        info = message.get("ScanCodeInfo") or {}
        result = str(info.get("ScanResult") or "") if isinstance(info, dict) else ""
        seat = seat_from_scene(result)
        if seat is not None:
            return open_seat(seat)
        isbn = isbn_from_scan(result)
        if isbn is not None:
            handler = _menu.get("ISBN")
            return handler(asking, isbn) if handler else not_switched_on(asking, "ISBN")
        return _("This code is not a seat of this library.")
    # VIEW, unsubscribe, subscribe_msg_popup_event, location…: nothing to say.
    return ""


def answer(message: dict[str, Any], now: datetime) -> str:
    """The text reply to one message ("" for none: WeChat is answered `success`)."""
    openid = str(message.get("FromUserName") or "")
    asking = Asking(openid, services.reader_for(openid), now)
    kind = str(message.get("MsgType") or "")
    if kind == "text":
        return text(asking, str(message.get("Content") or ""))
    if kind == "voice":
        recognised = str(message.get("Recognition") or "")
        if not recognised:
            return _("Sorry, I could not make out what you said. Please type it.")
        return text(asking, recognised)
    if kind == "event":
        return event(asking, message)
    return help_text(asking)
