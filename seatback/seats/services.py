"""The rule of spec §2: challenge, claim, return, withdraw, release, step out.

Every intent runs `perform`: in one short transaction it locks the seat, then the reader
(always in that order), settles rows whose time has run out, reads the situation, decides,
writes, and records the scan. A refusal is recorded too, then raised as a Refusal.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext as _

from seatback.core import live, locking, sql
from seatback.core.errors import Refusal
from seatback.library.models import Library, Room, Seat
from seatback.library.policy import Policy
from seatback.notifications.models import Notice
from seatback.notifications.services import queue
from seatback.presence.checks import assess
from seatback.presence.evidence import Evidence
from seatback.readers.models import Reader, cached_reader
from seatback.seats import bookings
from seatback.seats.bookings import Booking
from seatback.seats.models import Challenge, Hold, ScanRecord

log = logging.getLogger(__name__)

INTENTS = ("challenge", "claim", "return", "withdraw", "release", "step-out", "checkin")


@dataclass(frozen=True)
class Outcome:
    outcome: str
    seat: Seat
    # The situation after the scan, as the transaction left it (the answer's seat state):
    # what the intent changed, applied to what was read under the lock, not read again.
    situation: Situation


def seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def local_time(moment: datetime) -> str:
    return formats.time_format(moment.astimezone(Policy.zone()), "H:i")


def local_time_from(moment: datetime) -> str:
    """The first whole minute at or after `moment`: "from 02:31" stays true at 02:30:07
    for a wait that ends at 02:30:37."""
    late = timedelta(minutes=1) if moment.second else timedelta(0)  # ignore microseconds
    return local_time(moment.replace(second=0, microsecond=0) + late)


@dataclass
class Situation:
    """Everything the rule needs to decide, read at one instant."""

    seat: Seat
    reader: Reader | None
    now: datetime
    policy: Policy
    challenge: Challenge | None  # the seat's pending challenge
    hold: Hold | None  # the seat's current holder
    reader_challenge: Challenge | None  # the reader's pending challenge, on any seat
    reader_hold: Hold | None  # the reader's hold, on any seat
    last_return_at: datetime | None  # when the seat's last challenge was answered by a return
    my_last_challenge: Challenge | None  # the reader's latest challenge on this seat
    upcoming: Sequence[Booking] = field(default_factory=list)  # bookings not yet checked in

    @classmethod
    def read(
        cls, seat: Seat, reader: Reader | None, now: datetime, *, settle: bool = False
    ) -> Situation:
        """The situation at `now`. settle (inside the seat transaction, with a reader): also
        mark the seat's and reader's rows whose time has run out, so that the unique
        constraints see the truth; they are found by the same two queries that read the
        pending clocks and holds, so settling costs a statement only when there is
        something to settle."""
        reads = cls.statements(
            seat.pk, reader.pk if reader is not None else None, now, settle=settle
        )
        return cls.of(seat, reader, now, sql.batch(reads), settle=settle)

    @staticmethod
    def statements(
        seat_id: int, reader_id: int | None, now: datetime, *, settle: bool = False
    ) -> list[sql.Statement]:
        """The situation's three reads, for one round trip (sql.batch; a scan sends its
        locks in the same one): the seat's and the reader's pending clocks, the reader's
        latest clock on this seat and the seat's last return; the seat's and the reader's
        holds; the seat's upcoming bookings. The constraints allow at most one pending clock
        and one hold per seat and per reader, so nothing else needs ordering. Settling, the
        reads take every row not yet ended, and `of` sorts out those that have run out."""
        at = [] if settle else [sql.when(now)]
        return [
            sql.Statement(
                _clocks_sql(settle), [*at, seat_id, reader_id, seat_id, reader_id, seat_id]
            ),
            sql.Statement(_holds_sql(settle), [*at, seat_id, reader_id]),
            bookings.source().upcoming_statement(seat_id, now),
        ]

    @classmethod
    def of(
        cls,
        seat: Seat,
        reader: Reader | None,
        now: datetime,
        found: Sequence[Sequence[tuple[Any, ...]]],
        *,
        settle: bool = False,
    ) -> Situation:
        """The situation from the rows of `statements` (the same seat, reader, now, settle)."""
        if settle:
            assert reader is not None
        clock_rows, hold_rows, booking_rows = found
        reader_id = reader.pk if reader is not None else None
        mine = reader_id is not None
        pendings: list[Challenge] = []
        last_return: datetime | None = None
        my_last: Challenge | None = None
        for row in clock_rows:
            challenge = sql.instance(Challenge, row, 1)
            if row[0] == "p":
                pendings.append(challenge)
            elif row[0] == "m":
                my_last = challenge
            else:
                last_return = challenge.ended_at
        holds = [sql.instance(Hold, row) for row in hold_rows]
        if reader is not None:
            # The reader's own rows point at the reader object already in hand, not a query.
            for c in pendings:
                if c.challenger_id == reader_id:
                    c.challenger = reader
            for h in holds:
                if h.reader_id == reader_id:
                    h.reader = reader
        if my_last is not None:
            # The same clock as a pending one read above: one object, so that what a scan
            # writes to it shows in both places.
            my_last = next((c for c in pendings if c.pk == my_last.pk), my_last)
        if settle:
            pendings, holds = _settle_run_out_rows(pendings, holds, now)
        return cls(
            seat=seat,
            reader=reader,
            now=now,
            policy=seat.room.effective_policy(),
            challenge=next((c for c in pendings if c.seat_id == seat.pk), None),
            hold=next((h for h in holds if h.seat_id == seat.pk), None),
            reader_challenge=(
                next((c for c in pendings if c.challenger_id == reader_id), None) if mine else None
            ),
            reader_hold=next((h for h in holds if h.reader_id == reader_id), None)
            if mine
            else None,
            last_return_at=last_return,
            my_last_challenge=my_last if mine else None,
            upcoming=bookings.source().upcoming_from(booking_rows),
        )

    # What the situation means -------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.seat.room.active and self.seat.active and self.policy.is_open(self.now)

    @property
    def closes_at(self) -> datetime:
        return self.policy.opening(self.now)[1]

    @property
    def away(self) -> bool:
        return bool(self.hold and self.hold.is_away(self.now))

    @property
    def cooldown_until(self) -> datetime | None:
        if self.last_return_at is None:
            return None
        until = self.last_return_at + self.policy.return_cooldown
        return until if until > self.now else None

    @property
    def reservation(self) -> Booking | None:
        """The booking waiting for its reader to check in now (seat state `reserved`)."""
        return next((r for r in self.upcoming if r.checkin_from <= self.now), None)

    @property
    def my_reservation(self) -> Booking | None:
        """This reader's next booking of this seat whose check-in deadline is ahead."""
        mine = self.reader.pk if self.reader is not None else None
        return next((r for r in self.upcoming if r.reader_id == mine), None)

    @property
    def hold_ends_at(self) -> datetime:
        """A hold taken now ends at closing, or when someone else's booking begins."""
        mine = self.reader.pk if self.reader is not None else None
        starts = [r.start for r in self.upcoming if r.reader_id != mine and r.start > self.now]
        return min([self.closes_at, *starts])

    def is_mine(self, hold_or_challenge: Hold | Challenge | None) -> bool:
        if hold_or_challenge is None or self.reader is None:
            return False
        owner_id = (
            hold_or_challenge.reader_id
            if isinstance(hold_or_challenge, Hold)
            else hold_or_challenge.challenger_id
        )
        return bool(owner_id == self.reader.pk)

    @property
    def state(self) -> str:
        if not self.is_open:
            return "closed"
        if self.challenge:
            return "challenged"
        if self.away:
            return "away"
        if self.hold:
            return "held"
        if self.reservation:
            return "reserved"
        return "free"

    def actions(self) -> list[str]:
        """The intents this reader may use now: exactly those the rule would accept."""
        if self.reader is None:
            return []
        return [intent for intent in INTENTS if refusal_for(intent, self) is None]


