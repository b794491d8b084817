"""GET /api/v1/me: the reader, their hold, pending challenge, reservations, violations, ban."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.library.models import Seat
from seatback.readers.models import Reader
from tests.api.conftest import assert_instant, at_clock, bearer
from tests.conftest import at
from tests.seats.scans import scan, seat_held_by

pytestmark = pytest.mark.django_db

KEYS = {
    "reader", "hold", "challenge", "reservations", "violations", "ban", "notices", "server_time",
}  # fmt: skip


def test_a_reader_with_nothing_going_on(alice: Reader, as_alice: Client) -> None:
    at_clock(at("09:00"))

    body = as_alice.get("/api/v1/me").json()

    assert set(body) == KEYS
    assert body["reader"]["card_number"] == alice.card_number
    assert body["reader"]["name"] == "Alice 李"
    assert (body["hold"], body["challenge"], body["ban"]) == (None, None, None)
    assert (body["reservations"], body["violations"]) == ([], [])
    assert_instant(body["server_time"], at("09:00"))


def test_the_readers_hold_and_pending_challenge(
    seat: Seat, other_seat: Seat, alice: Reader, as_alice: Client
) -> None:
    seat_held_by(other_seat, alice, at("08:00"))
    scan(other_seat, alice, "step-out", at("09:00"))
    scan(seat, alice, "challenge", at("09:05"))
    at_clock(at("09:10"))

    body = as_alice.get("/api/v1/me").json()

    hold = body["hold"]
    assert hold["seat"] == {"code": other_seat.code, "label": "A-002", "room": "二楼自习室"}
    assert_instant(hold["since"], at("08:00"))
    assert_instant(hold["away_until"], at("09:30"))
    assert_instant(hold["ends_at"], at("22:30"))
    challenge = body["challenge"]
    assert challenge["seat"]["label"] == "A-001"
    assert_instant(challenge["started_at"], at("09:05"))
    assert_instant(challenge["deadline"], at("09:25"))
    assert_instant(challenge["claim_until"], at("09:40"))


def test_what_ran_out_is_gone(
    seat: Seat, other_seat: Seat, alice: Reader, as_alice: Client
) -> None:
    seat_held_by(other_seat, alice, at("08:00"))
    scan(other_seat, alice, "step-out", at("09:00"))
    scan(seat, alice, "challenge", at("09:05"))
    at_clock(at("09:40"))  # the claim window closed; the step-out ran out

    body = as_alice.get("/api/v1/me").json()
    assert body["challenge"] is None
    assert body["hold"]["away_until"] is None

    at_clock(at("22:30"))
    assert as_alice.get("/api/v1/me").json()["hold"] is None


def test_a_banned_reader_sees_until_when_and_why(alice: Reader) -> None:
    Reader.objects.filter(pk=alice.pk).update(banned_until=at("18:00"), ban_reason="三次未签到")
    client = bearer(alice)
    at_clock(at("09:00"))

    ban = client.get("/api/v1/me").json()["ban"]

    assert ban == {"until": "2026-12-01T18:00:00+08:00", "reason": "三次未签到"}
    at_clock(at("18:00"))
    assert client.get("/api/v1/me").json()["ban"] is None


def test_me_shows_only_the_readers_own_things(
    seat: Seat, alice: Reader, bob: Reader, as_bob: Client
) -> None:
    scan(seat, alice, "challenge", at("09:00"))
    at_clock(at("09:01"))

    body = as_bob.get("/api/v1/me").json()
    assert (body["reader"]["card_number"], body["challenge"]) == (bob.card_number, None)
