"""/find/seat: free seats by feature, floor and room, nearest to the door first; the
nearest free seat with a socket in two taps."""

from __future__ import annotations

import pytest

from seatback.library.models import Seat
from seatback.plans import services as plan_services
from seatback.plans import shapes
from seatback.seats.models import Hold
from tests.conftest import at
from tests.pages.conftest import page_text
from tests.plans.conftest import ROOM

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(room, lin, bob):
    """A-001 far from the door (top right), A-002 near it, A-003 by the door but taken."""
    near = Seat.objects.create(room=room, label="A-002", x=3.5, y=4.5, features=["power", "window"])
    far = Seat.objects.create(room=room, label="A-001", x=10.5, y=1.5, features=["power"])
    taken = Seat.objects.create(room=room, label="A-003", x=6, y=7, features=["power"])
    plan_services.import_plan(lin, room, shapes.clean(ROOM | {"seats": {}}), now=at("08:00"))
    Hold.objects.create(
        seat=taken, reader=bob, source=Hold.Source.CHECKIN, since=at("08:00"), closes_at=at("22:00")
    )
    return near, far, taken


def test_free_seats_with_the_features_nearest_first(client_for, planned):
    near, far, taken = planned
    text = page_text(client_for(language="en").get("/find/seat?feature=power"))
    assert "A-003" not in text
    assert text.index("A-002") < text.index("A-001")
    assert "m from the door" in text
    only_window = page_text(client_for(language="en").get("/find/seat?feature=window"))
    assert "A-002" in only_window and "A-001" not in only_window


def test_the_nearest_with_a_socket_takes_two_taps(client_for, planned):
    near, _far, _taken = planned
    response = client_for().get("/find/seat?feature=power&go=1")
    assert response.status_code == 302
    assert response["Location"] == f"/rooms/{near.room_id}/map?to={near.pk}"


def test_no_match_says_so(client_for, planned):
    text = page_text(client_for(language="en").get("/find/seat?feature=standing"))
    assert "No free seat matches" in text
