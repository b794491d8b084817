"""Seat codes: the URL a seat's QR code opens, and the order labels are printed in.

Giving seats new codes is seatback.labels.services.reissue."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings

from seatback.library.models import Seat


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
