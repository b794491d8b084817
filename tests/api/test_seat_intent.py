"""POST /api/v1/seats/{code}/{intent}: the rule over HTTP, its refusals and their codes (§3)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client, override_settings

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, Hold, ScanRecord
from tests.api.conftest import CJK, assert_instant, at_clock, bearer, error_of
from tests.conftest import at
from tests.seats.scans import scan, seat_held_by

pytestmark = pytest.mark.django_db


def post(client: Client, seat: Seat | str, intent: str, body: dict | None = None, **headers: str):  # type: ignore[no-untyped-def, type-arg]
    code = seat if isinstance(seat, str) else seat.code
    return client.post(
        f"/api/v1/seats/{code}/{intent}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=headers,
    )


def test_a_challenge_answers_with_the_outcome_and_the_seat_as_now_seen(
    seat: Seat, as_alice: Client
) -> None:
    at_clock(at("09:00"))

    response = post(as_alice, seat, "challenge")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"outcome", "seat"}
    assert body["outcome"] == "challenge_started"
    assert body["seat"]["code"] == seat.code
    assert body["seat"]["state"] == "challenged"
    assert body["seat"]["challenge"]["mine"] is True
    assert_instant(body["seat"]["challenge"]["deadline"], at("09:20"))
    assert body["seat"]["actions"] == ["withdraw"]


def test_the_whole_story_over_http(
    seat: Seat, bob: Reader, as_alice: Client, as_bob: Client
) -> None:
    """bob sits, steps out and comes back; alice's clock is answered, then she takes the seat."""
    seat_held_by(seat, bob, at("08:00"))
    steps: list[tuple[str, Client, str, dict[str, Any] | None, str, str]] = [
        ("09:00", as_bob, "step-out", {"minutes": 10}, "stepped_out", "away"),
        ("09:05", as_bob, "return", None, "returned", "held"),
        ("09:06", as_alice, "challenge", None, "challenge_started", "challenged"),
        ("09:10", as_bob, "return", None, "returned", "held"),
        ("09:20", as_alice, "challenge", None, "challenge_started", "challenged"),
        ("09:40", as_alice, "claim", None, "claimed", "held"),
        ("09:41", as_alice, "release", None, "released", "free"),
    ]
    for when, client, intent, body, outcome, state in steps:
        at_clock(at(when))
        response = post(client, seat, intent, body)
        assert response.status_code == 200, (when, intent, response.content)
        assert (response.json()["outcome"], response.json()["seat"]["state"]) == (outcome, state)
    assert [h.end_reason for h in Hold.objects.order_by("since")] == ["claimed", "released"]


def test_withdraw_over_http(seat: Seat, as_alice: Client) -> None:
    at_clock(at("09:00"))
    post(as_alice, seat, "challenge")
    response = post(as_alice, seat, "withdraw")
    assert response.json()["outcome"] == "withdrawn"
    assert response.json()["seat"]["state"] == "free"


@dataclass(frozen=True)
class Case:
    """A refusal: arrange the seat, then `who` scans at `when`."""

    code: str
    status: int
    who: str
    intent: str
    when: str
    arrange: Callable[[Seat, Seat, dict[str, Reader]], None] = lambda seat, other, r: None
    body: dict[str, Any] | None = None
    retry_after: int | None = None
    on: str = "seat"


def bob_sits(seat: Seat, other: Seat, r: dict[str, Reader]) -> None:
    seat_held_by(seat, r["bob"], at("08:00"))


def alice_challenges(seat: Seat, other: Seat, r: dict[str, Reader]) -> None:
    scan(seat, r["alice"], "challenge", at("09:00"))


def bob_sits_and_alice_challenges(seat: Seat, other: Seat, r: dict[str, Reader]) -> None:
    bob_sits(seat, other, r)
    alice_challenges(seat, other, r)


def bob_steps_out(seat: Seat, other: Seat, r: dict[str, Reader]) -> None:
    bob_sits(seat, other, r)
    scan(seat, r["bob"], "step-out", at("09:00"))


