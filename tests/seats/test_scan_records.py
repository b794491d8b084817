"""Spec §2: every scan, accepted or refused, is recorded: a librarian's evidence."""

from __future__ import annotations

import pytest

from seatback.library.models import Seat
from seatback.presence.evidence import Evidence
from seatback.readers.models import Reader
from seatback.seats.models import ScanRecord
from tests.conftest import at
from tests.seats.scans import refused, scan, seat_held_by

pytestmark = pytest.mark.django_db

PHONE = Evidence(address="10.1.2.3", client="Mozilla/5.0 (iPhone) MicroMessenger/8.0")


def test_an_accepted_scan_is_recorded_with_reader_seat_intent_outcome_time_address_client(
    seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"), evidence=PHONE)

    record = ScanRecord.objects.get()
    assert record.seat == seat
    assert record.reader == alice
    assert (record.intent, record.outcome, record.accepted) == (
        "challenge",
        "challenge_started",
        True,
    )
    assert record.at == at("09:00")
    assert (record.address, record.client) == (PHONE.address, PHONE.client)


def test_a_refused_scan_is_recorded_with_its_refusal_code(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    refused(seat, alice, "claim", at("09:00"), evidence=PHONE)

    record = ScanRecord.objects.get()
    assert (record.reader, record.seat, record.intent) == (alice, seat, "claim")
    assert (record.outcome, record.accepted, record.at) == ("not_challenger", False, at("09:00"))
    assert (record.address, record.client) == (PHONE.address, PHONE.client)


def test_a_banned_readers_scan_is_recorded_too(seat: Seat, alice: Reader) -> None:
    Reader.objects.filter(pk=alice.pk).update(banned_until=at("23:00"))
    refused(seat, alice, "challenge", at("09:00"))

    record = ScanRecord.objects.get()
    assert (record.reader, record.outcome, record.accepted) == (alice, "banned", False)


def test_a_seats_timeline_tells_the_whole_dispute_in_order(
    seat: Seat, alice: Reader, bob: Reader
) -> None:
    seat_held_by(seat, bob, at("08:00"))
    scan(seat, alice, "challenge", at("09:00"))
    refused(seat, alice, "claim", at("09:10"))
    refused(seat, bob, "return", at("09:21"))
    scan(seat, alice, "claim", at("09:22"))

    timeline = [
        (r.at, r.reader.card_number, r.intent, r.outcome, r.accepted)  # type: ignore[union-attr]
        for r in seat.scans.all()
    ]
    assert timeline == [
        (at("09:22"), alice.card_number, "claim", "claimed", True),
        (at("09:21"), bob.card_number, "return", "challenge_expired", False),
        (at("09:10"), alice.card_number, "claim", "too_early", False),
        (at("09:00"), alice.card_number, "challenge", "challenge_started", True),
    ]


def test_a_missing_address_and_a_very_long_client_string_are_kept_as_far_as_they_fit(
    seat: Seat, alice: Reader
) -> None:
    scan(seat, alice, "challenge", at("09:00"), evidence=Evidence(address=None, client="x" * 500))

    record = ScanRecord.objects.get()
    assert record.address is None
    assert record.client == "x" * 300
