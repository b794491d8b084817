"""The invariants of spec §2 are database constraints, not only code (direct ORM writes)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, Hold
from tests.conftest import at

pytestmark = pytest.mark.django_db


def challenge(seat: Seat, reader: Reader, status: str = Challenge.Status.PENDING) -> Challenge:
    return Challenge.objects.create(
        seat=seat,
        challenger=reader,
        started_at=at("09:00"),
        deadline=at("09:20"),
        claim_until=at("09:35"),
        status=status,
    )


def hold(seat: Seat, reader: Reader, ended: bool = False) -> Hold:
    return Hold.objects.create(
        seat=seat,
        reader=reader,
        source=Hold.Source.CLAIM,
        since=at("08:00"),
        closes_at=at("22:30"),
        ended_at=at("08:30") if ended else None,
    )


def test_a_seat_cannot_have_two_pending_challenges(
    seat: Seat, alice: Reader, carol: Reader
) -> None:
    challenge(seat, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        challenge(seat, carol)


def test_a_reader_cannot_have_two_pending_challenges(
    seat: Seat, other_seat: Seat, alice: Reader
) -> None:
    challenge(seat, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        challenge(other_seat, alice)


def test_a_seat_cannot_have_two_current_holders(seat: Seat, alice: Reader, bob: Reader) -> None:
    hold(seat, bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        hold(seat, alice)


def test_a_reader_cannot_hold_two_seats(seat: Seat, other_seat: Seat, bob: Reader) -> None:
    hold(seat, bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        hold(other_seat, bob)


def test_ended_rows_do_not_count(
    seat: Seat, other_seat: Seat, alice: Reader, bob: Reader, carol: Reader
) -> None:
    for status in ("returned", "withdrawn", "claimed", "lapsed"):
        challenge(seat, alice, status)
    challenge(seat, carol)
    challenge(other_seat, alice)
    hold(seat, bob, ended=True)
    hold(other_seat, bob, ended=True)
    hold(seat, bob)
    hold(other_seat, alice)

    assert Challenge.objects.filter(status="pending").count() == 2
    assert Hold.objects.filter(ended_at__isnull=True).count() == 2
