"""Randomised: several readers and seats, random intents and clock moves, against a model.

After every step the database must keep the invariants of spec §2, `Situation.actions()`
must offer exactly the intents that the service then accepts, a claim must never succeed
before the deadline, and every seat must look exactly like a small model of the rule kept
here in plain minutes (independent of `seatback.library.policy`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from seatback.core.errors import Refusal
from seatback.library.models import Library, Room, Seat
from seatback.readers.models import Reader
from seatback.seats import services
from seatback.seats.models import Challenge, Hold, ScanRecord
from seatback.seats.selectors import seat_states
from seatback.seats.services import INTENTS, Situation
from tests.conftest import at, make_reader

MIDNIGHT = at("00:00")
DAY = 24 * 60


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Rules:
    """A room's policy in plain minutes since local midnight."""

    allowance: int
    claim: int
    cooldown: int
    step_out: int
    windows: tuple[tuple[int, int], ...]
    hours: tuple[int, int]

    def open(self, t: int) -> bool:
        return self.hours[0] <= t % DAY < self.hours[1]

    def closes(self, t: int) -> int:
        return t - t % DAY + self.hours[1]

    def protected(self, t: int) -> bool:
        return any(start <= t % DAY < end for start, end in self.windows)

    def deadline(self, t: int) -> int:
        """Walk minute by minute; only minutes outside protected windows count."""
        counted = 0
        while counted < self.allowance:
            if not self.protected(t):
                counted += 1
            t += 1
        return t


DEFAULT_RULES = Rules(20, 15, 10, 30, ((hm("11:30"), hm("13:00")), (hm("17:30"), hm("18:30"))),
                      (hm("07:00"), hm("22:30")))  # fmt: skip
QUIET_POLICY = {
    "leave_allowance_minutes": 5,
    "claim_window_minutes": 3,
    "return_cooldown_minutes": 2,
    "step_out_minutes": 10,
    "protected_windows": "12:00-12:30",
    "opening_hours": "08:00-21:00",
}
QUIET_RULES = Rules(5, 3, 2, 10, ((hm("12:00"), hm("12:30")),), (hm("08:00"), hm("21:00")))
BAN_ENDS = hm("15:00")
OVERNIGHT = -1


@dataclass
class MChallenge:
    challenger: int
    deadline: int
    claim_until: int


@dataclass
class MHold:
    reader: int
    closes: int
    away_until: int | None = None


@dataclass
class MSeat:
    rules: Rules
    challenge: MChallenge | None = None
    hold: MHold | None = None
    last_return: int | None = None


