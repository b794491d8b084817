"""/login: card number and password, then straight back to the seat; 30-day sessions."""

from __future__ import annotations

from django.conf import settings

from tests.conftest import PASSWORD
from tests.pages.conftest import page_text, primary_button, zh


def test_signing_in_from_a_seat_lands_back_on_the_seat(client_for, alice, seat):
    phone = client_for()
    response = phone.post(
        "/login",
        {"card_number": alice.card_number, "password": PASSWORD, "next": f"/s/{seat.code}"},
    )
    assert response.status_code == 302 and response["Location"] == f"/s/{seat.code}"
    response = phone.get(f"/s/{seat.code}")
    assert primary_button(response) == zh("Start the clock")


def test_the_session_lasts_thirty_days(client_for, alice):
    phone = client_for()
    phone.post("/login", {"card_number": alice.card_number, "password": PASSWORD})
    cookie = phone.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 30 * 24 * 3600


def test_a_wrong_password_says_so_and_keeps_the_way_back(client_for, alice, seat):
    response = client_for().post(
        "/login",
        {"card_number": alice.card_number, "password": "wrong", "next": f"/s/{seat.code}"},
    )
    assert response.status_code == 400
    assert zh("Card number or password is wrong.") in page_text(response)
    assert f'value="/s/{seat.code}"' in response.content.decode()


def test_a_foreign_next_is_ignored(client_for, alice):
    response = client_for().post(
        "/login",
        {"card_number": alice.card_number, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_the_sign_in_page_from_my_seat_carries_next(client_for):
    response = client_for().get("/login?next=/me")
    assert response.status_code == 200
    assert 'value="/me"' in response.content.decode()
