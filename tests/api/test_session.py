"""POST/DELETE /api/v1/session: sign in with card number and password (spec §3)."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from seatback.readers.models import ApiToken, Reader
from tests.api.conftest import error_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/session"


def sign_in(client: Client, card_number: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        URL,
        json.dumps({"card_number": card_number, "password": password}),
        content_type="application/json",
        **extra,
    )


def test_signing_in_returns_a_token_the_reader_and_a_session_cookie(alice: Reader) -> None:
    client = Client()
    response = sign_in(client, alice.card_number)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "reader"}
    assert body["reader"] == {
        "card_number": "20230001",
        "name": "Alice 李",
        "kind": "undergraduate",
        "department": "",
        "librarian": False,
    }
    assert len(body["token"]) >= 32
    assert response.cookies["sessionid"].value
    assert response.cookies["sessionid"]["httponly"]
    # the CSRF cookie a browser client needs for its unsafe requests comes along
    assert response.cookies["csrftoken"].value
    # the token is stored only as a digest
    assert not ApiToken.objects.filter(digest=body["token"]).exists()
    assert ApiToken.objects.filter(reader=alice).count() == 1


def test_the_token_and_the_cookie_each_identify_the_reader(alice: Reader) -> None:
    cookie_client = Client()
    token = sign_in(cookie_client, alice.card_number).json()["token"]

    by_cookie = cookie_client.get("/api/v1/me")
    by_token = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert by_cookie.status_code == by_token.status_code == 200
    assert by_cookie.json()["reader"]["card_number"] == alice.card_number
    assert by_token.json()["reader"]["card_number"] == alice.card_number


def test_a_librarian_is_marked_as_one(lin: Reader) -> None:
    assert sign_in(Client(), lin.card_number).json()["reader"]["librarian"] is True


@pytest.mark.parametrize(
    ("card_number", "password"),
    [("20230001", "wrong horse"), ("99999999", PASSWORD), ("20230001", "")],
)
def test_wrong_credentials_are_401_bad_credentials(
    alice: Reader, card_number: str, password: str
) -> None:
    response = sign_in(Client(), card_number, password)

    assert response.status_code == 401
    assert error_of(response)["code"] == "bad_credentials"
    assert "sessionid" not in response.cookies


def test_a_deactivated_reader_cannot_sign_in(alice: Reader) -> None:
    Reader.objects.filter(pk=alice.pk).update(is_active=False)
    assert sign_in(Client(), alice.card_number).status_code == 401


@pytest.mark.parametrize(
    "body",
    ["not json", "[1, 2]", '{"card_number": "20230001"}', '{"card_number": 1, "password": "x"}'],
)
def test_a_malformed_sign_in_is_400_invalid_request(alice: Reader, body: str) -> None:
    response = Client().post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"


@pytest.mark.usefixtures("frozen_minute")
@override_settings(RATE_LIMIT_LOGIN_ADDRESS_PER_MINUTE=3)
def test_too_many_sign_ins_from_one_address_are_429_with_retry_after(alice: Reader) -> None:
    client = Client()
    for _attempt in range(3):
        assert sign_in(client, alice.card_number, "guess").status_code == 401

    response = sign_in(client, alice.card_number)  # even the right password now waits

    assert response.status_code == 429
    error = error_of(response)
    assert (error["code"], error["retry_after"]) == ("rate_limited", 30)
    assert response["Retry-After"] == "30"
    # another address is not affected
    assert sign_in(Client(REMOTE_ADDR="10.9.9.9"), "20230002", "x").status_code == 401


@pytest.mark.usefixtures("frozen_minute")
@override_settings(RATE_LIMIT_LOGIN_PER_MINUTE=3)
def test_guessing_one_card_from_many_addresses_is_limited_but_never_the_owner(
    alice: Reader,
) -> None:
    """Issue 22: ten wrong passwords used to lock the card for its owner too."""
    guessers = [Client(REMOTE_ADDR=f"10.0.0.{n}") for n in range(4)]
    for guesser in guessers:
        assert sign_in(guesser, alice.card_number, "guess").status_code == 401
    for guesser in guessers[:3]:
        assert sign_in(guesser, alice.card_number, "guess2").status_code == 401

    response = sign_in(guessers[3], alice.card_number, "guess2")  # 4th wrong try a minute
    assert response.status_code == 429
    assert error_of(response)["code"] == "rate_limited"
    assert sign_in(guessers[0], alice.card_number).status_code == 429  # even if right

    owner = Client(REMOTE_ADDR="10.1.1.1")
    assert sign_in(owner, alice.card_number).status_code == 200


@override_settings(LOGIN_FREE_TRIES=3, LOGIN_MAX_DELAY_SECONDS=60)
def test_wrong_passwords_from_one_address_wait_longer_and_longer(
    alice: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from seatback.core import ratelimit

    wall = SimpleNamespace(now=1_740_000_000.0)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: wall.now))
    guesser = Client(REMOTE_ADDR="10.0.0.7")
    waits = []
    for _try in range(9):
        response = sign_in(guesser, alice.card_number, "guess")
        if response.status_code == 429:
            waits.append(int(response["Retry-After"]))
            wall.now += waits[-1]
            response = sign_in(guesser, alice.card_number, "guess")
        assert response.status_code == 401
    assert waits == [2, 4, 8, 16, 32]  # three free, then doubling
    wall.now += 64
    assert sign_in(guesser, alice.card_number, "guess").status_code == 401  # capped
    assert int(sign_in(guesser, alice.card_number).headers["Retry-After"]) == 60

    assert sign_in(Client(REMOTE_ADDR="10.0.0.8"), alice.card_number).status_code == 200
    wall.now += 60
    assert sign_in(guesser, alice.card_number).status_code == 200  # waited: in, and forgiven
    assert sign_in(guesser, alice.card_number, "typo").status_code == 401
    assert sign_in(guesser, alice.card_number).status_code == 200


def test_signing_out_revokes_the_bearer_token(alice: Reader) -> None:
    token = sign_in(Client(), alice.card_number).json()["token"]
    client = Client(headers={"Authorization": f"Bearer {token}"})

    assert client.delete(URL).status_code == 204

    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_signing_out_ends_the_cookie_session(alice: Reader) -> None:
    client = Client()
    sign_in(client, alice.card_number)
    csrf = client.cookies["csrftoken"].value

    assert client.delete(URL, headers={"X-CSRFToken": csrf}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_sign_in_accepts_only_post_and_delete(alice: Reader) -> None:
    response = Client().get(URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST, DELETE"


def test_a_sign_in_not_sent_as_json_is_refused_so_other_sites_cannot_sign_a_phone_in(
    alice: Reader,
) -> None:
    """A cross-site <form enctype="text/plain"> could otherwise post the attacker's card
    and password and sign the victim's phone in as the attacker (login CSRF)."""
    client = Client(enforce_csrf_checks=True)
    body = json.dumps({"card_number": alice.card_number, "password": PASSWORD})
    response = client.post(URL, body, content_type="text/plain")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"
    assert "sessionid" not in response.cookies
    assert client.get("/api/v1/me").status_code == 401


def test_a_body_nested_too_deep_is_a_clear_400_not_a_crash() -> None:
    response = Client().post(URL, "[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"


def test_a_nul_character_in_the_card_number_is_an_invalid_request(alice: Reader) -> None:
    """Refused at the door with every other character no database stores (issue 22)."""
    response = sign_in(Client(), "2023\x000001")
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"
