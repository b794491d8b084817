"""The API's side of presence: evidence in the body, the error's shape, the proxy header."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from seatback.library.models import Room, Seat
from seatback.readers.models import Reader
from seatback.seats.models import ScanRecord
from tests.api.conftest import CJK, at_clock, bearer, error_of
from tests.conftest import at
from tests.presence.conftest import ROOM_POSITION, ask, code_for

pytestmark = pytest.mark.django_db


def post(
    client: Client, seat: Seat, intent: str, body: dict[str, Any] | None = None, **headers: str
) -> Any:
    return client.post(
        f"/api/v1/seats/{seat.code}/{intent}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=headers,
    )


def test_not_present_is_403_with_what_is_missing_in_the_readers_language(
    room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, presence="network,rotating", presence_networks="10.20.0.0/16")
    at_clock(at("09:00"))

    english = post(bearer(alice, **{"Accept-Language": "en"}), seat, "challenge")
    chinese = post(bearer(alice), seat, "challenge")

    assert english.status_code == chinese.status_code == 403
    error = error_of(english)
    assert error["code"] == "not_present"
    assert error["missing"] == ["network", "rotating"]
    assert error["reasons"] == {"network": "outside_networks", "rotating": "no_code"}
    assert "Wi-Fi" in error["message"] and "room's screen" in error["message"]
    assert CJK.search(error_of(chinese)["message"])
    assert ScanRecord.objects.filter(outcome="not_present").count() == 2


def test_position_and_room_code_in_the_body(room: Room, seat: Seat, alice: Reader) -> None:
    room.latitude, room.longitude = ROOM_POSITION
    room.save()
    ask(room, presence="location,rotating")
    at_clock(at("09:00"))
    body = {
        "position": {"latitude": ROOM_POSITION[0], "longitude": ROOM_POSITION[1], "accuracy": 8},
        "room_code": code_for(room, at("09:00")),
    }

    response = post(bearer(alice), seat, "challenge", body)

    assert response.status_code == 200, response.content
    evidence = ScanRecord.objects.get().evidence
    assert evidence["passed"] == ["location", "rotating"]
    assert evidence["location"]["accuracy_m"] == 8


@pytest.mark.parametrize(
    "body",
    [
        {"position": {"latitude": 91, "longitude": 0, "accuracy": 5}},
        {"position": {"latitude": 31, "longitude": 121}},
        {"position": {"latitude": "north", "longitude": 121, "accuracy": 5}},
        {"position": {"latitude": True, "longitude": 121, "accuracy": 5}},
        {"position": [31, 121, 5]},
        {"room_code": 123456},
    ],
)
def test_bad_evidence_is_400_and_changes_nothing(
    room: Room, seat: Seat, alice: Reader, body: dict[str, Any]
) -> None:
    at_clock(at("09:00"))
    response = post(bearer(alice), seat, "challenge", body)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_request"
    assert not ScanRecord.objects.exists()


NETWORK = {"presence": "network", "presence_networks": "10.20.0.0/16"}


def addresses() -> list[str]:
    return [str(r.address) for r in ScanRecord.objects.order_by("id")]


def test_the_proxy_header_is_ignored_unless_configured(
    room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, **NETWORK)
    at_clock(at("09:00"))
    forged = bearer(alice, **{"X-Forwarded-For": "10.20.0.5"})

    response = post(forged, seat, "challenge")

    assert response.status_code == 403
    assert addresses() == ["127.0.0.1"]


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXIES=["127.0.0.1/32"])
def test_behind_a_trusted_proxy_the_client_is_the_last_hop_not_ours(
    room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, **NETWORK)
    at_clock(at("09:00"))
    # The client claims 10.20.0.5; our proxy at 127.0.0.1 appended the real 203.0.113.9.
    spoofing = bearer(alice, **{"X-Forwarded-For": "10.20.0.5, 203.0.113.9"})
    honest = bearer(alice, **{"X-Forwarded-For": "10.20.7.7, 127.0.0.1"})

    assert post(spoofing, seat, "challenge").status_code == 403
    assert post(honest, seat, "challenge").status_code == 200
    assert addresses() == ["203.0.113.9", "10.20.7.7"]


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXIES=["192.0.2.1/32"])
def test_the_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(
    room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, **NETWORK)
    at_clock(at("09:00"))
    response = post(bearer(alice, **{"X-Forwarded-For": "10.20.0.5"}), seat, "challenge")
    assert response.status_code == 403
    assert addresses() == ["127.0.0.1"]


@override_settings(BEHIND_PROXY=True, PROXY_HEADER="X-Real-IP")
def test_another_header_can_be_named_and_then_x_forwarded_for_means_nothing(
    room: Room, seat: Seat, alice: Reader
) -> None:
    ask(room, **NETWORK)
    at_clock(at("09:00"))
    assert (
        post(bearer(alice, **{"X-Forwarded-For": "10.20.0.5"}), seat, "challenge").status_code
        == 403
    )
    assert post(bearer(alice, **{"X-Real-IP": "10.20.0.6"}), seat, "challenge").status_code == 200
    assert addresses() == ["127.0.0.1", "10.20.0.6"]


@override_settings(BEHIND_PROXY=True)
def test_a_header_that_is_not_an_address_is_not_taken(
    room: Room, seat: Seat, alice: Reader
) -> None:
    at_clock(at("09:00"))
    assert (
        post(bearer(alice, **{"X-Forwarded-For": "<script>"}), seat, "challenge").status_code == 200
    )
    assert addresses() == ["127.0.0.1"]
