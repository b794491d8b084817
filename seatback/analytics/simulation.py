"""A day in a reading room, as a discrete-event simulation (SimPy), for `seatback simulate`.

Readers arrive (a Poisson process whose rate follows the hour of the day), take a free seat,
stay, take breaks (some declared as step-outs), and at the end either free the seat or leave
their things behind and go. A reader who finds no free seat starts the clock on a seat with
things and nobody there (unless the holder stepped out, the seat is in its cooldown, another
clock runs on it, or a protected window is on), waits out the allowance and claims the seat
if nobody came back; a holder back before the deadline answers the clock. The seat rule's
times come from the library's own `Policy` (allowance pushed by protected windows, claim
window, cooldown, step-out length, opening hours), so replaying a day under other values
means passing another policy.

Everything random comes from `random.Random` streams derived from the seed (one for
arrivals, one per reader): the same seed gives the same day.
The run also keeps a log of what the records would show (`Log`), from which `history`
writes rows for the demo and for the calibration test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import simpy

from seatback.library.policy import Policy

HOURS = 24


@dataclass(frozen=True)
class Behaviour:
    """How readers behave (calibrated from the records by `calibration.calibrate`)."""

    arrivals_per_hour: tuple[float, ...]  # 24 means: readers arriving in each local hour
    stay_minutes: float = 150.0  # mean time from sitting down to leaving for good
    break_every_minutes: float = 70.0  # mean time seated between two breaks
    break_minutes: float = 12.0  # mean length of a break
    declared_share: float = 0.4  # breaks declared as step-outs (an assumption, not fitted)
    leave_behind_share: float = 0.15  # readers who leave their things when they go
    claim_delay_minutes: float = 4.0  # mean time after the deadline until the second scan
    # Saturdays and Sundays, when they differ (None: as on weekdays)
    weekend_arrivals_per_hour: tuple[float, ...] | None = None

    def arrivals_on(self, day: date) -> tuple[float, ...]:
        if day.weekday() >= 5 and self.weekend_arrivals_per_hour is not None:
            return self.weekend_arrivals_per_hour
        return self.arrivals_per_hour

    def with_values(self, **values: Any) -> Behaviour:
        return replace(self, **values)


@dataclass
class DayResult:
    """What one simulated day would show, and what a policy cares about."""

    holds_started: int = 0
    clocks_started: int = 0
    clocks_returned: int = 0
    clocks_claimed: int = 0
    clocks_lapsed: int = 0
    recovered_minutes: float = 0.0
    step_outs: int = 0
    step_outs_overrun: int = 0
    lost_on_break: int = 0  # holders who lost their seat while on a break
    turned_away: int = 0  # readers who found no seat to take or to challenge
    free_at_peak: float = 0.0  # mean free seats during the busiest hour
    held_minutes: list[float] = field(default_factory=lambda: [0.0] * HOURS)


# What the records would show: (kind, seat, reader, fields)
LogEntry = tuple[str, int, int, dict[str, float | str | None]]


@dataclass
class _Seat:
    number: int
    holder: _Reader | None = None
    hold_since: float = 0.0
    hold_source: str = ""
    things_left: bool = False  # its holder went for good, leaving things behind
    protected_until: float = -1.0  # a declared step-out protects it until then
    cooldown_until: float = -1.0
    clock: _Clock | None = None

    def free(self) -> bool:
        return self.holder is None

    def looks_abandoned(self) -> bool:
        return self.holder is not None and (self.things_left or self.holder.away)


@dataclass
class _Clock:
    challenger: int
    started: float
    deadline: float
    claim_until: float
    answered: simpy.Event


@dataclass
class _Reader:
    number: int
    # Each reader draws from their own stream, so the same reader behaves the same under
    # another policy: what differs between two replays is what the rules did.
    rng: random.Random
    away: bool = False
    seat: _Seat | None = None

    def exp(self, mean: float) -> float:
        return self.rng.expovariate(1 / mean) if mean > 0 else 0.0


class Day:
    """One room, one day, one policy, one seed."""

    def __init__(
        self, behaviour: Behaviour, policy: Policy, seats: int, day: date, seed: int
    ) -> None:
        self.behaviour, self.policy, self.day = behaviour, policy, day
        self.curve = behaviour.arrivals_on(day)
        self.seed = seed
        self.rng = random.Random(seed)  # arrivals
        self.env = simpy.Environment()
        self.seats = [_Seat(n) for n in range(seats)]
        self.result = DayResult()
        self.log: list[LogEntry] = []
        self.readers = 0
        midnight = datetime.combine(day, time.min, tzinfo=Policy.zone())
        self.midnight = midnight
        opens, closes = policy.opening(midnight + timedelta(hours=12))
        self.opens, self.closes = self.minute(opens), self.minute(closes)
        self.windows = [(self.minute(s), self.minute(e)) for s, e in policy.windows(opens)]
        self.free_samples: list[list[int]] = [[] for _ in range(HOURS)]

    # Time ---------------------------------------------------------------------------

    def minute(self, moment: datetime) -> float:
        return (moment - self.midnight).total_seconds() / 60

    def instant(self, minute: float) -> datetime:
        return self.midnight + timedelta(minutes=minute)

    def deadline(self, started: float) -> float:
        return self.minute(self.policy.deadline(self.instant(started)))

    def in_window(self, now: float) -> bool:
        return any(start <= now < end for start, end in self.windows)

    # Running --------------------------------------------------------------------------

    def run(self) -> DayResult:
        self.env.process(self.arrivals())
        self.env.process(self.sampler())
        self.env.run(until=self.closes)
        for seat in self.seats:
            if seat.holder is not None:
                self.end_hold(seat, self.closes, "closed")
            if seat.clock is not None:
                self.log_clock(seat, "lapsed", seat.clock.claim_until)
                self.result.clocks_lapsed += 1
        busiest = max(range(HOURS), key=lambda h: (self.result.held_minutes[h], -h))
        samples = self.free_samples[busiest]
        self.result.free_at_peak = round(sum(samples) / len(samples), 2) if samples else 0.0
        self.result.recovered_minutes = round(self.result.recovered_minutes, 1)
        return self.result

    def arrivals(self) -> simpy.events.ProcessGenerator:
        """Poisson arrivals at each local hour's rate (memoryless, so a draw that crosses
        into the next hour is simply drawn again at that hour's rate)."""
        now = self.opens
        while now < self.closes:
            hour_end = min((now // 60 + 1) * 60, self.closes)
            rate = self.curve[int(now // 60) % HOURS] / 60
            step = self.rng.expovariate(rate) if rate > 0 else float("inf")
            if now + step >= hour_end:
                now = hour_end
                continue
            now += step
            yield self.env.timeout(now - self.env.now)
            number = self.new_reader()
            stream = random.Random(self.seed * 1_000_003 + number)
            self.env.process(self.reader(_Reader(number, stream)))

    def sampler(self) -> simpy.events.ProcessGenerator:
        while True:
            now = self.env.now
            free = sum(1 for seat in self.seats if seat.free())
            self.free_samples[int(now // 60) % HOURS].append(free)
            yield self.env.timeout(5)

    def new_reader(self) -> int:
        self.readers += 1
        return self.readers

    # Readers --------------------------------------------------------------------------

    def reader(self, reader: _Reader) -> simpy.events.ProcessGenerator:
        now = self.env.now
        free = [seat for seat in self.seats if seat.free()]
        if free:
            seat = reader.rng.choice(free)
            self.take(seat, reader, "checkin")
            yield self.env.process(self.sit(seat, reader))
            return
        target = self.challengeable(now, reader.rng)
        if target is None:
            self.result.turned_away += 1
            return
        yield self.env.process(self.challenge(target, reader))

    def challengeable(self, now: float, rng: random.Random) -> _Seat | None:
        if self.in_window(now):
            return None
        seats = [
            seat
            for seat in self.seats
            if seat.looks_abandoned()
            and seat.clock is None
            and seat.protected_until <= now
            and seat.cooldown_until <= now
        ]
        return rng.choice(seats) if seats else None

    def challenge(self, seat: _Seat, reader: _Reader) -> simpy.events.ProcessGenerator:
        now = self.env.now
        deadline = self.deadline(now)
        claim_until = min(deadline + self.policy.claim_window.total_seconds() / 60, self.closes)
        clock = _Clock(reader.number, now, deadline, claim_until, self.env.event())
        seat.clock = clock
        self.result.clocks_started += 1
        self.log.append(("scan", seat.number, reader.number, {"intent": "challenge", "at": now}))
        yield self.env.timeout(max(0.0, deadline - now)) | clock.answered
        if clock.answered.triggered:
            return  # the holder came back; the challenger looks elsewhere (not modelled)
        claim_at = deadline + reader.exp(self.behaviour.claim_delay_minutes)
        if claim_at >= claim_until:
            yield self.env.timeout(max(0.0, claim_until - self.env.now))
            seat.clock = None
            self.result.clocks_lapsed += 1
            self.log_clock_row(seat, clock, "lapsed", claim_until)
            return
        yield self.env.timeout(claim_at - self.env.now)
        seat.clock = None
        holder = seat.holder
        self.result.clocks_claimed += 1
        self.result.recovered_minutes += claim_at - clock.started
        self.log_clock_row(seat, clock, "claimed", claim_at)
        if holder is not None and not seat.things_left:
            self.result.lost_on_break += 1
        if holder is not None:
            holder.seat = None
            self.end_hold(seat, claim_at, "claimed")
        self.log.append(("scan", seat.number, reader.number, {"intent": "claim", "at": claim_at}))
        self.take(seat, reader, "claim")
        yield self.env.process(self.sit(seat, reader))

    def sit(self, seat: _Seat, reader: _Reader) -> simpy.events.ProcessGenerator:
        b = self.behaviour
        leaves = self.env.now + reader.exp(b.stay_minutes)
        while True:
            next_break = self.env.now + reader.exp(b.break_every_minutes)
            if next_break >= leaves:
                yield self.env.timeout(max(0.0, min(leaves, self.closes) - self.env.now))
                if reader.seat is seat and self.env.now < self.closes:
                    if reader.rng.random() < b.leave_behind_share:
                        seat.things_left = True
                    else:
                        self.end_hold(seat, self.env.now, "released")
                return
            yield self.env.timeout(max(0.0, min(next_break, self.closes) - self.env.now))
            if reader.seat is not seat or self.env.now >= self.closes:
                return
            yield self.env.process(self.take_break(seat, reader))
            if reader.seat is not seat:
                return  # lost the seat while away

    def take_break(self, seat: _Seat, reader: _Reader) -> simpy.events.ProcessGenerator:
        now = self.env.now
        length = reader.exp(self.behaviour.break_minutes)
        declared = reader.rng.random() < self.behaviour.declared_share and seat.clock is None
        protect = self.policy.step_out.total_seconds() / 60
        if declared:
            seat.protected_until = min(now + protect, self.closes)
            self.result.step_outs += 1
            self.log.append(("scan", seat.number, reader.number, {"intent": "step-out", "at": now}))
        reader.away = True
        yield self.env.timeout(max(0.0, min(now + length, self.closes) - now))
        reader.away = False
        back = self.env.now
        if declared:
            if length > protect:
                self.result.step_outs_overrun += 1
                self.log.append(("overrun", seat.number, reader.number, {"at": now + protect}))
            else:
                seat.protected_until = back
                self.log.append(
                    ("scan", seat.number, reader.number, {"intent": "return", "at": back})
                )
        if reader.seat is not seat:
            return
        clock = seat.clock
        if clock is not None and back < clock.deadline:
            seat.clock = None
            clock.answered.succeed()
            seat.cooldown_until = back + self.policy.return_cooldown.total_seconds() / 60
            self.result.clocks_returned += 1
            self.result.recovered_minutes += back - clock.started
            self.log_clock_row(seat, clock, "returned", back)
            self.log.append(("scan", seat.number, reader.number, {"intent": "return", "at": back}))

    # Holds ----------------------------------------------------------------------------

    def take(self, seat: _Seat, reader: _Reader, source: str) -> None:
        seat.holder, seat.hold_since, seat.hold_source = reader, self.env.now, source
        seat.things_left, seat.protected_until, seat.cooldown_until = False, -1.0, -1.0
        reader.seat = seat
        self.result.holds_started += 1

    def end_hold(self, seat: _Seat, at: float, reason: str) -> None:
        assert seat.holder is not None
        start = seat.hold_since
        for hour in range(HOURS):
            overlap = min(at, (hour + 1) * 60) - max(start, hour * 60)
            if overlap > 0:
                self.result.held_minutes[hour] += overlap
        self.log.append(
            (
                "hold",
                seat.number,
                seat.holder.number,
                {"since": start, "ended": at, "reason": reason, "source": seat.hold_source},
            )
        )
        if seat.holder.seat is seat:
            seat.holder.seat = None
        seat.holder, seat.things_left = None, False

    def log_clock(self, seat: _Seat, status: str, ended: float) -> None:
        assert seat.clock is not None
        self.log_clock_row(seat, seat.clock, status, ended)

    def log_clock_row(self, seat: _Seat, clock: _Clock, status: str, ended: float) -> None:
        self.log.append(
            (
                "clock",
                seat.number,
                clock.challenger,
                {
                    "started": clock.started,
                    "deadline": clock.deadline,
                    "claim_until": clock.claim_until,
                    "status": status,
                    "ended": ended,
                },
            )
        )


def simulate_day(behaviour: Behaviour, policy: Policy, seats: int, day: date, seed: int) -> Day:
    """Run one day; the returned `Day` holds `.result` and `.log`."""
    run = Day(behaviour, policy, seats, day, seed)
    run.run()
    return run


def simulate(
    behaviour: Behaviour, policy: Policy, seats: int, day: date, *, seed: int, runs: int
) -> DayResult:
    """The mean of `runs` simulated days (seeds seed, seed+1, …)."""
    results = [simulate_day(behaviour, policy, seats, day, seed + n).result for n in range(runs)]
    return mean_result(results)


def mean_result(results: list[DayResult]) -> DayResult:
    mean = DayResult()
    count = len(results) or 1
    for name in DayResult.__dataclass_fields__:
        if name == "held_minutes":
            mean.held_minutes = [
                round(sum(r.held_minutes[h] for r in results) / count, 2) for h in range(HOURS)
            ]
        else:
            setattr(mean, name, round(sum(getattr(r, name) for r in results) / count, 2))
    return mean