@functools.cache
def _clocks_sql(settle: bool) -> str:
    """Parameters: [now unless settling], seat, reader, seat, reader, seat."""
    cols = sql.columns(Challenge, "c")
    table = Challenge._meta.db_table
    in_force = "" if settle else " AND c.claim_until > %s"
    pending, returned = Challenge.Status.PENDING.value, Challenge.Status.RETURNED.value
    return (
        f"SELECT 'p', {cols} FROM {table} c WHERE c.status = '{pending}'{in_force}"  # noqa: S608 (model names; values are parameters)
        " AND (c.seat_id = %s OR c.challenger_id = %s)"
        f" UNION ALL SELECT 'm', m.* FROM (SELECT {cols} FROM {table} c"
        " WHERE c.seat_id = %s AND c.challenger_id = %s"
        " ORDER BY c.started_at DESC, c.id DESC LIMIT 1) m"
        f" UNION ALL SELECT 'r', r.* FROM (SELECT {cols} FROM {table} c"
        f" WHERE c.seat_id = %s AND c.status = '{returned}' ORDER BY c.ended_at DESC LIMIT 1) r"
    )


@functools.cache
def _holds_sql(settle: bool) -> str:
    """Parameters: [now unless settling], seat, reader."""
    in_force = "" if settle else " AND h.closes_at > %s"
    return (
        f"SELECT {sql.columns(Hold, 'h')} FROM {Hold._meta.db_table} h"  # noqa: S608 (as above)
        f" WHERE h.ended_at IS NULL{in_force} AND (h.seat_id = %s OR h.reader_id = %s)"
    )


