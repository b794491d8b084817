"""Scans in a room that asks for presence: refused with not_present, recorded with evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seatback.library.models import Room, Seat
from seatback.presence.checks import Position
from seatback.presence.evidence import Evidence
from seatback.readers.models import Reader
from seatback.seats.models import ScanRecord
from tests.conftest import at
from tests.presence.conftest import ROOM_POSITION, ask, code_for
from tests.seats.scans import pending_challenge, refused, scan, seat_held_by

pytestmark = pytest.mark.django_db

INSIDE = Evidence(address="10.20.3.4", client="phone")
OUTSIDE = Evidence(address="203.0.113.9", client="phone")


@pytest.fixture
def network_room(room: Room) -> Room:
    return ask(room, presence="network", presence_networks="10.20.0.0/16")


def test_a_scan_from_outside_the_networks_is_refused_and_recorded_with_the_evidence(
    network_room: Room, seat: Seat, alice: Reader
) -> None:
    refusal = refused(seat, alice, "challenge", at("09:00"), evidence=OUTSIDE)

    assert refusal.code == "not_present" and refusal.status == 403
    assert refusal.extra == {"missing": ["network"], "reasons": {"network": "outside_networks"}}
    assert "library Wi-Fi" in refusal.message
    assert pending_challenge(seat, at("09:00")) is None
    record = ScanRecord.objects.get()
    assert (record.accepted, record.outcome, str(record.address)) == (
        False,
        "not_present",
        "203.0.113.9",
    )
    assert record.evidence == {
        "checks": ["network"],
        "passed": [],
        "failed": ["network"],
        "network": {"ok": False, "reason": "outside_networks", "address": "203.0.113.9"},
    }


def test_a_scan_from_inside_is_carried_out_and_its_evidence_kept(
    network_room: Room, seat: Seat, alice: Reader
) -> None:
    assert scan(seat, alice, "challenge", at("09:00"), evidence=INSIDE) == "challenge_started"

    record = ScanRecord.objects.get()
    assert record.accepted
    assert record.evidence["passed"] == ["network"]
    assert record.evidence["network"]["network"] == "10.20.0.0/16"


def test_giving_up_a_seat_needs_no_presence_but_stepping_out_does(
    network_room: Room, seat: Seat, alice: Reader, bob: Reader
) -> None:
    """Withdraw and release only give something up: allowed from anywhere. A step-out
    protects the seat, so from bed it would be a way to keep it."""
    seat_held_by(seat, bob, at("08:00"))
    assert refused(seat, bob, "step-out", at("09:00"), evidence=OUTSIDE).code == "not_present"
    scan(seat, bob, "step-out", at("09:00"), minutes=10, evidence=INSIDE)
    assert refused(seat, bob, "return", at("09:05"), evidence=OUTSIDE).code == "not_present"
    scan(seat, bob, "return", at("09:05"), evidence=INSIDE)
    scan(seat, alice, "challenge", at("09:30"), evidence=INSIDE)
    scan(seat, alice, "withdraw", at("09:31"), evidence=OUTSIDE)
    scan(seat, bob, "release", at("09:32"), evidence=OUTSIDE)

    not_checked = ScanRecord.objects.filter(intent__in=["withdraw", "release"])
    assert [r.evidence for r in not_checked] == [{}, {}]


def test_claim_and_return_assert_presence(
    network_room: Room, seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"), evidence=INSIDE)
    # bob "comes back" from his dormitory: refused, the clock keeps running
    assert refused(seat, bob, "return", at("09:10"), evidence=OUTSIDE).code == "not_present"
    assert refused(seat, alice, "claim", at("09:21"), evidence=OUTSIDE).code == "not_present"
    assert scan(seat, alice, "claim", at("09:22"), evidence=INSIDE) == "claimed"


def test_the_rules_own_refusal_comes_first(
    network_room: Room, seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"), evidence=INSIDE)

    refusal = refused(seat, alice, "claim", at("09:05"), evidence=OUTSIDE)

    assert refusal.code == "too_early"
    record = ScanRecord.objects.filter(outcome="too_early").get()
    assert record.evidence["failed"] == ["network"]  # still kept for the librarian


def test_a_room_without_presence_checks_nothing(seat: Seat, alice: Reader) -> None:
    scan(seat, alice, "challenge", at("09:00"), evidence=OUTSIDE)
    assert ScanRecord.objects.get().evidence == {}


def test_location_refusals_say_what_is_missing(room: Room, seat: Seat, alice: Reader) -> None:
    room.latitude, room.longitude = ROOM_POSITION
    room.save()
    ask(room, presence="location", presence_radius_m=100, presence_accuracy_m=30)
    far = Position(ROOM_POSITION[0] + 0.01, ROOM_POSITION[1], 10)  # ~1.1 km north
    vague = Position(*ROOM_POSITION, 200)
    here = Position(ROOM_POSITION[0] + 0.0005, ROOM_POSITION[1], 12)  # ~56 m

    none = refused(seat, alice, "challenge", at("09:00"), evidence=Evidence())
    away = refused(seat, alice, "challenge", at("09:00"), evidence=Evidence(position=far))
    blurry = refused(seat, alice, "challenge", at("09:00"), evidence=Evidence(position=vague))
    scan(seat, alice, "challenge", at("09:00"), evidence=Evidence(position=here))

    assert none.extra["reasons"] == {"location": "no_position"}
    assert "Allow location access" in none.message
    assert away.extra["reasons"] == {"location": "too_far"}
    assert "1112 m from the room" in away.message
    assert blurry.extra["reasons"] == {"location": "too_imprecise"}
    assert "±200 m" in blurry.message
    accepted = ScanRecord.objects.get(accepted=True).evidence["location"]
    assert accepted["distance_m"] == pytest.approx(55.6, abs=0.1)
    assert (accepted["latitude"], accepted["accuracy_m"]) == (here.latitude, 12)


def test_rotating_codes_in_scans(room: Room, other_seat: Seat, seat: Seat, alice: Reader) -> None:
    ask(room, presence="rotating", rotating_seconds=60)
    when = at("09:00")
    other_room = Room.objects.create(library=room.library, name="三楼", floor="3")

    wrong = refused(
        seat, alice, "challenge", when, evidence=Evidence(room_code=code_for(other_room, when))
    )
    stale = refused(
        seat,
        alice,
        "challenge",
        when + timedelta(seconds=120),
        evidence=Evidence(room_code=code_for(room, when)),
    )
    missing = refused(seat, alice, "challenge", when, evidence=Evidence())
    scan(
        seat,
        alice,
        "challenge",
        when + timedelta(seconds=61),
        evidence=Evidence(room_code=code_for(room, when)),
    )

    assert wrong.extra["reasons"] == {"rotating": "wrong_code"}
    assert stale.extra["reasons"] == {"rotating": "wrong_code"}
    assert missing.extra["reasons"] == {"rotating": "no_code"}
    assert "room's screen" in missing.message
    kept = ScanRecord.objects.get(accepted=True).evidence["rotating"]
    assert kept["age"] == 1 and "code" not in kept


def test_every_failed_check_is_named_at_once(room: Room, seat: Seat, alice: Reader) -> None:
    ask(room, presence="network,rotating,gate", presence_networks="10.20.0.0/16")

    refusal = refused(seat, alice, "challenge", at("09:00"), evidence=OUTSIDE)

    assert refusal.extra["missing"] == ["network", "rotating", "gate"]
    assert refusal.extra["reasons"]["gate"] == "no_gate_events"
    assert "library gate" in refusal.message
    assert ScanRecord.objects.get().evidence["failed"] == ["network", "rotating", "gate"]
