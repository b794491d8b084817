"""The room display and its code: a per-room key, rate limits, and a phone's proof (/here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client

from seatback.core import clock
from seatback.library.models import Room, Seat
from seatback.pages.presence_views import HERE_TRIES_PER_MINUTE
from seatback.presence.models import RoomDisplay
from seatback.presence.services import display_of
from seatback.readers.models import Reader
from seatback.screens.views import DISPLAY_POLLS_PER_MINUTE, WRONG_KEYS_PER_MINUTE
from seatback.seats.models import ScanRecord
from tests.commands.conftest import run
from tests.conftest import at
from tests.pages.conftest import page_text
from tests.presence.conftest import ask, code_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nine_am() -> None:
    clock.travel_to(at("09:00"))


@pytest.fixture
def display(room: Room) -> RoomDisplay:
    ask(room, presence="rotating", rotating_seconds=60)
    return display_of(room, clock.now())


def poll(client: Client, room: Room, key: str) -> object:
    return client.get(f"/display/rooms/{room.pk}/code", {"key": key})


def test_the_display_shows_the_current_code_and_a_qr_code_of_here(
    room: Room, display: RoomDisplay
) -> None:
    response = Client().get(f"/display/rooms/{room.pk}", {"key": display.key})

    code = code_for(room, at("09:00"))
    assert response.status_code == 200
    assert f"{code[:3]} {code[3:]}" in page_text(response)
    assert "<svg" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_code_poll_says_when_it_changes_and_until_when_it_counts(
    room: Room, display: RoomDisplay
) -> None:
    clock.travel_to(at("09:00") + timedelta(seconds=15))
    data = poll(Client(), room, display.key).json()  # type: ignore[attr-defined]

    assert data["code"] == code_for(room, at("09:00"))
    assert data["url"].endswith(f"/display/rooms/{room.pk}/here?c={data['code']}")
    assert data["qr"].startswith("<svg")
    assert data["seconds"] == 60
    assert data["changes_at"].startswith("2026-12-01T01:01:00")  # 09:01 local, in UTC
    assert data["valid_until"].startswith("2026-12-01T01:02:00")


@pytest.mark.parametrize("key", ["", "wrong", "x" * 32])
def test_without_the_rooms_key_there_is_no_code(room: Room, display: RoomDisplay, key: str) -> None:
    assert Client().get(f"/display/rooms/{room.pk}", {"key": key}).status_code == 404
    response = poll(Client(), room, key)
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert code_for(room, at("09:00")) not in response.content.decode()  # type: ignore[attr-defined]


def test_one_rooms_key_does_not_open_another_rooms_display(
    room: Room, display: RoomDisplay
) -> None:
    other = Room.objects.create(library=room.library, name="三楼", floor="3")
    display_of(other, clock.now())
    assert poll(Client(), other, display.key).status_code == 404  # type: ignore[attr-defined]


@pytest.mark.usefixtures("frozen_minute")
def test_wrong_keys_are_rate_limited_per_address(room: Room, display: RoomDisplay) -> None:
    client = Client()
    for _ in range(WRONG_KEYS_PER_MINUTE):
        assert poll(client, room, "guess").status_code == 404  # type: ignore[attr-defined]
    assert poll(client, room, "guess").status_code == 429  # type: ignore[attr-defined]


@pytest.mark.usefixtures("frozen_minute")
def test_polls_are_rate_limited_per_room(room: Room, display: RoomDisplay) -> None:
    for _ in range(DISPLAY_POLLS_PER_MINUTE):
        assert poll(Client(), room, display.key).status_code == 200  # type: ignore[attr-defined]
    response = poll(Client(), room, display.key)
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert response["Retry-After"] == "30"  # type: ignore[index]


def test_a_new_key_retires_the_old_address(room: Room, display: RoomDisplay) -> None:
    out, _err = run("display", "--room", room.name, "--new-key")

    display.refresh_from_db()
    assert f"/display/rooms/{room.pk}?key={display.key}" in out
    assert poll(Client(), room, display.key).status_code == 200  # type: ignore[attr-defined]
    again, _err = run("display", "--room", room.name)
    assert display.key in again


# /here: a phone brings the code from the screen ------------------------------------------


def test_here_asks_a_signed_out_phone_to_sign_in_first(room: Room, display: RoomDisplay) -> None:
    code = code_for(room, at("09:00"))
    response = Client().get(f"/display/rooms/{room.pk}/here", {"c": code})
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


def test_a_scanned_screen_lets_the_readers_seat_scans_in_that_room_pass_while_current(
    client_for: Callable[..., Client],
    room: Room,
    display: RoomDisplay,
    seat: Seat,
    alice: Reader,
) -> None:
    phone = client_for(alice, language="en")
    here = phone.get(f"/display/rooms/{room.pk}/here", {"c": code_for(room, at("09:00"))})
    assert here.status_code == 200
    assert "You are in the room" in page_text(here)
    assert "Until 09:02:00" in page_text(here)

    page = phone.get(f"/s/{seat.code}")
    assert "count as made in the room until 09:02:00" in page_text(page)

    clock.travel_to(at("09:01") + timedelta(seconds=30))
    done = phone.post(f"/s/{seat.code}", {"intent": "challenge"}, follow=True)
    assert "The clock is running" in page_text(done)

    clock.travel_to(at("09:02"))  # the code is two windows old: no longer proof
    refused = phone.post(f"/s/{seat.code}", {"intent": "withdraw"}, follow=True)
    assert "You stopped your clock" in page_text(refused)  # withdrawing needs no presence
    again = phone.post(f"/s/{seat.code}", {"intent": "challenge"}, follow=True)
    assert "Scan the QR code on the room's screen" not in page_text(again)
    assert "That code is not the one on the room's screen now" in page_text(again)
    assert [r.outcome for r in ScanRecord.objects.order_by("id")] == [
        "challenge_started",
        "withdrawn",
        "not_present",
    ]


def test_an_expired_code_on_here_is_not_kept(
    client_for: Callable[..., Client],
    room: Room,
    display: RoomDisplay,
    seat: Seat,
    alice: Reader,
) -> None:
    phone = client_for(alice, language="en")
    old = code_for(room, at("08:58"))
    response = phone.get(f"/display/rooms/{room.pk}/here", {"c": old})
    assert response.status_code == 400
    assert "This code has expired" in page_text(response)
    assert "presence_codes" not in phone.session


def test_a_typed_code_on_the_seat_page(
    client_for: Callable[..., Client],
    room: Room,
    display: RoomDisplay,
    seat: Seat,
    alice: Reader,
) -> None:
    phone = client_for(alice, language="en")
    page = phone.get(f"/s/{seat.code}")
    assert "Code on the room's screen" in page_text(page)
    code = code_for(room, at("09:00"))

    done = phone.post(
        f"/s/{seat.code}",
        {"intent": "challenge", "room_code": f"{code[:3]} {code[3:]}"},
        follow=True,
    )

    assert "The clock is running" in page_text(done)
    assert ScanRecord.objects.get().evidence["passed"] == ["rotating"]


def test_wrong_keys_past_the_limit_get_a_429_page_not_an_error(
    room: Room, display: RoomDisplay
) -> None:
    client = Client()
    for _ in range(WRONG_KEYS_PER_MINUTE):
        assert client.get(f"/display/rooms/{room.pk}", {"key": "guess"}).status_code == 404
    page = client.get(f"/display/rooms/{room.pk}", {"key": "guess"})
    assert page.status_code == 429
    assert page["Retry-After"]


@pytest.mark.usefixtures("frozen_minute")
def test_guessing_room_codes_on_here_is_rate_limited(
    client_for: Callable[..., Client], room: Room, display: RoomDisplay, alice: Reader
) -> None:
    phone = client_for(alice, language="en")
    right = code_for(room, clock.now())
    wrong = [
        f"{guess:06d}" for guess in range(HERE_TRIES_PER_MINUTE + 1) if f"{guess:06d}" != right
    ]
    for guess in wrong[:HERE_TRIES_PER_MINUTE]:
        assert phone.get(f"/display/rooms/{room.pk}/here", {"c": guess}).status_code == 400
    blocked = phone.get(f"/display/rooms/{room.pk}/here", {"c": right})
    assert blocked.status_code == 429
    assert "You are in the room" not in blocked.content.decode()