# Deciding -------------------------------------------------------------------------------


def refusal_for(intent: str, s: Situation, minutes: int | None = None) -> Refusal | None:
    """Why this reader may not use this intent now, or None if they may."""
    if s.reader is None:
        return Refusal("not_authenticated")
    if s.reader.is_banned(s.now):
        return Refusal("banned")
    return RULES[intent](s, minutes)


def _challenge_refusal(s: Situation, _minutes: int | None) -> Refusal | None:
    if not s.is_open:
        return Refusal("room_closed")
    if s.reservation:
        return Refusal("reserved")
    window = s.policy.protected_window_at(s.now)
    if window:
        return Refusal(
            "protected_window",
            _(
                "Meal break until %(time)s: the person sitting here may be eating, so the "
                "clock cannot be started now."
            )
            % {"time": local_time(window[1])},
            retry_after=seconds_until(window[1], s.now),
        )
    if s.is_mine(s.hold):
        return Refusal("already_yours")
    if s.challenge:
        if s.is_mine(s.challenge):
            return Refusal("has_active_challenge", _("Your clock on this seat is already running."))
        return Refusal("seat_challenged")
    if s.away and s.hold and s.hold.away_until:
        return Refusal(
            "holder_away",
            _("The person sitting here has stepped out and is protected until %(time)s.")
            % {"time": local_time(s.hold.away_until)},
            retry_after=seconds_until(s.hold.away_until, s.now),
        )
    cooldown_until = s.cooldown_until
    if cooldown_until:
        return Refusal(
            "cooldown",
            _("The person sitting here just came back; you can start the clock from %(time)s.")
            % {"time": local_time_from(cooldown_until)},
            retry_after=seconds_until(cooldown_until, s.now),
        )
    if s.reader_challenge:
        return Refusal("has_active_challenge")
    if s.policy.deadline(s.now) >= s.closes_at:
        return Refusal(
            "room_closed",
            _("The room closes at %(time)s, before the allowance would run out.")
            % {"time": local_time(s.closes_at)},
        )
    return None


