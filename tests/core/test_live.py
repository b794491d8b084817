"""Live change tokens: a seat's token changes when the seat changes, and a cache outage
after a committed scan does not turn it into an error."""

from __future__ import annotations

import pytest
from django.test import TestCase, override_settings

from seatback.core import live
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge
from seatback.seats.services import perform
from tests.conftest import at

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_a_change_gives_the_seat_a_new_token(
    seat: Seat, alice: Reader, django_capture_on_commit_callbacks: TestCase.captureOnCommitCallbacks
) -> None:
    before = live.token(seat.pk)
    assert live.token(seat.pk) == before  # stable while nothing happens
    with django_capture_on_commit_callbacks(execute=True):
        perform(seat, alice, "challenge", now=at("09:00"))
    assert live.token(seat.pk) != before


@pytest.mark.filterwarnings("ignore")
def test_a_cache_outage_after_commit_does_not_undo_or_fail_the_scan(
    seat: Seat, alice: Reader, django_capture_on_commit_callbacks: TestCase.captureOnCommitCallbacks
) -> None:
    with override_settings(CACHES=DEAD_REDIS), django_capture_on_commit_callbacks(execute=True):
        outcome = perform(seat, alice, "challenge", now=at("09:00"))
    assert outcome.outcome == "challenge_started"
    assert Challenge.objects.filter(seat=seat, status="pending").count() == 1
