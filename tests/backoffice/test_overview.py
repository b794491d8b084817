"""The live overview of a room: counts and a seat grid by x/y, refreshed from a JSON
endpoint the page polls."""

from __future__ import annotations

from django.test import Client

from seatback.core import clock
from seatback.library.models import Seat
from seatback.seats import services
from tests.conftest import at
from tests.pages.conftest import page_text


def test_the_overview_shows_counts_and_each_seat_where_it_stands(
    as_lin: Client, room, seat, other_seat, alice, bob
):
    closed = Seat.objects.create(room=room, label="B-001", x=1, y=3, active=False)
    services.perform(seat, alice, "challenge", now=at("08:50"))
    response = as_lin.get(f"/backoffice/rooms/{room.pk}/")
    text = page_text(response)
    assert "Free 1 In use 0 Clock running 1" in text
    body = response.content.decode()
    assert f'data-seat="{seat.pk}" href="/backoffice/seats/{seat.pk}/"' in body
    assert 'class="seat seat-challenged"' in body
    assert 'class="seat seat-disabled"' in body and closed.label in body
    assert f'data-url="/backoffice/rooms/{room.pk}/live.json"' in body
    assert "backoffice/live.js" in body


def test_the_json_follows_changes(as_lin: Client, room, seat, other_seat, alice, bob):
    first = as_lin.get(f"/backoffice/rooms/{room.pk}/live.json").json()
    assert first["seats"] == {str(seat.pk): "free", str(other_seat.pk): "free"}
    assert first["counts"]["free"] == 2
    services.perform(seat, alice, "challenge", now=at("09:00"))
    services.perform(seat, bob, "return", now=at("09:01"))
    clock.travel_to(at("09:02"))
    second = as_lin.get(f"/backoffice/rooms/{room.pk}/live.json").json()
    assert second["seats"][str(seat.pk)] == "held"
    assert second["counts"] == {"free": 1, "held": 1, "challenged": 0, "reserved": 0, "away": 0}
    assert second["at"].startswith("2026-12-01T01:02")
    assert second["time"].startswith("09:02:")  # the library's zone, for the page


def test_the_home_page_lists_rooms_with_counts(as_lin: Client, room, seat, other_seat):
    text = page_text(as_lin.get("/backoffice/"))
    assert "二楼自习室 2 2 0 0 0" in text


def test_every_back_office_page_offers_sign_out(as_lin: Client) -> None:
    body = as_lin.get("/backoffice/").content.decode()
    assert 'action="/logout"' in body and "Sign out" in page_text(as_lin.get("/backoffice/"))
    as_lin.post("/logout")
    assert as_lin.get("/backoffice/").status_code in (302, 403)