@dataclass
class Model:
    seats: list[MSeat]
    banned: set[int] = field(default_factory=set)
    t: int = 0

    def pending(self, s: int) -> MChallenge | None:
        c = self.seats[s].challenge
        return c if c is not None and self.t < c.claim_until else None

    def hold(self, s: int) -> MHold | None:
        h = self.seats[s].hold
        return h if h is not None and self.t < h.closes else None

    def away(self, s: int) -> bool:
        h = self.hold(s)
        return h is not None and h.away_until is not None and h.away_until > self.t

    def cooldown_until(self, s: int) -> int | None:
        last = self.seats[s].last_return
        if last is None or last + self.seats[s].rules.cooldown <= self.t:
            return None
        return last + self.seats[s].rules.cooldown

    def state(self, s: int) -> str:
        if not self.seats[s].rules.open(self.t):
            return "closed"
        if self.pending(s):
            return "challenged"
        if self.away(s):
            return "away"
        return "held" if self.hold(s) else "free"

    def allowed(self, r: int, s: int, intent: str, minutes: int | None = None) -> bool:
        if r in self.banned and self.t < BAN_ENDS:
            return False
        rules, t = self.seats[s].rules, self.t
        c, h = self.pending(s), self.hold(s)
        is_open, mine = rules.open(t), h is not None and h.reader == r
        if intent == "challenge":
            return (
                is_open
                and not rules.protected(t)
                and not mine
                and c is None
                and not self.away(s)
                and self.cooldown_until(s) is None
                and not any(
                    (p := self.pending(x)) and p.challenger == r for x in range(len(self.seats))
                )
                and rules.deadline(t) < rules.closes(t)
            )
        if intent == "claim":
            return is_open and c is not None and c.challenger == r and t >= c.deadline
        if intent == "return":
            if c is not None:
                return is_open and c.challenger != r and (h is None or mine) and t < c.deadline
            return is_open and mine and self.away(s)
        if intent == "withdraw":
            return c is not None and c.challenger == r
        if intent == "release":
            return mine
        if intent == "step-out":
            fits = minutes is None or 1 <= minutes <= rules.step_out
            h = self.hold(s)
            rested = h is None or h.away_until is None or self.t >= h.away_until + rules.cooldown
            return is_open and mine and c is None and not self.away(s) and fits and rested
        return False  # checkin needs a reservation; anything else is not an intent

    def _take(self, r: int, s: int) -> None:
        for x in range(len(self.seats)):
            if (h := self.hold(x)) and h.reader == r:
                self.seats[x].hold = None
        self.seats[s].hold = MHold(r, self.seats[s].rules.closes(self.t))

    def apply(self, r: int, s: int, intent: str, minutes: int | None) -> str:
        seat, t = self.seats[s], self.t
        if intent == "challenge":
            deadline = seat.rules.deadline(t)
            claim_until = min(deadline + seat.rules.claim, seat.rules.closes(t))
            seat.challenge = MChallenge(r, deadline, claim_until)
            return "challenge_started"
        if intent == "claim":
            seat.challenge = None
            self._take(r, s)
            return "claimed"
        if intent == "return":
            if self.pending(s):
                seat.challenge, seat.last_return = None, t
                if self.hold(s) is None:
                    self._take(r, s)
                return "returned"
            hold = self.hold(s)
            assert hold is not None
            hold.away_until = t  # the step-out ends now
            return "returned"
        if intent == "withdraw":
            seat.challenge = None
            return "withdrawn"
        if intent == "release":
            seat.hold = None
            return "released"
        assert intent == "step-out"
        hold = self.hold(s)
        assert hold is not None
        hold.away_until = min(t + (minutes or seat.rules.step_out), hold.closes)
        return "stepped_out"


def looks(s: Situation) -> tuple[object, ...]:
    """Everything a seat's answer shows of a situation, and what the rule reads from it."""

    def key(row: Challenge | Hold | None) -> tuple[object, ...] | None:
        if row is None:
            return None
        if isinstance(row, Hold):
            return (row.pk, row.reader_id, row.since, row.away_until, row.closes_at)
        return (row.pk, row.challenger_id, row.status, row.deadline, row.claim_until)

    return (
        s.state,
        s.actions(),
        s.cooldown_until,
        s.last_return_at,
        s.away,
        key(s.challenge),
        key(s.hold),
        key(s.reader_challenge),
        key(s.reader_hold),
        key(s.my_last_challenge),
        s.reservation,
    )


def instant(t: int) -> datetime:
    return MIDNIGHT + timedelta(minutes=t)


