"""Queueing notices and wording them for the reader."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from seatback.library.policy import Policy
from seatback.notifications import outbox
from seatback.notifications.models import Notice
from seatback.readers.models import Reader, Violation

# Kinds of notice worded by the apps above (catalogue's purchase requests, …), registered
# from their AppConfig.ready(): kind -> the notice's sentence in the active language.
_wordings: dict[str, Callable[[Notice], str]] = {}


def register_wording(kind: str, sentence: Callable[[Notice], str]) -> None:
    _wordings[kind] = sentence


def queue(reader: Reader, kind: str, *, key: str, now: datetime, **params: Any) -> bool:
    """Queue a notice once: a second call with the same key changes nothing."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                reader=reader, kind=kind, key=key, created_at=now, params=params
            )
            outbox.fan_out(notice, now)
    except IntegrityError:
        return False
    return True


def _time(value: Any) -> str:
    moment = parse_datetime(str(value)) if value else None
    if moment is None:
        return ""
    return moment.astimezone(Policy.zone()).strftime("%m-%d %H:%M")


def sentence(notice: Notice) -> str:
    """The notice in the active language."""
    p = notice.params
    if notice.kind == Notice.Kind.STARTS_SOON:
        return _(
            "Your booking of %(room)s %(seat)s starts at %(start)s; check in from %(from)s."
        ) % {
            "room": p.get("room", ""),
            "seat": p.get("seat", ""),
            "start": _time(p.get("start")),
            "from": _time(p.get("checkin_from")),
        }
    if notice.kind == Notice.Kind.CHECKIN_DEADLINE:
        return _("Check in at %(room)s %(seat)s by %(until)s, or the seat is released.") % {
            "room": p.get("room", ""),
            "seat": p.get("seat", ""),
            "until": _time(p.get("checkin_until")),
        }
    if notice.kind == Notice.Kind.NO_SHOW:
        return _(
            "You did not check in at %(room)s %(seat)s (%(start)s): the seat was released."
        ) % {
            "room": p.get("room", ""),
            "seat": p.get("seat", ""),
            "start": _time(p.get("start")),
        }
    if notice.kind == Notice.Kind.ANNOUNCEMENT:
        return _("New notice: %(title)s") % {"title": p.get("title", "")}
    if notice.kind == Notice.Kind.LECTURE_REMINDER:
        return _("The lecture “%(title)s” starts at %(start)s in %(place)s.") % {
            "title": p.get("title", ""),
            "start": _time(p.get("start")),
            "place": p.get("place", ""),
        }
    if notice.kind == Notice.Kind.LECTURE_PLACE:
        return _("A place freed up: you are now registered for “%(title)s” (%(start)s).") % {
            "title": p.get("title", ""),
            "start": _time(p.get("start")),
        }
    if notice.kind == Notice.Kind.SPACE_INVITE:
        return _(
            "%(organiser)s booked %(space)s at %(start)s with you: confirm by %(until)s, or the "
            "booking is released."
        ) % {
            "organiser": p.get("organiser", ""),
            "space": p.get("space", ""),
            "start": _time(p.get("start")),
            "until": _time(p.get("confirm_by")),
        }
    if notice.kind == Notice.Kind.VIOLATION:
        kinds = dict(Violation.Kind.choices)
        return _("A violation was recorded: %(kind)s.") % {
            "kind": kinds.get(p.get("violation"), "")
        }
    if notice.kind == Notice.Kind.SEAT_CHALLENGED:
        return _(
            "Someone started the clock on your seat %(room)s %(seat)s: come back and tap "
            "“I'm back” before %(deadline)s, or the seat passes on."
        ) % {
            "room": p.get("room", ""),
            "seat": p.get("seat", ""),
            "deadline": _time(p.get("deadline")),
        }
    if notice.kind == Notice.Kind.CLOCK_ENDING:
        return _("The clock on your seat %(room)s %(seat)s runs out at %(deadline)s.") % {
            "room": p.get("room", ""),
            "seat": p.get("seat", ""),
            "deadline": _time(p.get("deadline")),
        }
    if notice.kind == Notice.Kind.HOLDER_RETURNED:
        return _("The person sitting at %(room)s %(seat)s came back: the seat stays theirs.") % {
            "room": p.get("room", ""),
            "seat": p.get("seat", ""),
        }
    if notice.kind == Notice.Kind.CLAIMABLE:
        return _("Nobody came back to %(room)s %(seat)s: you can take it until %(until)s.") % {
            "room": p.get("room", ""),
            "seat": p.get("seat", ""),
            "until": _time(p.get("claim_until")),
        }
    if notice.kind == Notice.Kind.BANNED:
        return _("Your account is suspended until %(until)s.") % {"until": _time(p.get("until"))}
    if notice.kind in _wordings:
        return _wordings[notice.kind](notice)
    return str(notice.get_kind_display())  # type: ignore[attr-defined]
