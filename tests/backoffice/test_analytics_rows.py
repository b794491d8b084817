"""The rows behind a figure: the records it counts, each seat linked to its timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from seatback.core import clock
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from tests.analytics.story import AFTER, play
from tests.conftest import DAY


@pytest.fixture
def played(
    seat: Seat, other_seat: Seat, alice: Reader, bob: Reader, carol: Reader, lin: Reader
) -> None:
    play(seat, other_seat, alice, bob, carol, lin)
    clock.travel_to(AFTER + timedelta(hours=9))


@pytest.mark.parametrize(
    ("figure", "count"),
    [
        ("clocks_started", 3),
        ("recovered_seconds", 2),
        ("holds_started", 2),
        ("step_outs", 1),
        ("bookings", 3),
        ("no_shows", 1),
        ("violations", 2),
    ],
)
def test_the_rows_are_the_ones_the_figure_counts(
    as_lin: Client, room: Room, played: None, figure: str, count: int
) -> None:
    page = as_lin.get(
        "/backoffice/analytics/rows/",
        {"figure": figure, "from": str(DAY), "to": str(DAY), "room": room.pk},
    )

    assert page.status_code == 200
    assert len(page.context["lines"]) == count


def test_the_library_wide_violations_include_those_without_a_seat(
    as_lin: Client, played: None
) -> None:
    page = as_lin.get(
        "/backoffice/analytics/rows/", {"figure": "violations", "from": str(DAY), "to": str(DAY)}
    )

    assert len(page.context["lines"]) == 3


def test_an_unknown_figure_is_not_found(as_lin: Client) -> None:
    assert as_lin.get("/backoffice/analytics/rows/", {"figure": "secrets"}).status_code == 404
