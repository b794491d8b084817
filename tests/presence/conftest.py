"""Presence test helpers: a room that asks for presence, and codes from its screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from django.utils import translation

from seatback.library.models import Room
from seatback.library.policy_changes import change_policy
from seatback.presence.checks import rotating_code, window_of
from tests.pages.conftest import client_for  # noqa: F401  (phones signed in, for page tests)

ROOM_POSITION = (31.2304, 121.4737)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def ask(room: Room, **values: object) -> Room:
    """Set the room's presence policy (validated like `seatback policy set`)."""
    change_policy(room, dict(values))
    room.refresh_from_db()
    return room


def code_for(room: Room, when: datetime, seconds: int = 60) -> str:
    return rotating_code(room.pk, window_of(when, seconds), seconds)
