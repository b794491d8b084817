"""/building: floors, then rooms, each with free/total and a bar."""

from __future__ import annotations

import pytest

from seatback.library.models import Room, Seat
from seatback.seats.models import Hold
from tests.conftest import at
from tests.pages.conftest import page_text

pytestmark = pytest.mark.django_db


def test_floors_then_rooms_with_free_of_total(client_for, seat, other_seat, bob, library):
    third = Room.objects.create(library=library, name="三楼阅览室", floor="3")
    Seat.objects.create(room=third, label="C-001", x=1, y=1)
    Hold.objects.create(
        seat=seat, reader=bob, source=Hold.Source.CHECKIN, since=at("08:00"), closes_at=at("22:00")
    )
    response = client_for(language="en").get("/building")
    text = page_text(response)
    assert "2 of 3 seats free in the building." in text
    assert (
        text.index("Floor 2")
        < text.index("二楼自习室")
        < text.index("Floor 3")
        < text.index("三楼阅览室")
    )
    assert "1/2 free" in text and "1/1 free" in text
    body = response.content.decode()
    assert 'aria-label="50% in use"' in body and "width:50%" in body
    assert f'href="/rooms/{seat.room_id}/map"' in body