def bob_returns(seat: Seat, other: Seat, r: dict[str, Reader]) -> None:
    bob_sits_and_alice_challenges(seat, other, r)
    scan(seat, r["bob"], "return", at("09:05"))


def alice_banned(seat: Seat, other: Seat, r: dict[str, Reader]) -> None:
    Reader.objects.filter(pk=r["alice"].pk).update(banned_until=at("12:00"))


CASES = [
    Case("banned", 403, "alice", "challenge", "09:00", alice_banned),
    Case("unknown_seat", 404, "alice", "challenge", "09:00", on="no-such-code"),
    Case("invalid_intent", 400, "alice", "sit-forever", "09:00"),
    Case("room_closed", 409, "alice", "challenge", "23:00"),
    Case("room_closed", 409, "alice", "challenge", "22:15"),
    Case("protected_window", 409, "alice", "challenge", "12:00", retry_after=3600),
    Case("seat_challenged", 409, "carol", "challenge", "09:05", alice_challenges),
    Case("holder_away", 409, "alice", "challenge", "09:10", bob_steps_out, retry_after=1200),
    Case("has_active_challenge", 409, "alice", "challenge", "09:05", alice_challenges, on="other"),
    Case("cooldown", 409, "carol", "challenge", "09:10", bob_returns, retry_after=300),
    Case("too_early", 409, "alice", "claim", "09:05", alice_challenges, retry_after=900),
    Case("challenge_expired", 409, "alice", "claim", "09:35", alice_challenges),
    Case("challenge_expired", 409, "bob", "return", "09:20", bob_sits_and_alice_challenges),
    Case("not_challenger", 403, "carol", "claim", "09:20", alice_challenges),
    Case("not_challenger", 403, "carol", "withdraw", "09:05", alice_challenges),
    Case("nothing_to_return", 409, "alice", "return", "09:00"),
    Case("not_holder", 403, "carol", "return", "09:05", bob_sits_and_alice_challenges),
    Case("not_holder", 403, "carol", "release", "09:00", bob_sits),
    Case("already_yours", 409, "bob", "challenge", "09:00", bob_sits),
    Case("not_reserved", 409, "alice", "checkin", "09:00"),
    Case("invalid_request", 400, "bob", "step-out", "09:00", bob_sits, body={"minutes": 99}),
    Case("invalid_request", 400, "bob", "step-out", "09:00", bob_sits, body={"minutes": "5"}),
    Case("invalid_request", 400, "bob", "step-out", "09:00", bob_sits, body={"minutes": True}),
]


# Sentences added to the source after the catalogue was last translated; the translation
# test (tests/core/test_translations.py) asks for them. Remove each once it has Chinese.
@pytest.fixture
def everyone(alice: Reader, bob: Reader, carol: Reader) -> dict[str, Reader]:
    return {"alice": alice, "bob": bob, "carol": carol}


def refuse(
    case: Case, seat: Seat, other_seat: Seat, everyone: dict[str, Reader], **headers: str
) -> Any:
    case.arrange(seat, other_seat, everyone)
    client = bearer(Reader.objects.get(pk=everyone[case.who].pk), **headers)
    at_clock(at(case.when))
    target = {"seat": seat, "other": other_seat}.get(case.on, case.on)
    return post(client, target, case.intent, case.body)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.code}-{c.intent}-{c.when}")