def _claim_refusal(s: Situation, _minutes: int | None) -> Refusal | None:
    if not s.is_open:
        return Refusal("room_closed")
    if s.reservation and s.reader and s.reservation.reader_id != s.reader.pk:
        return Refusal("reserved")
    if s.challenge is None:
        if s.is_mine(s.hold):
            return Refusal("already_yours")
        last = s.my_last_challenge
        if last and last.status in (Challenge.Status.PENDING, Challenge.Status.LAPSED):
            return Refusal("challenge_expired")
        return Refusal("not_challenger", _("No clock is running on this seat. Start one first."))
    if not s.is_mine(s.challenge):
        return Refusal("not_challenger")
    if s.now < s.challenge.deadline:
        return Refusal(
            "too_early",
            _("The allowance runs until %(time)s; you can take the seat then.")
            % {"time": local_time(s.challenge.deadline)},
            retry_after=seconds_until(s.challenge.deadline, s.now),
        )
    return None


def _return_refusal(s: Situation, _minutes: int | None) -> Refusal | None:
    if not s.is_open:
        return Refusal("room_closed")
    if s.challenge:
        if s.is_mine(s.challenge):
            return Refusal(
                "not_holder", _("You started this clock yourself; withdraw it to cancel.")
            )
        if s.hold and not s.is_mine(s.hold):
            return Refusal("not_holder")
        if s.now >= s.challenge.deadline:
            return Refusal(
                "challenge_expired",
                _("Too late: the allowance ran out at %(time)s and the seat passes on.")
                % {"time": local_time(s.challenge.deadline)},
            )
        return None
    if s.is_mine(s.hold) and s.away:
        return None
    return Refusal("nothing_to_return")


def _withdraw_refusal(s: Situation, _minutes: int | None) -> Refusal | None:
    if s.challenge and s.is_mine(s.challenge):
        return None
    return Refusal("not_challenger")


def _release_refusal(s: Situation, _minutes: int | None) -> Refusal | None:
    if s.is_mine(s.hold):
        return None
    return Refusal("not_holder", _("You do not hold this seat."))


