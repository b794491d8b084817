"""The shared-read front (api/front.py): the room list, a room's seat map and a seat's change
token answered from the cache before Django, exactly as Django answers them.

These requests go through the server's WSGI application (seatback.wsgi), as gunicorn
calls it, not through Django's test client (which would skip the front).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, TestCase, override_settings

from seatback.api.front import SharedReadFront
from seatback.core import clock
from seatback.library.models import Room, Seat
from seatback.readers.models import TOKEN_LIFETIME, ApiToken, Reader, reader_cache_key
from tests.api.conftest import Answer, at_clock, call, queries_of, token_of
from tests.conftest import PASSWORD, at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/rooms", "/api/v1/rooms/{room}/seats"])
def test_a_second_screen_gets_django_s_answer_without_a_query(
    path: str, room: Room, seat: Seat, alice: Reader, bob: Reader
) -> None:
    at_clock(at("09:00"))
    path = path.format(room=room.pk)
    first, first_queries = queries_of(lambda: call(path, **token_of(alice)))
    assert first[0] == "200 OK"
    assert first_queries > 0
    as_bob = token_of(bob)
    call(path, **as_bob)  # bob's token is now known to the cache
    again, again_queries = queries_of(lambda: call(path, **as_bob))
    assert again_queries == 0
    assert again == first  # the same status, headers and body


@pytest.fixture
def tokens(alice: Reader, bob: Reader) -> tuple[dict[str, str], dict[str, str]]:
    """alice's and bob's bearer tokens, as request headers."""
    return token_of(alice), token_of(bob)


def test_a_scan_shows_at_the_next_read_and_the_clock_moves_it_on(
    room: Room,
    seat: Seat,
    tokens: tuple[dict[str, str], dict[str, str]],
    django_capture_on_commit_callbacks: TestCase.captureOnCommitCallbacks,
) -> None:
    at_clock(at("09:00"))
    as_alice, as_bob = tokens
    path = f"/api/v1/rooms/{room.pk}/seats"

    def state() -> str:
        status, _headers, body = call(path, **as_bob)
        assert status == "200 OK"
        return next(s["state"] for s in json.loads(body) if s["id"] == seat.pk)

    assert state() == "free"
    assert state() == "free"  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        status, _h, _b = call(f"/api/v1/seats/{seat.code}/challenge", "POST", **as_alice)
    assert status == "200 OK"
    assert state() == "challenged"
    # The clock runs out with no scan to announce it: shown once the second changes.
    at_clock(at("12:00"))
    assert state() == "free"


def test_strangers_are_still_refused(room: Room, alice: Reader) -> None:
    at_clock(at("09:00"))
    call("/api/v1/rooms", **token_of(alice))  # an answer is in the cache now
    status, _headers, body = call("/api/v1/rooms")
    assert status.startswith("401")
    assert json.loads(body)["error"]["code"] == "not_authenticated"
    status, _headers, _body = call("/api/v1/rooms", authorization="Bearer guessed")
    assert status.startswith("401")


def test_a_revoked_token_is_refused_at_once(room: Room, alice: Reader) -> None:
    at_clock(at("09:00"))
    as_alice = token_of(alice)
    assert call("/api/v1/rooms", **as_alice)[0] == "200 OK"
    assert call("/api/v1/rooms", **as_alice)[0] == "200 OK"
    assert call("/api/v1/session", "DELETE", **as_alice)[0].startswith("204")
    assert call("/api/v1/rooms", **as_alice)[0].startswith("401")


def watched_through_the_front(seat: Seat, reader: Reader) -> tuple[str, dict[str, str]]:
    """The seat's watch path and the reader's token headers, after Django answered the watch
    once and the front once (so the front now knows the token's reader and the seat by
    their ids: its next answer takes one round trip to the cache)."""
    headers = token_of(reader)
    path = f"/api/v1/seats/{seat.code}/watch"
    assert call(path, **headers)[0] == "200 OK"  # Django
    assert queries_of(lambda: call(path, **headers))[1] == 0  # the front
    return path, headers


@pytest.mark.parametrize("after", ["revoked", "expired"])
def test_a_token_the_front_knew_is_refused_on_the_watch_once_revoked_or_expired(
    after: str, seat: Seat, alice: Reader
) -> None:
    at_clock(at("09:00"))
    path, as_alice = watched_through_the_front(seat, alice)
    if after == "revoked":
        assert call("/api/v1/session", "DELETE", **as_alice)[0].startswith("204")
    else:
        at_clock(at("09:00") + TOKEN_LIFETIME + timedelta(minutes=1))
    assert call(path, **as_alice)[0].startswith("401")


def test_a_deactivated_reader_is_refused_at_once(room: Room, alice: Reader) -> None:
    at_clock(at("09:00"))
    as_alice = token_of(alice)
    assert call("/api/v1/rooms", **as_alice)[0] == "200 OK"
    assert call("/api/v1/rooms", **as_alice)[0] == "200 OK"
    get_user_model().objects.filter(pk=alice.pk).update(is_active=False)
    assert call("/api/v1/rooms", **as_alice)[0].startswith("401")


def session_cookie_of(reader: Reader) -> dict[str, str]:
    client = Client()
    assert client.login(card_number=reader.card_number, password=PASSWORD)
    return {"cookie": f"sessionid={client.cookies['sessionid'].value}"}


def test_a_session_is_checked_as_django_checks_it(room: Room, alice: Reader) -> None:
    at_clock(at("09:00"))
    cookie = session_cookie_of(alice)
    first = call("/api/v1/rooms", **cookie)
    assert first[0] == "200 OK"
    again, queries = queries_of(lambda: call("/api/v1/rooms", **cookie))
    assert (again, queries) == (first, 0)
    alice.set_password("a new one")
    alice.save()
    # A changed password ends the session, as in Django: not answered from the cache.
    assert call("/api/v1/rooms", **cookie)[0].startswith("401")


def test_the_watch_poll_is_answered_from_the_cache_and_sees_a_change(
    django_capture_on_commit_callbacks: TestCase.captureOnCommitCallbacks,
    tokens: tuple[dict[str, str], dict[str, str]],
    seat: Seat,
) -> None:
    path = f"/api/v1/seats/{seat.code}/watch"
    as_alice, as_bob = tokens
    at_clock(at("09:00"))
    first = call(path, **as_alice)
    assert first[0] == "200 OK"
    again, queries = queries_of(lambda: call(path, **as_alice))
    assert queries == 0
    assert again == first  # same token, same server time, same headers
    with django_capture_on_commit_callbacks(execute=True):
        assert call(f"/api/v1/seats/{seat.code}/challenge", "POST", **as_bob)[0] == "200 OK"
    at_clock(at("09:01"))
    changed, queries = queries_of(lambda: call(path, **as_alice))
    assert queries == 0
    assert json.loads(changed[2])["v"] != json.loads(first[2])["v"]
    assert json.loads(changed[2])["server_time"].startswith("2")
    assert changed[1]["content-length"] == str(len(changed[2]))


def test_a_retired_code_is_not_watched_from_the_cache(seat: Seat, alice: Reader) -> None:
    at_clock(at("09:00"))
    as_alice = token_of(alice)
    path = f"/api/v1/seats/{seat.code}/watch"
    assert call(path, **as_alice)[0] == "200 OK"
    seat.active = False
    seat.save()
    assert call(path, **as_alice)[0].startswith("404")


def test_a_retired_code_is_not_watched_even_after_the_front_answered_it(
    seat: Seat, alice: Reader
) -> None:
    at_clock(at("09:00"))
    path, as_alice = watched_through_the_front(seat, alice)
    seat.active = False
    seat.save()
    assert call(path, **as_alice)[0].startswith("404")


@pytest.mark.usefixtures("frozen_minute")
def test_a_read_the_front_leaves_to_django_counts_once(room: Room, alice: Reader) -> None:
    """The front counts a read together with fetching the reader (one round trip); when the
    reader is not in the cache after all, it takes the count back and Django counts it."""
    at_clock(at("09:00"))
    alices = token_of(alice)
    with override_settings(RATE_LIMIT_READS_PER_MINUTE=2):
        first = call("/api/v1/rooms", **alices)
        cache.delete(reader_cache_key(alice.pk))  # evicted, or a write to the reader
        second = call("/api/v1/rooms", **alices)
        third = call("/api/v1/rooms", **alices)

    assert first[0].startswith("200") and second[0].startswith("200")
    assert third[0].startswith("429")


@pytest.mark.usefixtures("frozen_minute")
def test_a_read_left_to_django_after_the_front_knew_the_token_counts_once(
    room: Room, alice: Reader
) -> None:
    """Once the front has met a token it counts the read with everything else (one round
    trip); when the token's entry is gone after all, it takes the count back and Django
    counts it."""
    at_clock(at("09:00"))
    alices = token_of(alice)
    token = alices["authorization"].removeprefix("Bearer ")
    with override_settings(RATE_LIMIT_READS_PER_MINUTE=3):
        first = call("/api/v1/rooms", **alices)  # Django
        second = call("/api/v1/rooms", **alices)  # the front, which now knows the token
        cache.delete(ApiToken.cache_key(token))  # evicted
        third = call("/api/v1/rooms", **alices)  # the front takes its count back: Django
        fourth = call("/api/v1/rooms", **alices)

    assert [answer[0][:3] for answer in (first, second, third, fourth)] == [
        "200",
        "200",
        "200",
        "429",
    ]


class HeldRooms:
    """Django's stand-in: answers the room list once `release` is set; counts requests."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.arrived = threading.Event()
        self.reached = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.reached += 1
        self.arrived.set()
        self.release.wait(timeout=10)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'[{"id": 1}]']