def test_each_refusal_has_its_code_status_and_a_chinese_message_by_default(
    case: Case, seat: Seat, other_seat: Seat, everyone: dict[str, Reader]
) -> None:
    response = refuse(case, seat, other_seat, everyone)

    assert response.status_code == case.status, response.content
    error = error_of(response)
    assert error["code"] == case.code
    assert response["Content-Language"] == "zh-hans"
    assert CJK.search(error["message"]), error["message"]
    if case.retry_after is None:
        assert "retry_after" not in error
        assert not response.has_header("Retry-After")
    else:
        assert error["retry_after"] == case.retry_after
        assert response["Retry-After"] == str(error["retry_after"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.code}-{c.intent}-{c.when}")
def test_each_refusal_message_is_english_when_asked(
    case: Case, seat: Seat, other_seat: Seat, everyone: dict[str, Reader]
) -> None:
    response = refuse(case, seat, other_seat, everyone, **{"Accept-Language": "en-US,en;q=0.9"})

    error = error_of(response)
    assert error["code"] == case.code
    assert not CJK.search(error["message"]), error["message"]
    assert response["Content-Language"] == "en"


def test_messages_name_the_local_times_a_reader_needs(
    seat: Seat, other_seat: Seat, everyone: dict[str, Reader]
) -> None:
    case = Case("too_early", 409, "alice", "claim", "09:05", alice_challenges)
    response = refuse(case, seat, other_seat, everyone, **{"Accept-Language": "en"})
    assert "09:20" in error_of(response)["message"]


def test_a_refused_intent_changes_no_seat(seat: Seat, bob: Reader, as_carol: Client) -> None:
    seat_held_by(seat, bob, at("08:00"))
    at_clock(at("09:00"))

    assert post(as_carol, seat, "release").status_code == 403

    assert Hold.objects.get().ended_at is None


def test_every_scan_over_http_is_recorded_with_address_and_client(
    seat: Seat, alice: Reader
) -> None:
    client = bearer(alice, **{"User-Agent": "Mozilla/5.0 MicroMessenger/8.0.50"})
    client.defaults["REMOTE_ADDR"] = "10.20.30.40"
    at_clock(at("09:00"))

    post(client, seat, "challenge")
    at_clock(at("09:05"))
    post(client, seat, "claim")

    records = list(ScanRecord.objects.order_by("at"))
    assert [(r.intent, r.outcome, r.accepted) for r in records] == [
        ("challenge", "challenge_started", True),
        ("claim", "too_early", False),
    ]
    for record, when in zip(records, [at("09:00"), at("09:05")], strict=True):
        assert (record.reader, record.seat) == (alice, seat)
        assert (record.address, record.client) == (
            "10.20.30.40",
            "Mozilla/5.0 MicroMessenger/8.0.50",
        )
        assert record.at == when


def test_a_forwarded_address_is_trusted_only_behind_a_proxy(seat: Seat, alice: Reader) -> None:
    client = bearer(alice, **{"X-Forwarded-For": "1.2.3.4, 10.0.0.7"})
    at_clock(at("09:00"))

    post(client, seat, "challenge")
    with override_settings(BEHIND_PROXY=True):
        post(client, seat, "withdraw")

    assert [r.address for r in ScanRecord.objects.order_by("id")] == ["127.0.0.1", "10.0.0.7"]


@pytest.mark.usefixtures("frozen_minute")
@override_settings(RATE_LIMIT_INTENTS_PER_MINUTE=2)
def test_too_many_scans_are_429_with_retry_after_and_never_reach_the_seat(
    seat: Seat, other_seat: Seat, as_alice: Client, as_bob: Client
) -> None:
    """A throttled request is turned away before the seat is looked at, so it is neither
    carried out nor recorded as a scan; other readers are not throttled."""
    at_clock(at("09:00"))
    assert post(as_alice, seat, "challenge").status_code == 200
    assert post(as_alice, seat, "withdraw").status_code == 200

    response = post(as_alice, other_seat, "challenge")

    assert response.status_code == 429
    error = error_of(response)
    assert (error["code"], error["retry_after"]) == ("rate_limited", 30)
    assert response["Retry-After"] == "30"
    assert Challenge.objects.filter(seat=other_seat).count() == 0
    assert ScanRecord.objects.count() == 2
    assert post(as_bob, other_seat, "challenge").status_code == 200


def test_intents_accept_only_post(seat: Seat, as_alice: Client) -> None:
    response = as_alice.get(f"/api/v1/seats/{seat.code}/challenge")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert Challenge.objects.count() == 0
