"""Seat codes cannot be guessed by the thousand (issue 22: signed in, a reader tried 700
codes in 4 seconds). Unknown codes count against the reader (signed out: the address);
past the limit every code lookup of theirs, known codes too, is a 429 for the minute."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.library.models import Seat
from seatback.readers.models import Reader
from tests.api.conftest import bearer, error_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _five_guesses(settings: object, frozen_minute: None) -> None:
    settings.RATE_LIMIT_UNKNOWN_CODES_PER_MINUTE = 5  # type: ignore[attr-defined]


def test_a_reader_guessing_codes_over_the_api_is_stopped(
    alice: Reader, bob: Reader, seat: Seat
) -> None:
    as_alice = bearer(alice)
    answers = [as_alice.get(f"/api/v1/seats/guess{n:04d}").status_code for n in range(8)]
    assert answers == [404] * 5 + [429] * 3

    for path in (f"/api/v1/seats/{seat.code}", f"/api/v1/seats/{seat.code}/watch"):
        refused = as_alice.get(path)  # a right guess now looks like a wrong one
        assert refused.status_code == 429
        assert error_of(refused)["code"] == "rate_limited"
        assert refused["Retry-After"] == "30"
    refused = as_alice.post(f"/api/v1/seats/{seat.code}/challenge", content_type="application/json")
    assert refused.status_code == 429

    assert bearer(bob).get(f"/api/v1/seats/{seat.code}").status_code == 200  # others are fine


def test_a_reader_looking_up_known_codes_is_never_stopped(alice: Reader, seat: Seat) -> None:
    as_alice = bearer(alice)
    assert all(as_alice.get(f"/api/v1/seats/{seat.code}").status_code == 200 for _ in range(20))


def test_guessing_seat_pages_is_stopped_signed_in_or_not(alice: Reader, seat: Seat) -> None:
    page = Client()
    page.force_login(alice)
    assert [page.get(f"/s/guess{n}").status_code for n in range(7)] == [404] * 5 + [429] * 2
    assert page.get(f"/s/{seat.code}").status_code == 429

    stranger = Client()
    assert [stranger.get(f"/s/nope{n}").status_code for n in range(6)] == [404] * 5 + [429]
