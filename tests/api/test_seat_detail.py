"""GET /api/v1/seats/{code}: the seat as the current reader sees it (spec §3)."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from tests.api.conftest import assert_instant, at_clock, error_of
from tests.conftest import at
from tests.seats.scans import scan, seat_held_by

pytestmark = pytest.mark.django_db

SPEC_KEYS = {
    "code",
    "label",
    "room",
    "state",
    "holder",
    "challenge",
    "reservation",
    "actions",
    "server_time",
}
# Documented in the OpenAPI schema beyond the spec's list: when a return's cooldown ends.
EXTRA_KEYS = {"cooldown_until"}


def get_seat(client: Client, seat: Seat) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/seats/{seat.code}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == SPEC_KEYS | EXTRA_KEYS
    return body  # type: ignore[no-any-return]


def test_a_free_seat(room: Room, seat: Seat, as_alice: Client) -> None:
    at_clock(at("09:00"))

    body = get_seat(as_alice, seat)

    assert body["code"] == seat.code
    assert body["label"] == "A-001"
    assert body["room"] == {"id": room.pk, "name": "二楼自习室"}
    assert body["state"] == "free"
    assert (body["holder"], body["challenge"], body["reservation"]) == (None, None, None)
    assert body["actions"] == ["challenge"]
    assert body["cooldown_until"] is None
    assert_instant(body["server_time"], at("09:00"))


def test_a_held_seat_tells_its_holder_it_is_theirs_and_nobody_who_holds_it(
    seat: Seat, bob: Reader, as_alice: Client, as_bob: Client
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    at_clock(at("09:00"))

    for client, mine, actions in [
        (as_bob, True, ["release", "step-out"]),
        (as_alice, False, ["challenge"]),
    ]:
        body = get_seat(client, seat)
        assert body["state"] == "held"
        assert set(body["holder"]) == {"mine", "since", "away_until"}
        assert body["holder"]["mine"] is mine
        assert_instant(body["holder"]["since"], at("08:00"))
        assert body["holder"]["away_until"] is None
        assert body["actions"] == actions
    assert "Bob" not in str(get_seat(as_alice, seat))
    assert bob.card_number not in str(get_seat(as_alice, seat))


def test_a_challenged_seat_shows_the_clock_to_everyone(
    seat: Seat, alice: Reader, bob: Reader, as_alice: Client, as_bob: Client, as_carol: Client
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("11:20"))
    at_clock(at("11:25"))

    for client, mine, actions in [
        (as_alice, True, ["withdraw"]),
        (as_bob, False, ["return", "release"]),
        (as_carol, False, []),
    ]:
        body = get_seat(client, seat)
        assert body["state"] == "challenged"
        assert set(body["challenge"]) == {"mine", "started_at", "deadline", "claim_until"}
        assert body["challenge"]["mine"] is mine
        assert_instant(body["challenge"]["started_at"], at("11:20"))
        assert_instant(body["challenge"]["deadline"], at("13:10"))  # lunch skipped
        assert_instant(body["challenge"]["claim_until"], at("13:25"))
        assert body["actions"] == actions
    assert "Alice" not in str(get_seat(as_bob, seat))


def test_after_the_deadline_the_challenger_is_offered_the_claim(
    seat: Seat, alice: Reader, as_alice: Client
) -> None:
    scan(seat, alice, "challenge", at("09:00"))
    at_clock(at("09:20"))

    assert get_seat(as_alice, seat)["actions"] == ["claim", "withdraw"]


def test_an_away_holder(seat: Seat, bob: Reader, as_alice: Client, as_bob: Client) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, bob, "step-out", at("09:00"))
    at_clock(at("09:10"))

    body = get_seat(as_alice, seat)
    assert body["state"] == "away"
    assert_instant(body["holder"]["away_until"], at("09:30"))
    assert body["actions"] == []
    assert get_seat(as_bob, seat)["actions"] == ["return", "release"]


def test_a_seat_in_its_cooldown_says_until_when(
    seat: Seat, alice: Reader, bob: Reader, as_carol: Client
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))
    scan(seat, bob, "return", at("09:05"))
    at_clock(at("09:06"))

    body = get_seat(as_carol, seat)
    assert body["actions"] == []
    assert_instant(body["cooldown_until"], at("09:15"))


def test_a_closed_room(seat: Seat, as_alice: Client) -> None:
    at_clock(at("23:00"))
    body = get_seat(as_alice, seat)
    assert (body["state"], body["actions"]) == ("closed", [])


def test_an_unknown_or_retired_code_is_404_unknown_seat(seat: Seat, as_alice: Client) -> None:
    response = as_alice.get("/api/v1/seats/not-a-code")
    assert response.status_code == 404
    assert error_of(response)["code"] == "unknown_seat"

    Seat.objects.filter(pk=seat.pk).update(active=False)
    assert as_alice.get(f"/api/v1/seats/{seat.code}").status_code == 404


def test_reading_a_seat_records_no_scan(seat: Seat, as_alice: Client) -> None:
    """Opening the page is not a scan: only intents are evidence."""
    from seatback.seats.models import ScanRecord

    get_seat(as_alice, seat)
    assert ScanRecord.objects.count() == 0