def _step_out_refusal(s: Situation, minutes: int | None) -> Refusal | None:
    if not s.is_open:
        return Refusal("room_closed")
    if not s.is_mine(s.hold):
        return Refusal("not_holder", _("You do not hold this seat."))
    if s.challenge:
        return Refusal("seat_challenged", _("Someone started the clock here; tap “I'm back”."))
    if s.away and s.hold and s.hold.away_until:
        return Refusal(
            "holder_away",
            _("You have already stepped out until %(time)s.")
            % {"time": local_time(s.hold.away_until)},
            retry_after=seconds_until(s.hold.away_until, s.now),
        )
    # The last step-out ended (by return or by running out) at away_until: the seat is
    # open to challenge for a cooldown before the next one, so back-to-back step-outs
    # (return and step out again from anywhere) cannot protect a seat all day.
    if s.hold and s.hold.away_until:
        next_step_out = s.hold.away_until + s.policy.return_cooldown
        if s.now < next_step_out:
            return Refusal(
                "cooldown",
                _("You can step out again from %(time)s.")
                % {"time": local_time_from(next_step_out)},
                retry_after=seconds_until(next_step_out, s.now),
            )
    longest = int(s.policy.step_out.total_seconds() // 60)
    if minutes is not None and not 1 <= minutes <= longest:
        return Refusal(
            "invalid_request",
            _("A step-out lasts 1 to %(minutes)d minutes.") % {"minutes": longest},
        )
    return None


def _checkin_refusal(s: Situation, _minutes: int | None) -> Refusal | None:
    # Until a booking system plugs in check-in (plug_in_intent), nobody has a booking.
    return Refusal("not_reserved")


Rule = Callable[[Situation, int | None], Refusal | None]
Apply = Callable[[Situation, int | None], str]

RULES: dict[str, Rule] = {
    "challenge": _challenge_refusal,
    "claim": _claim_refusal,
    "return": _return_refusal,
    "withdraw": _withdraw_refusal,
    "release": _release_refusal,
    "step-out": _step_out_refusal,
    "checkin": _checkin_refusal,
}


# Writing --------------------------------------------------------------------------------


def end_hold(hold: Hold | None, now: datetime, reason: str) -> None:
    """End a current hold (call inside the seat transaction)."""
    if hold is not None:
        hold.ended_at, hold.end_reason = now, reason
        sql.update(hold, "ended_at", "end_reason", unless_set="ended_at")
        seat_id: int = hold.seat_id
        transaction.on_commit(lambda: live.bump(seat_id))


def _take(s: Situation, source: str) -> None:
    """The reader becomes the seat's holder, leaving any other seat they held."""
    assert s.reader is not None
    if s.reader_hold and s.reader_hold.seat_id != s.seat.pk:
        end_hold(s.reader_hold, s.now, Hold.EndReason.MOVED)
    s.hold = s.reader_hold = sql.insert(
        Hold(seat=s.seat, reader=s.reader, source=source, since=s.now, closes_at=s.hold_ends_at)
    )


def _end_challenge(s: Situation, status: str) -> None:
    """End the seat's pending challenge; the situation no longer has it."""
    challenge = s.challenge
    assert challenge is not None
    challenge.status, challenge.ended_at, challenge.ended_by = status, s.now, s.reader
    sql.update(challenge, "status", "ended_at", "ended_by")
    s.challenge = None
    if s.reader_challenge is not None and s.reader_challenge.pk == challenge.pk:
        s.reader_challenge = None
    mine = s.my_last_challenge
    if mine is not None and mine.pk == challenge.pk:
        mine.status, mine.ended_at, mine.ended_by = status, s.now, s.reader
    if status == Challenge.Status.RETURNED:
        s.last_return_at = s.now


def _apply_challenge(s: Situation, _minutes: int | None) -> str:
    assert s.reader is not None
    deadline = s.policy.deadline(s.now)
    challenge = sql.insert(
        Challenge(
            seat=s.seat,
            challenger=s.reader,
            started_at=s.now,
            deadline=deadline,
            claim_until=min(deadline + s.policy.claim_window, s.closes_at),
        )
    )
    # The answer is built from the situation (no second read): it now has this clock.
    s.challenge = s.reader_challenge = s.my_last_challenge = challenge
    if s.hold is not None:  # a known holder is told at once (delivered after the commit)
        holder = cached_reader(s.hold.reader_id) or s.hold.reader
        _tell(holder, Notice.Kind.SEAT_CHALLENGED, challenge, s.now, s.seat)
    return "challenge_started"


def _tell(
    reader: Reader, kind: str, challenge: Challenge, now: datetime, seat: Seat | None = None
) -> None:
    """Queue a notice about a clock: its key makes it once per clock and kind. `seat`: the
    clock's seat with its room, when the caller has it (a scan: no query for it)."""
    seat = seat or challenge.seat
    queue(
        reader,
        kind,
        key=f"challenge:{challenge.pk}:{kind}",
        now=now,
        room=seat.room.name,
        seat=seat.label,
        code=seat.code,
        deadline=challenge.deadline.isoformat(),
        claim_until=challenge.claim_until.isoformat(),
    )


def _apply_claim(s: Situation, _minutes: int | None) -> str:
    _end_challenge(s, Challenge.Status.CLAIMED)
    end_hold(s.hold, s.now, Hold.EndReason.CLAIMED)
    s.hold = None
    _take(s, Hold.Source.CLAIM)
    return "claimed"


def _apply_return(s: Situation, _minutes: int | None) -> str:
    if s.challenge:
        challenge = s.challenge  # _end_challenge clears it from the situation
        _end_challenge(s, Challenge.Status.RETURNED)
        # The challenger from the readers' cache, the seat from the situation: no query.
        challenger = cached_reader(challenge.challenger_id) or challenge.challenger
        _tell(challenger, Notice.Kind.HOLDER_RETURNED, challenge, s.now, s.seat)
        if s.hold is None:
            # The occupant was unknown until now; from here on only they may return.
            _take(s, Hold.Source.RETURN)
        return "returned"
    assert s.hold is not None
    # Back from a step-out: it ends now (away_until is kept as when it ended).
    s.hold.away_until = s.now
    sql.update(s.hold, "away_until")
    return "returned"


def _apply_withdraw(s: Situation, _minutes: int | None) -> str:
    _end_challenge(s, Challenge.Status.WITHDRAWN)
    return "withdrawn"


def _apply_release(s: Situation, _minutes: int | None) -> str:
    end_hold(s.hold, s.now, Hold.EndReason.RELEASED)
    s.hold = s.reader_hold = None  # the reader's own hold of this seat
    return "released"


def _apply_step_out(s: Situation, minutes: int | None) -> str:
    assert s.hold is not None
    length = timedelta(minutes=minutes) if minutes else s.policy.step_out
    s.hold.away_until = min(s.now + length, s.hold.closes_at)
    sql.update(s.hold, "away_until")
    return "stepped_out"


APPLY: dict[str, Apply] = {
    "challenge": _apply_challenge,
    "claim": _apply_claim,
    "return": _apply_return,
    "withdraw": _apply_withdraw,
    "release": _apply_release,
    "step-out": _apply_step_out,
}


# The intents whose apply keeps the Situation true to what it wrote (above): the answer is
# built from it. After any other (a plugged-in intent) the situation is read again.
_KEEPS_SITUATION = set(APPLY)


def plug_in_intent(intent: str, rule: Rule, apply: Apply) -> None:
    """Let a domain app above this one decide and carry out one of INTENTS, inside the same
    transaction and locks as every scan (reservations plugs in `checkin`)."""
    if intent not in INTENTS:
        raise ValueError(f"unknown intent {intent!r}")
    RULES[intent], APPLY[intent] = rule, apply
    _KEEPS_SITUATION.discard(intent)


# The transaction ------------------------------------------------------------------------


def lock(seat: Seat, reader: Reader) -> tuple[Seat, Reader]:
    """Lock the seat's row, then the reader's (inside locking.seat_transaction); returns
    them as read under the lock."""
    locked_seat, locked_reader, _ = lock_then_read(seat, reader, [])
    return locked_seat, locked_reader


def lock_then_read(
    seat: Seat, reader: Reader, reads: Sequence[sql.Statement], *, set_timeout: bool = False
) -> tuple[Seat, Reader, list[list[tuple[Any, ...]]]]:
    """lock, then `reads`, in one round trip (sql.batch): the seat and reader as read under
    the lock, and the reads' rows, each read after the locks were had. set_timeout: first
    the lock timeout, for a locking.seat_transaction(set_timeout=False)."""
    # Fixed order, seat before reader, so two transactions never wait on each other.
    # OF s: only the seat row, not the room and library rows the join reads, which would
    # make every scan in the library one queue. FOR NO KEY UPDATE excludes
    # other scans of this seat or reader just as well, but not the KEY SHARE lock an insert
    # of a row pointing at them takes, so recording a busy scan or signing in never waits.
    first = locking.lock_timeout() if set_timeout else []
    if settings.SEAT_LOCKING:
        vendor = connection.vendor
        first += [
            sql.Statement(_seat_sql(vendor, locking=True), [seat.pk]),
            sql.Statement(_lock_reader_sql(vendor), [reader.pk]),
        ]
    found = sql.batch([*first, *reads])
    if settings.SEAT_LOCKING:
        seats, readers = found[len(first) - 2], found[len(first) - 1]
        if not seats or not readers:
            raise (Seat if not seats else Reader).DoesNotExist()
        seat, reader = _seat_from(seats[0]), sql.instance(Reader, readers[0])
    return seat, reader, found[len(first) :]


def seat_with_room(seat_id: int) -> Seat | None:
    """The seat with its room and library (as select_related gives them), in one
    hand-written statement; None when there is no such seat."""
    if not 0 < seat_id < 2**63:  # no such key, and SQLite refuses to take larger numbers
        return None
    found = sql.rows(_seat_sql(connection.vendor, locking=False), [seat_id])
    return _seat_from(found[0]) if found else None


def active_seat_by_code(code: str) -> Seat | None:
    """The active seat with this code, with its room and library, in one hand-written
    statement; None when there is none."""
    found = sql.rows(_seat_sql(connection.vendor, locking=False, by_code=True), [code, True])
    return _seat_from(found[0]) if found else None


def _seat_from(row: tuple[Any, ...]) -> Seat:
    seat = sql.instance(Seat, row)
    room = sql.instance(Room, row, sql.width(Seat))
    room.library = sql.instance(Library, row, sql.width(Seat) + sql.width(Room))
    seat.room = room
    return seat


@functools.cache
def _seat_sql(vendor: str, *, locking: bool, by_code: bool = False) -> str:
    """The seat with its room and library, by id or (an active seat) by code; locking
    only the seat's row (see lock)."""
    seat, room, library = (m._meta.db_table for m in (Seat, Room, Library))
    where = "s.code = %s AND s.active = %s" if by_code else "s.id = %s"
    return (
        f"SELECT {sql.columns(Seat, 's')}, {sql.columns(Room, 'r')}, {sql.columns(Library, 'l')}"  # noqa: S608
        f" FROM {seat} s JOIN {room} r ON r.id = s.room_id JOIN {library} l ON l.id = r.library_id"
        f" WHERE {where}{sql.for_update('s') if locking else ''}"
    )


@functools.cache
def _lock_reader_sql(vendor: str) -> str:
    table = Reader._meta.db_table
    where = f"WHERE u.id = %s{sql.for_update('u')}"
    return f"SELECT {sql.columns(Reader, 'u')} FROM {table} u {where}"  # noqa: S608


def _lapse(challenges: Q, now: datetime) -> int:
    """Mark the matching clocks whose claim window is over as lapsed."""
    return Challenge.objects.filter(
        challenges, status=Challenge.Status.PENDING, claim_until__lte=now
    ).update(status=Challenge.Status.LAPSED, ended_at=F("claim_until"))


def _close(holds: Q, now: datetime) -> int:
    """Mark the matching holds whose room has closed as ended by closing."""
    return Hold.objects.filter(holds, ended_at__isnull=True, closes_at__lte=now).update(
        ended_at=F("closes_at"), end_reason=Hold.EndReason.CLOSED
    )


def _settle_run_out(challenges: Q, holds: Q, now: datetime) -> tuple[int, int]:
    """Mark the matching rows whose time has run out: lapsed clocks, holds ended by closing."""
    return _lapse(challenges, now), _close(holds, now)


def _settle_run_out_rows(
    pendings: list[Challenge], holds: list[Hold], now: datetime
) -> tuple[list[Challenge], list[Hold]]:
    """Of these not-ended rows, mark those whose time has run out as _settle_run_out does
    (at most two of each: the constraints); the rows still in force."""
    lapsed = [c for c in pendings if c.claim_until <= now]
    closed = [h for h in holds if h.closes_at <= now]
    if lapsed:
        _lapse(Q(pk__in=[c.pk for c in lapsed]), now)
        for c in lapsed:  # the objects say what was written (a reader's last clock is one)
            c.status, c.ended_at = Challenge.Status.LAPSED, c.claim_until
    if closed:
        _close(Q(pk__in=[h.pk for h in closed]), now)
        for h in closed:
            h.ended_at, h.end_reason = h.closes_at, Hold.EndReason.CLOSED
    return [c for c in pendings if c.claim_until > now], [h for h in holds if h.closes_at > now]


def _record(
    seat: Seat,
    reader: Reader,
    intent: str,
    outcome: str,
    accepted: bool,
    now: datetime,
    evidence: Evidence,
    checked: dict[str, object] | None = None,
) -> None:
    sql.insert(
        ScanRecord(
            seat=seat,
            reader=reader,
            intent=intent[:12],
            outcome=outcome,
            accepted=accepted,
            at=now,
            address=evidence.address,
            client=evidence.client[:300],
            evidence=checked or {},
        )
    )


def perform(
    seat: Seat,
    reader: Reader,
    intent: str,
    *,
    now: datetime,
    evidence: Evidence | None = None,
    minutes: int | None = None,
) -> Outcome:
    """Carry out one scan's intent, or raise the Refusal that says why not."""
    evidence = evidence or Evidence()
    if intent not in INTENTS:
        _record_apart(seat, reader, intent, "invalid_intent", now, evidence)
        raise Refusal("invalid_intent")
    try:
        with (
            locking.busy_when_contended(f"seat {seat.pk} {intent} by {reader.pk}"),
            locking.seat_transaction(set_timeout=False),
        ):
            # The lock timeout, the locks and the situation's reads: one round trip.
            reads = Situation.statements(seat.pk, reader.pk, now, settle=True)
            seat, reader, found = lock_then_read(seat, reader, reads, set_timeout=True)
            situation = Situation.of(seat, reader, now, found, settle=True)
            presence = assess(
                intent,
                seat.room,
                reader,
                situation.policy.values,
                address=evidence.address,
                position=evidence.position,
                code=evidence.room_code,
                now=now,
            )
            # The rule's own refusal says more (and the seat page shows the state anyway);
            # only a scan the rule would accept is refused for not being in the room.
            refusal = refusal_for(intent, situation, minutes) or presence.refusal()
            if refusal is None:
                outcome = APPLY[intent](situation, minutes)
                if intent not in _KEEPS_SITUATION:
                    situation = Situation.read(seat, reader, now)
                transaction.on_commit(lambda: live.bump(seat.pk))
            _record(
                seat,
                reader,
                intent,
                refusal.code if refusal else outcome,
                refusal is None,
                now,
                evidence,
                presence.record(),
            )
    except Refusal as busy:
        if busy.code == "busy":  # nothing was changed; the busy scan is still recorded
            _record_apart(seat, reader, intent, busy.code, now, evidence)
        raise
    if refusal is not None:
        raise refusal
    return Outcome(outcome=outcome, seat=seat, situation=situation)


def _record_apart(
    seat: Seat, reader: Reader, intent: str, outcome: str, now: datetime, evidence: Evidence
) -> None:
    """Record a refused scan in its own transaction; if the database is too busy even for
    that, log it: the reader still gets the refusal, never a 500."""
    try:
        with transaction.atomic():
            _record(seat, reader, intent, outcome, False, now, evidence)
    except (OperationalError, IntegrityError):
        log.warning("could not record %s scan on seat %s", outcome, seat.pk)


def settle_room_and_reader_rows(now: datetime) -> tuple[int, int]:
    """Settle every run-out row (housekeeping for reports; correctness never needs it)."""
    return _settle_run_out(Q(), Q(), now)


def queue_clock_reminders(now: datetime, soon: timedelta = timedelta(minutes=5)) -> int:
    """For scheduled work: tell a known holder 5 minutes before a clock on their seat runs
    out, and the challenger when the seat can be taken. Each once (the notice's key)."""
    queued = 0
    pending = Challenge.objects.pending(now).select_related("seat__room", "challenger")
    for challenge in pending.filter(deadline__lte=now + soon, deadline__gt=now):
        hold = Hold.objects.current(now).filter(seat=challenge.seat_id).select_related("reader")
        holder = hold.first()
        if holder is not None:
            with transaction.atomic():
                queued += _queued(holder.reader, Notice.Kind.CLOCK_ENDING, challenge, now)
    for challenge in pending.filter(deadline__lte=now):
        with transaction.atomic():
            queued += _queued(challenge.challenger, Notice.Kind.CLAIMABLE, challenge, now)
    return queued


def _queued(reader: Reader, kind: str, challenge: Challenge, now: datetime) -> int:
    if Notice.objects.filter(key=f"challenge:{challenge.pk}:{kind}").exists():
        return 0
    _tell(reader, kind, challenge, now)
    return 1
