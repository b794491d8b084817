"""A reader's seat page (`GET /api/v1/seats/{code}` with a bearer token) answered by the
front (api/front.py) from the cache and one read of the database, exactly as Django
answers it: the same status, headers and body, in either language, in every state.

Requests go through the WSGI application as gunicorn calls it (tests/api/conftest.call);
Django's own answer to the same request, at the same instant, comes from Django's WSGI
handler without the fronts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.test import TestCase, override_settings
from prometheus_client import REGISTRY

from seatback.api.front import SharedReadFront
from seatback.library.models import Seat
from seatback.readers.models import Reader, cached_reader
from tests.api.conftest import Answer, at_clock, call, queries_of, token_of
from tests.conftest import PASSWORD, at

pytestmark = pytest.mark.django_db

ROUTE = "/api/v1/seats/<str:code>"


class CountingDjango:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.django = WSGIHandler()
        self.reached = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.reached += 1
        return self.django(environ, start_response)


@pytest.fixture
def django() -> CountingDjango:
    return CountingDjango()


@pytest.fixture
def front(django: CountingDjango) -> SharedReadFront:
    return SharedReadFront(django)


@pytest.mark.parametrize("language", ["zh-CN,zh;q=0.9", "en-GB,en;q=0.8"])
def test_the_page_is_django_s_answer_in_every_state(
    language: str,
    front: SharedReadFront,
    django: CountingDjango,
    seat: Seat,
    alice: Reader,
    bob: Reader,
    django_capture_on_commit_callbacks: TestCase.captureOnCommitCallbacks,
) -> None:
    at_clock(at("09:00"))
    as_alice = {**token_of(alice), "accept_language": language}
    as_bob = {**token_of(bob), "accept_language": language}
    path = f"/api/v1/seats/{seat.code}"
    # Django's answers: the front learns the headers, the seat and who the tokens name.
    assert call(path, app=front, **as_alice)[0] == "200 OK"
    assert call(path, app=front, **as_bob)[0] == "200 OK"
    assert django.reached == 2

    def both(who: dict[str, str]) -> tuple[Answer, Answer]:
        """The front's answer, then Django's to the same request; the front makes the
        view's own reads and nothing else (Django, given the same cache, makes the same)."""
        reached = django.reached
        answer, queries = queries_of(lambda: call(path, app=front, **who))
        assert django.reached == reached, "the front should have answered"
        djangos, django_queries = queries_of(lambda: call(path, app=django.django, **who))
        assert 0 < queries == django_queries
        return answer, djangos

    def scan(who: dict[str, str], intent: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            assert call(f"{path}/{intent}", "POST", **who)[0] == "200 OK"

    seen = []
    for step in ("free", "challenge by bob", "alice comes back", "alice steps out"):
        if step == "challenge by bob":
            scan(as_bob, "challenge")
        elif step == "alice comes back":
            scan(as_alice, "return")
        elif step == "alice steps out":
            at_clock(at("09:05"))
            scan(as_alice, "step-out")
        for who in (as_alice, as_bob):
            mine, djangos = both(who)
            assert mine == djangos, step
            seen.append(json.loads(mine[2])["state"])
    assert seen == ["free", "free", "challenged", "challenged", "held", "held", "away", "away"]
    english = language.startswith("en")
    assert (mine[1]["content-language"] == "en") is english
    assert mine[1]["content-length"] == str(len(mine[2]))


def test_a_session_s_page_and_a_stranger_go_to_django(
    front: SharedReadFront, django: CountingDjango, seat: Seat, alice: Reader
) -> None:
    from django.test import Client

    at_clock(at("09:00"))
    path = f"/api/v1/seats/{seat.code}"
    assert call(path, app=front, **token_of(alice))[0] == "200 OK"
    client = Client()
    assert client.login(card_number=alice.card_number, password=PASSWORD)
    cookie = {"cookie": f"sessionid={client.cookies['sessionid'].value}"}
    reached = django.reached
    # Twice: the first fills the cache with the session, as for the room reads.
    assert call(path, app=front, **cookie)[0] == "200 OK"
    assert call(path, app=front, **cookie)[0] == "200 OK"
    assert call(path, app=front, authorization="Bearer guessed")[0].startswith("401")
    assert call(path, app=front)[0].startswith("401")
    assert django.reached == reached + 4


@pytest.fixture
def alices_page(front: SharedReadFront, seat: Seat, alice: Reader) -> Callable[..., Answer]:
    """alice reading the seat's page through the front at 09:00, her first read (Django's,
    which the front learns from) done; more headers as keywords."""
    at_clock(at("09:00"))
    as_alice = token_of(alice)

    def read(
        path: str = f"/api/v1/seats/{seat.code}",
        environ_extra: dict[str, str] | None = None,
        **headers: str,
    ) -> Answer:
        return call(path, app=front, environ_extra=environ_extra, **as_alice, **headers)

    assert read()[0] == "200 OK"
    return read


def test_a_deactivated_reader_is_refused_at_once(
    alices_page: Callable[..., Answer], alice: Reader
) -> None:
    assert alices_page()[0] == "200 OK"
    get_user_model().objects.filter(pk=alice.pk).update(is_active=False)
    assert alices_page()[0].startswith("401")
    # The reader read again, inactive, and cached as it is now: still refused.
    assert cached_reader(alice.pk) is not None
    assert alices_page()[0].startswith("401")


def test_a_retired_code_is_not_answered_from_the_cache(
    alices_page: Callable[..., Answer], seat: Seat
) -> None:
    seat.active = False
    seat.save()
    status, _headers, body = alices_page()
    assert status.startswith("404")
    assert json.loads(body)["error"]["code"] == "unknown_seat"


@pytest.mark.usefixtures("frozen_minute")
def test_past_the_unknown_code_limit_the_page_is_refused_as_django_refuses_it(
    alices_page: Callable[..., Answer], django: CountingDjango, seat: Seat
) -> None:
    with override_settings(RATE_LIMIT_UNKNOWN_CODES_PER_MINUTE=2, RATE_LIMIT_READS_PER_MINUTE=5):
        for guess in ("AAAAAAAAAAAA", "BBBBBBBBBBBB"):
            assert alices_page(f"/api/v1/seats/{guess}")[0].startswith("404")
        reached = django.reached
        status, headers, body = alices_page()
        assert status.startswith("429")
        assert json.loads(body)["error"]["code"] == "rate_limited"
        assert headers["retry-after"] == "30"
        assert django.reached == reached + 1


@pytest.mark.usefixtures("frozen_minute")
def test_the_front_counts_each_page_against_the_read_limit(
    alices_page: Callable[..., Answer], django: CountingDjango
) -> None:
    with override_settings(RATE_LIMIT_READS_PER_MINUTE=3):  # alice's first read counted
        assert [alices_page()[0] for _ in range(2)] == ["200 OK"] * 2
        assert django.reached == 1  # those two: the front
        status, headers, _body = alices_page()
    assert status.startswith("429")
    assert headers["retry-after"] == "30"


def test_what_django_answers_otherwise_is_left_to_django(
    alices_page: Callable[..., Answer], django: CountingDjango
) -> None:
    assert alices_page()[0] == "200 OK"
    reached = django.reached
    # A control character in a cookie: 400, as CleanInputMiddleware refuses it.
    assert alices_page(cookie="note=a\x01b")[0].startswith("400")
    # A GET with a body past the upload limit: 413.
    too_long = {"CONTENT_LENGTH": str(10 * 1024 * 1024)}
    assert alices_page(environ_extra=too_long)[0].startswith("413")
    # A token with a session cookie that names no session: Django deletes the cookie.
    status, headers, _body = alices_page(cookie="sessionid=gone0000000000000000000000000000")
    assert status == "200 OK"
    assert 'sessionid=""' in headers["set-cookie"]
    assert django.reached == reached + 3


def test_answers_from_the_front_are_counted_under_django_s_route(
    front: SharedReadFront, django: CountingDjango, seat: Seat, alice: Reader
) -> None:
    def counted() -> float:
        labels = {"route": ROUTE, "status": "200"}
        return REGISTRY.get_sample_value("seatback_requests_total", labels) or 0.0

    at_clock(at("09:00"))
    as_alice = token_of(alice)
    before = counted()
    for _ in range(2):  # Django's answer (its middleware counts), then the front's
        assert call(f"/api/v1/seats/{seat.code}", app=front, **as_alice)[0] == "200 OK"
    assert django.reached == 1
    assert counted() - before == 2
