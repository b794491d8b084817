"""Room displays: their keys, and the code a display shows now."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from seatback.library.models import Room
from seatback.presence.checks import rotating_code, window_ends, window_of
from seatback.presence.models import RoomDisplay, new_display_key


def display_of(room: Room, now: datetime, *, new_key: bool = False) -> RoomDisplay:
    """The room's display (made on first use); new_key=True replaces its key, so a display
    whose URL leaked stops working."""
    with transaction.atomic():
        display, created = RoomDisplay.objects.select_for_update().get_or_create(
            room=room, defaults={"created_at": now}
        )
        if new_key and not created:
            display.key = new_display_key()
            display.created_at = now
            display.save(update_fields=["key", "created_at"])
    return display


def display_url(display: RoomDisplay) -> str:
    path = reverse("screens:display", args=[display.room_id])
    return f"{settings.BASE_URL}{path}?key={display.key}"


def room_for_key(room_id: int, key: str) -> Room | None:
    """The room whose display key this is, or None (compared in constant time)."""
    display = RoomDisplay.objects.select_related("room__library").filter(room_id=room_id).first()
    if display is None or not key or not hmac.compare_digest(display.key, key):
        return None
    return display.room


@dataclass(frozen=True)
class ShownCode:
    code: str
    here_url: str  # the URL the QR code on the display opens
    changes_at: datetime  # when the next code is shown
    valid_until: datetime  # when this code stops being accepted
    seconds: int


def shown_code(room: Room, now: datetime) -> ShownCode:
    seconds = int(room.effective_policy().values["rotating_seconds"])
    window = window_of(now, seconds)
    code = rotating_code(room.pk, window, seconds)
    path = reverse("pages:here", args=[room.pk])
    return ShownCode(
        code=code,
        here_url=f"{settings.BASE_URL}{path}?c={code}",
        changes_at=window_ends(window, seconds),
        valid_until=window_ends(window + 1, seconds),
        seconds=seconds,
    )
