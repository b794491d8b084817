"""Who is asking: a bearer token, or the session cookie with CSRF on unsafe methods (§3).

These run across views: reading a seat, scanning one, and signing out.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from seatback.core import clock
from seatback.library.models import Seat
from seatback.readers.models import ApiToken, Reader
from seatback.seats.models import Challenge
from tests.api.conftest import at_clock, error_of
from tests.conftest import PASSWORD, at

pytestmark = pytest.mark.django_db


def signed_in_browser(reader: Reader) -> Client:
    """A browser-like client: signed in by cookie, and Django's CSRF checks enforced."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/session",
        json.dumps({"card_number": reader.card_number, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200
    return client


def test_without_credentials_everything_but_sign_in_and_the_schema_is_401(seat: Seat) -> None:
    client = Client()
    for method, url in [
        ("get", "/api/v1/me"),
        ("get", "/api/v1/rooms"),
        ("get", f"/api/v1/rooms/{seat.room_id}/seats"),
        ("get", f"/api/v1/seats/{seat.code}"),
        ("get", f"/api/v1/seats/{seat.code}/watch"),
        ("post", f"/api/v1/seats/{seat.code}/challenge"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 401, url
        assert error_of(response)["code"] == "not_authenticated"
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert Challenge.objects.count() == 0


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Token abc", "Basic YTpi"])
def test_an_unknown_or_malformed_token_is_401(alice: Reader, header: str) -> None:
    response = Client().get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_token_lasts_30_days(alice: Reader) -> None:
    at_clock(at("09:00"))
    token = ApiToken.issue(alice, clock.now())
    client = Client(headers={"Authorization": f"Bearer {token}"})

    clock.travel(timedelta(days=29, hours=23))
    assert client.get("/api/v1/me").status_code == 200
    clock.travel(timedelta(hours=1))
    assert client.get("/api/v1/me").status_code == 401


def test_a_token_of_a_deactivated_reader_stops_working(alice: Reader) -> None:
    token = ApiToken.issue(alice, clock.now())
    Reader.objects.filter(pk=alice.pk).update(is_active=False)
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )


def reader_queries(client: Client, url: str) -> list[str]:
    """The statements a GET of `url` sent to the token and reader tables."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    tables = (ApiToken._meta.db_table, Reader._meta.db_table)
    return [q["sql"] for q in queries if any(f'"{table}"' in q["sql"] for table in tables)]


def test_a_known_token_or_session_is_checked_without_a_query(alice: Reader, bob: Reader) -> None:
    by_token = Client(headers={"Authorization": f"Bearer {ApiToken.issue(alice, clock.now())}"})
    by_cookie = signed_in_browser(bob)
    for client in (by_token, by_cookie):
        assert reader_queries(client, "/api/v1/rooms")  # the first time: looked up
        assert reader_queries(client, "/api/v1/rooms") == []  # then: from the cache


def test_a_ban_or_a_deactivation_shows_at_once_though_the_reader_was_cached(
    alice: Reader,
) -> None:
    at_clock(at("09:00"))
    client = Client(headers={"Authorization": f"Bearer {ApiToken.issue(alice, clock.now())}"})
    assert client.get("/api/v1/me").json()["ban"] is None
    Reader.objects.filter(pk=alice.pk).update(banned_until=at("18:00"), ban_reason="三次未签到")
    assert client.get("/api/v1/me").json()["ban"]["reason"] == "三次未签到"
    alice.refresh_from_db()
    alice.is_active = False
    alice.save()
    assert client.get("/api/v1/me").status_code == 401


def test_a_cookie_signed_in_post_without_csrf_is_refused_and_changes_nothing(
    seat: Seat, alice: Reader
) -> None:
    client = signed_in_browser(alice)
    at_clock(at("09:00"))

    response = client.post(f"/api/v1/seats/{seat.code}/challenge")

    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert Challenge.objects.count() == 0


def test_a_cookie_signed_in_post_with_the_csrf_header_works(seat: Seat, alice: Reader) -> None:
    client = signed_in_browser(alice)
    at_clock(at("09:00"))

    response = client.post(
        f"/api/v1/seats/{seat.code}/challenge",
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )

    assert response.status_code == 200
    assert response.json()["outcome"] == "challenge_started"


def test_a_form_encoded_post_with_csrf_is_a_clear_400_not_a_server_error(
    seat: Seat, alice: Reader
) -> None:
    """The API speaks JSON; a browser form post is told so (it used to crash: the CSRF
    check consumed the multipart body before the view read it)."""
    client = signed_in_browser(alice)
    at_clock(at("09:00"))
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        f"/api/v1/seats/{seat.code}/step-out",
        {"minutes": "5"},
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"
    assert Challenge.objects.count() == 0


def test_a_wrong_csrf_token_is_refused(seat: Seat, alice: Reader) -> None:
    client = signed_in_browser(alice)
    at_clock(at("09:00"))

    response = client.post(
        f"/api/v1/seats/{seat.code}/challenge", headers={"X-CSRFToken": "x" * 64}
    )

    assert response.status_code == 403
    assert Challenge.objects.count() == 0


def test_cookie_signed_in_reads_need_no_csrf(seat: Seat, alice: Reader) -> None:
    client = signed_in_browser(alice)
    assert client.get(f"/api/v1/seats/{seat.code}").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_signing_out_by_cookie_needs_csrf(alice: Reader) -> None:
    client = signed_in_browser(alice)

    assert client.delete("/api/v1/session").status_code == 403
    assert client.get("/api/v1/me").status_code == 200
    csrf = client.cookies["csrftoken"].value
    assert client.delete("/api/v1/session", headers={"X-CSRFToken": csrf}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401


def test_a_bearer_token_needs_no_csrf_even_when_checks_are_enforced(
    seat: Seat, alice: Reader
) -> None:
    token = ApiToken.issue(alice, clock.now())
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})
    at_clock(at("09:00"))

    response = client.post(f"/api/v1/seats/{seat.code}/challenge", content_type="application/json")

    assert response.status_code == 200


def test_a_bearer_token_wins_over_a_cookie(alice: Reader, bob: Reader) -> None:
    client = signed_in_browser(alice)
    token = ApiToken.issue(bob, clock.now())

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.json()["reader"]["card_number"] == bob.card_number