class SeatRule(RuleBasedStateMachine):
    seats: list[Seat] = []
    readers: list[Reader] = []
    rules_of: list[Rules] = []

    def __init__(self) -> None:
        super().__init__()
        # Each example starts from an empty seat history.
        ScanRecord.objects.all().delete()
        Challenge.objects.all().delete()
        Hold.objects.all().delete()
        banned = {i for i, r in enumerate(self.readers) if r.banned_until is not None}
        self.model = Model([MSeat(rules) for rules in self.rules_of], banned=banned)
        self.scans = 0

    @property
    def now(self) -> datetime:
        return instant(self.model.t)

    def situation(self, s: int, r: int | None) -> Situation:
        return Situation.read(self.seats[s], None if r is None else self.readers[r], self.now)

    def running(self) -> list[int]:
        return [s for s in range(len(self.seats)) if self.model.pending(s)]

    def held(self) -> list[int]:
        return [s for s in range(len(self.seats)) if self.model.hold(s)]

    # Time ---------------------------------------------------------------------------

    @initialize(
        start=st.integers(min_value=hm("06:50"), max_value=hm("22:40")),
        who=st.permutations(range(4)),
        seated=st.lists(st.booleans(), min_size=3, max_size=3),
    )
    def start(self, start: int, who: list[int], seated: list[bool]) -> None:
        """The day starts at `start`, with some seats already held (as after a check-in)."""
        self.model.t = start
        for s, (r, sits) in enumerate(zip(who, seated, strict=False)):
            rules = self.model.seats[s].rules
            if sits and rules.open(start):
                self.model.seats[s].hold = MHold(r, rules.closes(start))
                Hold.objects.create(
                    seat=self.seats[s],
                    reader=self.readers[r],
                    source=Hold.Source.CHECKIN,
                    since=self.now,
                    closes_at=instant(rules.closes(start)),
                )

    @rule(minutes=st.sampled_from([1, 2, 5, 10, 20, 30, 60, 120, OVERNIGHT]))
    def advance(self, minutes: int) -> None:
        if minutes == OVERNIGHT:  # to the next morning, a little before opening
            minutes = DAY - self.model.t % DAY + hm("06:55")
        self.model.t += minutes

    @rule(
        s=st.integers(min_value=0, max_value=2),
        before=st.sampled_from([0, 1, 3, 4, 5, 6, 10, 19, 20, 21, 25, 30]),
    )
    def towards_closing(self, s: int, before: int) -> None:
        """Closing time is where clocks are refused, lapse early and holds end."""
        self.model.t = max(self.model.t, self.model.seats[s].rules.closes(self.model.t) - before)

    # Scans --------------------------------------------------------------------------

    @rule(
        r=st.integers(min_value=0, max_value=3),
        s=st.integers(min_value=0, max_value=2),
        intent=st.sampled_from([*INTENTS, "dance"]),
        minutes=st.none() | st.integers(min_value=0, max_value=35),
    )
    def anyone_scans_anything(self, r: int, s: int, intent: str, minutes: int | None) -> None:
        self._scan(r, s, intent, minutes if intent == "step-out" else None)

    @rule(
        r=st.integers(min_value=0, max_value=3),
        s=st.integers(min_value=0, max_value=2),
        then=st.sampled_from(["wait", "claim", "claim", "return", "return", "withdraw"]),
        by_holder=st.booleans(),
        other=st.integers(min_value=0, max_value=3),
        k=st.sampled_from([-1, 0, 0, 1]),
    )
    def a_clock_runs(self, r: int, s: int, then: str, by_holder: bool, other: int, k: int) -> None:
        """Someone challenges; then, around the deadline (k minutes from it), the challenger
        claims or withdraws, or the holder (or whoever says they sat there) returns."""
        self._scan(r, s, "challenge", None)
        challenge = self.model.pending(s)
        if challenge is None or challenge.challenger != r or then == "wait":
            return
        self.model.t = max(self.model.t, challenge.deadline + k)
        if then in ("claim", "withdraw"):
            self._scan(r, s, then, None)
        else:
            hold = self.model.hold(s)
            self._scan(hold.reader if by_holder and hold else other, s, "return", None)

    @rule(
        r=st.integers(min_value=0, max_value=3),
        s=st.integers(min_value=0, max_value=2),
        landmark=st.sampled_from(["closing", "window", "window", "window ends"]),
        delta=st.sampled_from([-1, 0, 0, 1]),
    )
    def someone_challenges_at_a_landmark(self, r: int, s: int, landmark: str, delta: int) -> None:
        """Wait for the next minute where the rule's edges are, then challenge: a deadline
        that would reach closing time, one that reaches or crosses a protected window, a
        challenge as a window starts or ends."""
        rules, t = self.model.seats[s].rules, self.model.t
        first_window = rules.windows[0] if rules.windows else (hm("12:00"), hm("12:00"))
        target = {
            "closing": rules.hours[1] - rules.allowance,
            "window": first_window[0] - rules.allowance + 1 + delta * rules.allowance // 2,
            "window ends": first_window[1 if delta >= 0 else 0],
        }[landmark] + delta
        moment = t - t % DAY + target
        self.model.t = moment if moment > t else moment + DAY
        self._scan(r, s, "challenge", None)

    def _wait_for(self, s: int, anchor: str, offset: int | None) -> None:
        """Random waits rarely meet a clock's boundaries; move to one, give or take a minute."""
        challenge = self.model.pending(s)
        assert challenge is not None
        if offset is not None:
            moment = challenge.deadline if anchor == "deadline" else challenge.claim_until
            self.model.t = max(self.model.t, moment + offset)

    @precondition(lambda self: self.running())
    @rule(
        pick=st.integers(min_value=0, max_value=2),
        anchor=st.sampled_from(["deadline", "claim_until"]),
        offset=st.none() | st.sampled_from([-1, 0, 1]),
        intent=st.sampled_from(["claim", "claim", "withdraw", "return"]),
    )
    def the_challenger_acts(self, pick: int, anchor: str, offset: int | None, intent: str) -> None:
        running = self.running()
        s = running[pick % len(running)]
        challenge = self.model.pending(s)
        assert challenge is not None
        self._wait_for(s, anchor, offset)
        self._scan(challenge.challenger, s, intent, None)

    @precondition(lambda self: self.running())
    @rule(
        pick=st.integers(min_value=0, max_value=2),
        offset=st.none() | st.sampled_from([-1, 0]),
        holder=st.booleans(),
        anyone=st.integers(min_value=0, max_value=3),
        intent=st.sampled_from(["return", "return", "release", "step-out"]),
    )
    def the_occupant_acts(
        self, pick: int, offset: int | None, holder: bool, anyone: int, intent: str
    ) -> None:
        """The known holder, or whoever says they sat there."""
        running = self.running()
        s = running[pick % len(running)]
        self._wait_for(s, "deadline", offset)
        hold = self.model.hold(s)
        self._scan(hold.reader if holder and hold else anyone, s, intent, None)

    @precondition(lambda self: any(seat.last_return is not None for seat in self.model.seats))
    @rule(
        r=st.integers(min_value=0, max_value=3),
        pick=st.integers(min_value=0, max_value=2),
        wait=st.sampled_from(["none", "just before", "just after"]),
    )
    def someone_challenges_after_a_return(self, r: int, pick: int, wait: str) -> None:
        returned = [s for s, seat in enumerate(self.model.seats) if seat.last_return is not None]
        s = returned[pick % len(returned)]
        seat = self.model.seats[s]
        assert seat.last_return is not None
        ends = seat.last_return + seat.rules.cooldown
        target = {"none": self.model.t, "just before": ends - 1, "just after": ends}[wait]
        self.model.t = max(self.model.t, target)
        self._scan(r, s, "challenge", None)

    @precondition(lambda self: self.held())
    @rule(
        pick=st.integers(min_value=0, max_value=2),
        intent=st.sampled_from(["step-out", "step-out", "return", "release", "challenge"]),
        minutes=st.none() | st.integers(min_value=0, max_value=35),
        then=st.sampled_from(["wait", "challenge", "return"]),
        other=st.integers(min_value=0, max_value=3),
        k=st.sampled_from([-1, 0]),
    )
    def a_holder_acts(
        self, pick: int, intent: str, minutes: int | None, then: str, other: int, k: int
    ) -> None:
        held = self.held()
        s = held[pick % len(held)]
        hold = self.model.hold(s)
        assert hold is not None
        if intent != "challenge":
            self._scan(hold.reader, s, intent, minutes if intent == "step-out" else None)
            if intent == "step-out" and self.model.away(s) and then != "wait":
                # around the end of the step-out, someone challenges or the holder is back
                assert hold.away_until is not None
                self.model.t = max(self.model.t, hold.away_until + k)
                self._scan(other if then == "challenge" else hold.reader, s, then, None)
            return
        # A holder goes after another seat and, if the clock starts, takes it when it runs
        # out: the claim must end the first hold.
        other = (s + 1 + pick) % len(self.seats)
        self._scan(hold.reader, other, "challenge", None)
        if (challenge := self.model.pending(other)) and challenge.challenger == hold.reader:
            self.model.t = challenge.deadline
            self._scan(hold.reader, other, "claim", None)

    def _scan(self, r: int, s: int, intent: str, minutes: int | None) -> None:
        # What the seat's page offers the reader now is exactly what the model allows...
        before = self.situation(s, r)
        assert before.actions() == [i for i in INTENTS if self.model.allowed(r, s, i)]
        predicted = self.model.allowed(r, s, intent, minutes)

        # ...and exactly what the service then accepts (below).
        try:
            after = services.perform(
                self.seats[s], self.readers[r], intent, now=self.now, minutes=minutes
            )
            outcome = after.outcome
        except Refusal as refusal:
            assert not predicted, (intent, refusal.code)
            assert refusal.code != "busy"
            outcome = refusal.code
        else:
            assert predicted, (intent, outcome)
            if intent == "claim":
                assert before.challenge is not None
                assert self.now >= before.challenge.deadline
            assert outcome == self.model.apply(r, s, intent, minutes)
            # The answer's seat (built from what the transaction knew) is the seat as a
            # fresh read sees it.
            assert looks(after.situation) == looks(self.situation(s, r))

        self.scans += 1
        record = ScanRecord.objects.order_by("-id").first()
        assert record is not None and ScanRecord.objects.count() == self.scans
        assert (record.seat_id, record.reader_id, record.intent, record.at) == (
            self.seats[s].pk,
            self.readers[r].pk,
            intent,
            self.now,
        )
        assert (record.outcome, record.accepted) == (outcome, predicted)

    @invariant()
    def the_database_keeps_the_invariants_and_looks_like_the_model(self) -> None:
        m, now = self.model, self.now
        pending = list(Challenge.objects.filter(status=Challenge.Status.PENDING))
        unended = list(Hold.objects.filter(ended_at__isnull=True))
        # spec §2: at most one pending challenge and one hold per seat and per reader
        for rows, columns in (
            (pending, ("seat_id", "challenger_id")),
            (unended, ("seat_id", "reader_id")),
        ):
            for column in columns:
                counts = Counter(getattr(row, column) for row in rows)
                assert max(counts.values(), default=0) <= 1, column

        challenges = {c.seat_id: c for c in pending if c.claim_until > now}
        holds = {h.seat_id: h for h in unended if h.closes_at > now}
        states = seat_states(Room.objects.select_related("library"), now)
        for s, seat in enumerate(self.seats):
            assert states[seat.pk] == m.state(s)  # the room map agrees with the model
            c, found = m.pending(s), challenges.get(seat.pk)
            assert (c is None) == (found is None)
            if c is not None and found is not None:
                assert (found.challenger_id, found.deadline, found.claim_until) == (
                    self.readers[c.challenger].pk,
                    instant(c.deadline),
                    instant(c.claim_until),
                )
            h, held = m.hold(s), holds.get(seat.pk)
            assert (h is None) == (held is None)
            if h is not None and held is not None:
                away = held.away_until is not None and held.away_until > now
                assert (held.reader_id, away) == (self.readers[h.reader].pk, m.away(s))


@pytest.mark.django_db
def test_the_rule_against_a_model(
    library: Library, room: Room, alice: Reader, bob: Reader, carol: Reader
) -> None:
    quiet = Room.objects.create(library=library, name="三楼静音室", policy=QUIET_POLICY)
    dave = make_reader("20230004", "Dave 赵", banned_until=at("15:00"))
    SeatRule.seats = [
        Seat.objects.select_related("room__library").get(pk=seat.pk)
        for seat in (
            Seat.objects.create(room=room, label="A-001"),
            Seat.objects.create(room=room, label="A-002"),
            Seat.objects.create(room=quiet, label="Q-01"),
        )
    ]
    SeatRule.readers = [alice, bob, carol, dave]
    SeatRule.rules_of = [DEFAULT_RULES, DEFAULT_RULES, QUIET_RULES]

    run_state_machine_as_test(
        SeatRule,
        settings=settings(
            max_examples=50,
            stateful_step_count=30,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
