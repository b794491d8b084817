"""One reader, many phones: ten challenges on ten seats at once start exactly one clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, ScanRecord
from tests.concurrency.race import CheckProbe, Phone, tally, together

SEATS = 10
ROUNDS = 3


def test_one_reader_challenging_ten_seats_at_once_gets_one(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
    probe: CheckProbe,
) -> None:
    """Spec §2.9: a reader has at most one pending challenge, even when racing themself.

    Ten sessions of the same reader (ten signed-in phones) challenge ten different free
    seats at the same instant: one 200 challenge_started, nine 409 has_active_challenge.
    The seat locks differ, so it is the reader lock (PostgreSQL) or the single writer
    (SQLite) that orders them. Three rounds on fresh seats; the winner withdraws between.
    """
    (reader,) = new_readers(1)
    devices = phones([reader] * SEATS)
    for _round in range(ROUNDS):
        seats = new_seats(SEATS)
        replies = together(
            [
                partial(phone.intent, seat.code, "challenge")
                for phone, seat in zip(devices, seats, strict=True)
            ]
        )
        assert tally(replies) == {"200 challenge_started": 1, "409 has_active_challenge": 9}, tally(
            replies
        )
        (won,) = [seat for seat, reply in zip(seats, replies, strict=True) if reply.status == 200]

        pending = Challenge.objects.filter(challenger=reader, status=Challenge.Status.PENDING)
        assert [c.seat_id for c in pending] == [won.pk]
        assert not Challenge.objects.filter(seat__in=seats).exclude(seat=won).exists()
        scans = ScanRecord.objects.filter(reader=reader, seat__in=seats)
        assert Counter(scans.values_list("outcome", flat=True)) == {
            "challenge_started": 1,
            "has_active_challenge": 9,
        }
        assert sum(probe.passed("challenge", seat.pk) for seat in seats) == 1

        assert devices[0].intent(won.code, "withdraw").code == "withdrawn"
