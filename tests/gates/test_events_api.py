"""POST /api/v1/gate/events: signed events are kept once; replays, stale deliveries and bad
signatures are refused, and a refused delivery is recorded."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from seatback.core import clock
from seatback.gates.models import Gate, GateEvent, Passage, RejectedDelivery
from seatback.gates.selectors import inside_counts
from seatback.readers.models import Reader
from tests.conftest import at
from tests.gates.conftest import deliver, passage, signed_headers

pytestmark = pytest.mark.django_db


def test_a_signed_event_is_kept_once_however_often_it_is_sent(gate: Gate, bob: Reader) -> None:
    clock.travel_to(at("08:05"))
    entry = passage("e-1", "in", bob.card_number, at("08:00"))

    first = deliver(gate, entry)
    again = deliver(gate, entry)

    assert first.status_code == 200
    assert first.json() == {
        "accepted": 1,
        "duplicates": 0,
        "results": [{"id": "e-1", "outcome": "in"}],
    }
    assert again.status_code == 200
    assert again.json()["results"] == [{"id": "e-1", "outcome": "duplicate"}]
    assert GateEvent.objects.count() == 1
    assert GateEvent.objects.get().reader == bob
    assert inside_counts(at("08:05"))["逸夫楼"].inside == 1


def test_a_replayed_delivery_is_refused(gate: Gate, bob: Reader) -> None:
    clock.travel_to(at("08:05"))
    body = json.dumps({"events": [passage("e-1", "in", bob.card_number, at("08:00"))]}).encode()
    headers = signed_headers(gate, body, nonce="nonce-0001")
    client = Client(headers=headers)

    first = client.post("/api/v1/gate/events", body, content_type="application/json")
    replay = client.post("/api/v1/gate/events", body, content_type="application/json")

    assert first.status_code == 200
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "not_authenticated"
    assert replay.json()["error"]["reason"] == "replayed"
    assert RejectedDelivery.objects.get().reason == "replayed"


def test_a_stale_delivery_is_refused(gate: Gate, bob: Reader) -> None:
    clock.travel_to(at("08:05"))
    ten_minutes_ago = int(clock.now().timestamp()) - 600

    response = deliver(
        gate, passage("e-1", "in", bob.card_number, at("08:00")), timestamp=ten_minutes_ago
    )

    assert response.status_code == 401
    assert response.json()["error"]["reason"] == "stale"
    assert not GateEvent.objects.exists()


def test_a_bad_signature_is_refused_with_401_and_recorded(gate: Gate, bob: Reader) -> None:
    clock.travel_to(at("08:05"))
    body = json.dumps({"events": [passage("e-1", "in", bob.card_number, at("08:00"))]}).encode()
    headers = signed_headers(gate, body)
    headers["X-Seatback-Signature"] = "0" * 64

    response = Client(headers=headers).post(
        "/api/v1/gate/events", body, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["reason"] == "bad_signature"
    assert response.json()["error"]["message"] == "门禁的签名不正确。"  # Chinese by default
    rejected = RejectedDelivery.objects.get()
    assert (rejected.gate, rejected.reason, rejected.via) == (gate, "bad_signature", "http")
    assert rejected.address == "127.0.0.1"
    assert not GateEvent.objects.exists()


def test_another_gates_key_does_not_sign_for_this_gate(gate: Gate, bob: Reader) -> None:
    clock.travel_to(at("08:05"))
    other = Gate.objects.create(code="west-1", name="West", building=gate.building)
    gate.key = other.key  # signed with the west gate's key, sent as the east gate

    response = deliver(gate, passage("e-1", "in", bob.card_number, at("08:00")))

    assert response.status_code == 401
    assert RejectedDelivery.objects.get().reason == "bad_signature"


def test_an_unsigned_delivery_is_refused() -> None:
    response = Client().post("/api/v1/gate/events", b"{}", content_type="application/json")

    assert response.status_code == 401
    assert response.json()["error"]["reason"] == "unsigned"


def test_an_offline_backlog_is_kept_in_the_order_it_happened(gate: Gate, bob: Reader) -> None:
    clock.travel_to(at("12:00"))
    # Sent after being offline, newest first: in at 08:00, out at 11:40, in at 11:50.
    response = deliver(
        gate,
        passage("e-3", "in", bob.card_number, at("11:50")),
        passage("e-1", "in", bob.card_number, at("08:00")),
        passage("e-2", "out", bob.card_number, at("11:40")),
    )

    assert [r["id"] for r in response.json()["results"]] == ["e-1", "e-2", "e-3"]
    latest = Passage.objects.get(card=bob.card_number)
    assert (latest.direction, latest.at) == ("in", at("11:50"))


def test_an_event_older_than_the_cards_latest_is_kept_but_moves_nothing(
    gate: Gate, bob: Reader
) -> None:
    clock.travel_to(at("12:00"))
    deliver(gate, passage("e-2", "out", bob.card_number, at("11:40")))

    late = deliver(gate, passage("e-1", "in", bob.card_number, at("08:00")))

    assert late.json()["results"] == [{"id": "e-1", "outcome": "earlier"}]
    assert Passage.objects.get(card=bob.card_number).direction == "out"
    assert inside_counts(at("12:00"))["逸夫楼"].inside == 0


def test_a_bad_event_refuses_the_delivery_and_keeps_nothing(gate: Gate, bob: Reader) -> None:
    clock.travel_to(at("08:05"))
    response = deliver(
        gate,
        passage("e-1", "in", bob.card_number, at("08:00")),
        {"id": "e-2", "direction": "sideways", "card": bob.card_number, "at": "2026-12-01T08:01"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("第 2 条事件")
    assert not GateEvent.objects.exists()


def test_an_unknown_card_is_counted_but_touches_no_reader(gate: Gate) -> None:
    clock.travel_to(at("08:05"))

    response = deliver(gate, passage("v-1", "in", "VISITOR-7", at("08:00")))

    assert response.json()["accepted"] == 1
    assert GateEvent.objects.get().reader is None
    assert inside_counts(at("08:05"))["逸夫楼"].inside == 1


def test_an_inactive_gate_is_refused(gate: Gate, bob: Reader) -> None:
    clock.travel_to(at("08:05"))
    Gate.objects.filter(pk=gate.pk).update(active=False)

    response = deliver(gate, passage("e-1", "in", bob.card_number, at("08:00")))

    assert response.status_code == 401
    assert response.json()["error"]["reason"] == "unknown_gate"
