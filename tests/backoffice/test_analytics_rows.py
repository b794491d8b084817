"""The rows behind a figure: the records it counts, each seat linked to its timeline."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.library.models import Room
from tests.analytics.story import played  # noqa: F401 (a fixture)
from tests.conftest import DAY

pytestmark = pytest.mark.usefixtures("played")


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
    as_lin: Client, room: Room, figure: str, count: int
) -> None:
    page = as_lin.get(
        "/backoffice/analytics/rows/",
        {"figure": figure, "from": str(DAY), "to": str(DAY), "room": room.pk},
    )

    assert page.status_code == 200
    assert len(page.context["lines"]) == count


def test_the_library_wide_violations_include_those_without_a_seat(as_lin: Client) -> None:
    page = as_lin.get(
        "/backoffice/analytics/rows/", {"figure": "violations", "from": str(DAY), "to": str(DAY)}
    )

    assert len(page.context["lines"]) == 3


def test_an_unknown_figure_is_not_found(as_lin: Client) -> None:
    assert as_lin.get("/backoffice/analytics/rows/", {"figure": "secrets"}).status_code == 404
