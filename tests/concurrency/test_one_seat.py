"""Issue 3: fifty readers scan one seat at the same instant; exactly one starts the clock.

Real concurrent HTTP requests (one signed-in session and connection per reader, released
together by a barrier) against the live server and a real database, SQLite or PostgreSQL.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from functools import partial

import pytest
from django.test import override_settings

from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, Hold, ScanRecord
from tests.concurrency.race import CheckProbe, Phone, Reply, tally, together

READERS = 50
ROUNDS = 3
CONTROL_ROUNDS = 5


def _race(seat: Seat, devices: list[Phone]) -> list[Reply]:
    return together([partial(phone.intent, seat.code, "challenge") for phone in devices])


def _winner(replies: list[Reply], devices: list[Phone]) -> Phone:
    (index,) = [i for i, reply in enumerate(replies) if reply.status == 200]
    return devices[index]


def _busy_causes(records: list[logging.LogRecord]) -> Counter[str]:
    """Why `perform` answered busy, from its warnings ("seat 1 challenge by 2: <error>")."""
    causes: Counter[str] = Counter()
    for record in records:
        message = record.getMessage()
        if record.name != "seatback.seats.services" or message.startswith("could not record"):
            continue
        error = message.split(": ", 1)[-1].lower()
        if "unique" in error or "duplicate" in error:
            causes["unique constraint"] += 1
        elif "locked" in error:
            causes["database is locked"] += 1
        else:
            causes[error[:60]] += 1
    return causes


def _assert_invariants() -> None:
    """What the database promises under any number of scans (spec §2)."""
    pending = Challenge.objects.filter(status=Challenge.Status.PENDING)
    current = Hold.objects.filter(ended_at__isnull=True)
    for rows, column in (
        (pending, "seat"),
        (pending, "challenger"),
        (current, "seat"),
        (current, "reader"),
    ):
        per_owner = Counter(rows.values_list(column, flat=True))
        assert all(count == 1 for count in per_owner.values()), (column, per_owner)


def test_fifty_readers_one_seat_exactly_one_wins(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
    probe: CheckProbe,
) -> None:
    """50 readers challenge one seat at once: one 200 challenge_started, 49 seat_challenged.

    Repeated on fresh seats (the round's winner withdraws before the next round) so the
    claim is shown more than once. The probe counts transactions that passed the rule's
    check: with the locks it is exactly one, i.e. the check and the write never interleave.
    """
    devices = phones(new_readers(READERS))
    waits = []
    for seat in new_seats(ROUNDS):
        replies = _race(seat, devices)
        assert tally(replies) == {"200 challenge_started": 1, "409 seat_challenged": 49}, tally(
            replies
        )
        winner = _winner(replies, devices)
        (won,) = [reply for reply in replies if reply.status == 200]
        assert won.body["seat"]["state"] == "challenged"
        assert won.body["seat"]["challenge"]["mine"] is True
        for reply in replies:
            if reply.status == 409:
                assert reply.body["error"]["message"]

        pending = Challenge.objects.filter(seat=seat, status=Challenge.Status.PENDING)
        assert pending.count() == 1
        assert pending.get().challenger.card_number == winner.card_number
        scans = ScanRecord.objects.filter(seat=seat)
        assert scans.count() == READERS
        assert Counter(scans.values_list("outcome", flat=True)) == {
            "challenge_started": 1,
            "seat_challenged": 49,
        }
        assert list(scans.filter(accepted=True).values_list("reader__card_number", flat=True)) == [
            winner.card_number
        ]
        assert probe.passed("challenge", seat.pk) == 1
        _assert_invariants()

        assert winner.intent(seat.code, "withdraw").code == "withdrawn"
        waits.append(probe.longest_wait())
    print(f"\nlongest lock wait per round: {', '.join(f'{w:.2f} s' for w in waits)}")


def _control_rounds(
    seats: list[Seat],
    devices: list[Phone],
    probe: CheckProbe,
    caplog: pytest.LogCaptureFixture,
) -> list[tuple[int, int, dict[str, int], int]]:
    """The 50-reader race without locks, once per seat: (passers, busy, causes, scans) each."""
    caplog.set_level(logging.WARNING, logger="seatback.seats.services")
    rows = []
    with override_settings(SEAT_LOCKING=False):
        for seat in seats:
            caplog.clear()
            replies = _race(seat, devices)
            counts = tally(replies)
            passers = probe.passed("challenge", seat.pk)
            busy = counts.get("503 busy", 0)
            scans = ScanRecord.objects.filter(seat=seat).count()
            rows.append((passers, busy, dict(_busy_causes(caplog.records)), scans))

            assert set(counts) <= {"200 challenge_started", "409 seat_challenged", "503 busy"}, (
                counts
            )
            assert counts["200 challenge_started"] == 1, counts
            assert busy >= passers - 1, (passers, counts)
            assert Challenge.objects.filter(seat=seat, status="pending").count() == 1
            _assert_invariants()

            assert _winner(replies, devices).intent(seat.code, "withdraw").code == "withdrawn"
    return rows


def _report(title: str, rows: list[tuple[int, int, dict[str, int], int]]) -> int:
    raced = sum(1 for passers, *_ in rows if passers > 1)
    print(f"\n{title}: race shown in {raced}/{len(rows)} rounds")
    for i, (passers, busy, causes, scans) in enumerate(rows, 1):
        print(
            f"  round {i}: {passers} passed the check, {busy} busy {causes},"
            f" {scans}/{READERS} scans recorded"
        )
    return raced


def test_control_without_locks_the_race_is_real(
    new_seats: Callable[[int], list[Seat]],
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
    probe: CheckProbe,
    caplog: pytest.LogCaptureFixture,
    vendor: str,
) -> None:
    """Control: the same 50-reader race with SEAT_LOCKING=False shows what the locks prevent.

    SEAT_LOCKING=False drops SELECT … FOR UPDATE (PostgreSQL) and BEGIN IMMEDIATE (SQLite:
    a deferred BEGIN, so the write lock is taken only at the first write statement). The
    probe counts the transactions that passed the availability check (`refusal_for` found
    nothing against a challenge) and went on to write. Each round uses a fresh seat.

    PostgreSQL: several transactions read "no pending challenge" before any has committed,
    so several pass the check (typically 30-48 of 50 per round); each extra passer's insert
    hits the partial unique index `one_pending_challenge_per_seat` (IntegrityError), which
    `perform` answers with 503 `busy`.

    SQLite: with SEAT_LOCKING=False the transaction is deferred, and its first statements
    are reads (settling run-out rows writes only when there is one: none here, fresh seats,
    nobody holds anything), so several transactions pass the check on the same snapshot
    and all but the first writer fail with "database is locked" (the snapshot they checked
    is stale), answered `busy`: the race BEGIN IMMEDIATE guards against.

    Asserted in every round: the responses are only 200 challenge_started, 409
    seat_challenged and 503 busy (never a 500), exactly one winner, at least (passers - 1)
    `busy` replies (each extra passer is visible to its reader), and the database
    invariants still hold (one pending challenge per seat and per reader, one holder per
    seat and per reader). Asserted overall: at least one round showed the race.
    """
    devices = phones(new_readers(READERS))
    rows = _control_rounds(new_seats(CONTROL_ROUNDS), devices, probe, caplog)
    raced = _report(f"control on {vendor}", rows)
    assert raced >= 1, f"no round showed the race without locks: {rows}"
