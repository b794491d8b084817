"""The what-if page: a librarian runs the simulator on a room's records and sees the
validation error and the predicted figures; bad values are said, not run."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.library.models import Library, Room
from tests.analytics import story
from tests.analytics.test_calibration import TRUE


@pytest.fixture
def recorded_room(library: Library) -> Room:
    return story.recorded_room(library, 7, TRUE)


def test_the_form_offers_the_rooms_current_values(as_lin: Client, recorded_room: Room) -> None:
    page = as_lin.get("/backoffice/analytics/simulate/")

    assert page.status_code == 200
    assert page.context["values"]["leave_allowance_minutes"] == "20"


def test_a_run_shows_the_validation_and_the_prediction(as_lin: Client, recorded_room: Room) -> None:
    values = {**as_lin.get("/backoffice/analytics/simulate/").context["values"]}
    values.update(room=recorded_room.pk, days="7", seed="1", leave_allowance_minutes="10")

    page = as_lin.post("/backoffice/analytics/simulate/", values)

    assert page.status_code == 200
    assert page.context["result"].changes == {"leave_allowance_minutes": 10}
    assert page.context["error_percent"] is not None
    text = page.content.decode()
    assert "mean error" in text and "readers who lose a seat while on a break" in text


def test_a_bad_value_is_said(as_lin: Client, recorded_room: Room) -> None:
    page = as_lin.post(
        "/backoffice/analytics/simulate/",
        {"room": recorded_room.pk, "days": "7", "seed": "1", "leave_allowance_minutes": "-1"},
    )

    assert page.status_code == 400
    assert "leave_allowance_minutes" in page.context["error"]
