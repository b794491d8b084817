"""The live headcount page: people inside per building and floor, today's passages, the
capacity warning, and who never went out."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.gates.models import Building, Gate
from seatback.gates.services import Incoming, accept_events
from tests.conftest import DAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(db: None) -> Building:
    return Building.objects.create(name="逸夫楼", capacity=4, warn_percent=75)


def swipe(gate: Gate, *passages: tuple[str, str, str]) -> None:
    events = [
        Incoming(f"{gate.code}-{card}-{hhmm}", direction, card, at(hhmm))
        for direction, card, hhmm in passages
    ]
    accept_events(gate, events, now=at("09:00"), via="simulate")


def test_the_page_counts_people_inside_and_warns_near_capacity(
    as_lin: Client, building: Building
) -> None:
    entrance = Gate.objects.create(code="east-1", name="East", building=building)
    third = Gate.objects.create(code="f3", name="3F", building=building, floor="3")
    swipe(entrance, ("in", "C1", "08:00"), ("in", "C2", "08:10"), ("in", "C3", "08:20"))
    swipe(entrance, ("out", "C3", "08:40"), ("in", "C4", "08:41"), ("in", "C5", "08:42"))
    swipe(third, ("in", "C1", "08:05"))

    page = as_lin.get("/backoffice/headcount/").content.decode()

    assert "<strong data-inside>4</strong>" in page  # C1, C2, C4, C5
    assert "逸夫楼 is full: 4 people inside, capacity 4." in page
    assert "Floor 3: 1" in page
    assert "<td>5</td><td>1</td>" in page  # five entries and one exit today
    index = as_lin.get("/backoffice/").content.decode()
    assert "逸夫楼 is full" in index


def test_the_page_lists_who_never_went_out_on_a_day(as_lin: Client, building: Building) -> None:
    entrance = Gate.objects.create(code="east-1", name="East", building=building)
    swipe(entrance, ("in", "C1", "08:00"), ("in", "C2", "08:10"), ("out", "C1", "17:00"))

    page = as_lin.get(f"/backoffice/headcount/?day={DAY}").content.decode()

    assert "C2" in page and "08:10" in page
    assert "<td>C1</td>" not in page


def test_a_reader_cannot_see_the_headcount(client_for, alice) -> None:  # type: ignore[no-untyped-def]
    assert client_for(alice).get("/backoffice/headcount/").status_code == 403


def test_librarians_are_warned_before_the_building_is_full(
    as_lin: Client, building: Building
) -> None:
    Building.objects.filter(pk=building.pk).update(capacity=5, warn_percent=60)
    entrance = Gate.objects.create(code="east-1", name="East", building=building)
    swipe(entrance, ("in", "C1", "08:00"), ("in", "C2", "08:10"))

    assert "nearly full" not in as_lin.get("/backoffice/").content.decode()  # 2 of 5: 40 %

    swipe(entrance, ("in", "C3", "08:20"))  # 3 of 5: 60 %

    index = as_lin.get("/backoffice/").content.decode()
    assert "逸夫楼 is nearly full: 3 people inside, capacity 5." in index
    assert "nearly full" in as_lin.get("/backoffice/headcount/").content.decode()
