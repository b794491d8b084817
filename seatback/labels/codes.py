"""Seat codes: the URL a seat's QR code opens, choosing seats to print, giving new codes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from seatback.library.models import Seat, new_seat_code


def seat_url(code: str) -> str:
    """What a seat's QR code opens: {BASE_URL}/s/{code} (spec §2)."""
    return f"{settings.BASE_URL}/s/{code}"


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """'A-2' sorts before 'A-10': digit runs compare as numbers."""
    return tuple(
        (0, int(part)) if part.isdecimal() else (1, part.lower())
        for part in re.split(r"(\d+)", text)
        if part
    )


def in_print_order(seats: Iterable[Seat]) -> list[Seat]:
    """Floor, room name, then label, numbers in labels compared as numbers."""
    return sorted(
        seats,
        key=lambda seat: (natural_key(seat.room.floor), seat.room.name, natural_key(seat.label)),
    )


def revoke(seats: Iterable[Seat]) -> list[tuple[Seat, str]]:
    """Give each seat a new code, in one transaction; returns (seat, old code) pairs.

    The old code then opens the unknown-seat page: a printed label that was copied, moved
    or stolen stops working, and the seat needs a new label.
    """
    changed: list[tuple[Seat, str]] = []
    with transaction.atomic():
        for seat in seats:
            old = seat.code
            seat.code = new_seat_code()
            seat.save(update_fields=["code"])
            changed.append((seat, old))
    return changed
