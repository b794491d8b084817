"""/display/screens/{id}?key=…: the entrance screen and its poll; the key is needed, wrong
keys and polls are limited."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.core import clock
from seatback.plans.models import Screen
from seatback.screens import entrance_views
from tests.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def screen(db) -> Screen:
    return Screen.objects.create(name="大厅", floor="", created_at=at("08:00"))


def test_the_screen_shows_each_floor_with_its_key(seat, other_seat, screen):
    clock.travel_to(at("09:00"))
    response = Client().get(f"/display/screens/{screen.pk}?key={screen.key}")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "大厅" in response.content.decode() and "<svg" in response.content.decode()  # the QR
    data = Client().get(f"/display/screens/{screen.pk}/data?key={screen.key}").json()
    assert data["floors"][0]["floor"] == "2"
    assert data["floors"][0]["counts"]["free"] == 2
    assert "server_time" in data
    assert seat.code not in str(data)


def test_a_floor_screen_shows_its_floor_only(seat, library):
    from seatback.library.models import Room

    Room.objects.create(library=library, name="三楼", floor="3")
    screen = Screen.objects.create(name="三楼屏", floor="3", created_at=at("08:00"))
    data = Client().get(f"/display/screens/{screen.pk}/data?key={screen.key}").json()
    assert [f["floor"] for f in data["floors"]] == ["3"]


def test_without_the_key_there_is_nothing(screen, frozen_minute, monkeypatch):
    monkeypatch.setattr(entrance_views, "WRONG_KEYS_PER_MINUTE", 2)
    client = Client()
    assert client.get(f"/display/screens/{screen.pk}?key=wrong").status_code == 404
    assert client.get(f"/display/screens/{screen.pk}/data").status_code == 404
    assert client.get(f"/display/screens/{screen.pk}?key=wrong").status_code == 429


def test_polls_are_limited_per_screen(screen, frozen_minute, monkeypatch):
    monkeypatch.setattr(entrance_views, "SCREEN_POLLS_PER_MINUTE", 2)
    url = f"/display/screens/{screen.pk}/data?key={screen.key}"
    assert [Client().get(url).status_code for _ in range(3)] == [200, 200, 429]
