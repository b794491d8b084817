"""Analytics tests: the constructed history of story.py, in English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from django.utils import translation

from seatback.library.models import Seat
from seatback.readers.models import Reader
from tests.analytics.story import play


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def history(
    seat: Seat, other_seat: Seat, alice: Reader, bob: Reader, carol: Reader, lin: Reader
) -> datetime:
    """Plays the day; returns an instant after it (midnight)."""
    return play(seat, other_seat, alice, bob, carol, lin)