def test_at_a_second_s_turn_one_room_read_asks_django_and_the_others_wait_for_it(
    alice: Reader, bob: Reader
) -> None:
    at_clock(at("09:00"))
    inner = HeldRooms()
    front = SharedReadFront(inner)
    alices, bobs = token_of(alice), token_of(bob)
    for headers in (alices, bobs):  # tokens the cache knows, as after any earlier request
        ApiToken.reader_for(headers["authorization"].removeprefix("Bearer "), clock.now())
    answers: list[Answer] = []

    def read(headers: dict[str, str]) -> None:
        answers.append(call("/api/v1/rooms", app=front, **headers))

    first = threading.Thread(target=read, args=(alices,))
    first.start()
    assert inner.arrived.wait(timeout=10)
    second = threading.Thread(target=read, args=(bobs,))
    second.start()
    _until(lambda: any(e._cond._waiters for e in list(front._asking.values())))  # type: ignore[attr-defined]
    inner.release.set()
    for thread in (first, second):
        thread.join(timeout=10)

    assert inner.reached == 1  # the second never reached Django
    assert [answer[2] for answer in answers] == [b'[{"id": 1}]'] * 2
    assert all(answer[0] == "200 OK" for answer in answers)


def _until(condition: Callable[[], bool]) -> None:
    """Wait (bounded, without sleeping) for another thread to reach a point."""
    for _ in range(50_000_000):
        if condition():
            return
    raise AssertionError("the other thread never got there")
