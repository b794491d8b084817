"""Calibrating the simulator from a room's records, and checking it against them.

What the records show, and what each behaviour value is read from (docs/analytics.md):

- arrivals per local hour, weekdays and weekends apart: holds started by a check-in, plus
  clocks started (a reader who found no free seat), per day. Readers who sat down and
  never scanned are not recorded, and neither are readers who found nothing to take or to
  challenge;
- stay length: check-in holds, those released counting as ended and those ended by a claim
  or the closing as cut short (the exponential's estimate with censoring);
- break length: declared step-outs, from the step-out scan to the return scan, those not
  back within the step-out counting as cut short at its length;
- time between breaks: seated minutes (expected from the stay length and how long each
  hold could have lasted) per step-out, times the share of breaks declared, less a break
  (an assumption: breaks nobody declares leave no record unless a clock catches them);
- claim delay: claimed clocks, from the deadline to the claim, lapsed ones cut short;
- the share of readers who leave things behind: the value for which the simulated share of
  holds that end in a claim matches the recorded share (bisection, common random numbers).

`validate` then simulates the recorded days under the current policy and compares the
simulated figures per day with the recorded ones: that error is printed with every run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from seatback.analytics.figures import HOURS, compute_day, day_bounds
from seatback.analytics.selectors import days
from seatback.analytics.simulation import Behaviour, DayResult, mean_result, simulate_day
from seatback.library.models import Room
from seatback.library.policy import Policy
from seatback.seats.models import Challenge, Hold, ScanRecord

BISECTION_STEPS = 9


@dataclass
class Recorded:
    """What the records say about a room over a range of days (means per day)."""

    days: int  # days in use: with at least one hold
    first_day: date
    seats: int
    arrivals_per_hour: list[float]  # on weekdays (on every day if the range has no weekend)
    weekend_arrivals_per_hour: list[float] | None
    stay_minutes: float
    break_minutes: float
    break_every_minutes: float
    claim_delay_minutes: float
    claim_share: float  # holds ending in a claim, over holds started
    figures: DayResult  # the recorded figures, per day


def censored_mean(observed: list[float], cut_short: list[float], default: float) -> float:
    """The exponential's mean from complete lengths and lengths cut short (censored)."""
    if not observed:
        return default
    return (sum(observed) + sum(cut_short)) / len(observed)


def truncated_mean(lengths: list[tuple[float, float]], default: float) -> float:
    """The exponential's mean from lengths each known to be below its own limit (a stay
    that ended in a release before the closing): the mean m for which the average length
    equals m minus the average of c·e^(-c/m) / (1 - e^(-c/m)) over the limits c."""
    if not lengths:
        return default
    observed = sum(length for length, _limit in lengths) / len(lengths)

    def excess(mean: float) -> float:
        cut = sum(
            limit * math.exp(-limit / mean) / -math.expm1(-limit / mean) for _l, limit in lengths
        )
        return mean - cut / len(lengths) - observed

    low, high = observed, observed * 50
    if excess(high) < 0:
        return high
    for _step in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if excess(middle) < 0 else (low, middle)
    return (low + high) / 2


def seated_minutes(limits: list[float], mean: float) -> float:
    """Expected minutes seated over sittings that could last at most `limits` each."""
    return sum(mean * -math.expm1(-limit / mean) for limit in limits)


def record(room: Room, first: date, last: date, now: datetime, declared_share: float) -> Recorded:
    start, end = day_bounds(first)[0], day_bounds(last)[1]
    holds = list(Hold.objects.filter(seat__room=room, since__gte=start, since__lt=end))
    # Days the room was in use (any hold): days before records began would read as empty.
    used = sorted({hold.since.astimezone(Policy.zone()).date() for hold in holds}) or days(
        first, last
    )
    count = len(used)
    weekend_days = sum(1 for day in used if day.weekday() >= 5)
    split = 0 < weekend_days < count
    arrivals = [0.0] * HOURS
    weekend = [0.0] * HOURS

    def arrived(moment: datetime) -> None:
        local = moment.astimezone(Policy.zone())
        (weekend if split and local.weekday() >= 5 else arrivals)[local.hour] += 1

    stays, limits = [], []
    for hold in holds:
        stopped = min(hold.ended_at or hold.closes_at, hold.closes_at, now)
        limit = (min(hold.closes_at, now) - hold.since).total_seconds() / 60
        limits.append(limit)
        if hold.source == Hold.Source.CHECKIN:
            arrived(hold.since)
        if hold.end_reason == Hold.EndReason.RELEASED:
            stays.append(((stopped - hold.since).total_seconds() / 60, limit))
    clocks = list(
        Challenge.objects.filter(seat__room=room, started_at__gte=start, started_at__lt=end)
    )
    delays, delays_cut = [], []
    for clock in clocks:
        arrived(clock.started_at)
        if clock.status == Challenge.Status.CLAIMED and clock.ended_at:
            delays.append((clock.ended_at - clock.deadline).total_seconds() / 60)
        elif clock.status == Challenge.Status.LAPSED:
            delays_cut.append((clock.claim_until - clock.deadline).total_seconds() / 60)
    policy = room.effective_policy()
    step_out = policy.step_out.total_seconds() / 60
    scans = ScanRecord.objects.filter(
        seat__room=room, accepted=True, intent__in=["step-out", "return"], at__gte=start, at__lt=end
    ).order_by("at", "id")
    away: dict[tuple[int, int | None], datetime] = {}
    breaks: list[float] = []
    breaks_cut: list[float] = []
    for scan in scans:
        key = (scan.seat_id, scan.reader_id)
        if scan.intent == "step-out":
            if key in away:  # the last step-out here had no return: it ran over
                breaks_cut.append(step_out)
            away[key] = scan.at
        elif key in away:
            length = (scan.at - away.pop(key)).total_seconds() / 60
            (breaks if length <= step_out else breaks_cut).append(min(length, step_out))
    breaks_cut += [step_out] * len(away)
    step_outs = len(breaks) + len(breaks_cut)
    figures = [compute_day(day, now, [room])[room.pk] for day in used]
    claimed = Hold.objects.filter(
        seat__room=room, since__gte=start, since__lt=end, end_reason=Hold.EndReason.CLAIMED
    ).count()
    defaults = Behaviour(arrivals_per_hour=(0.0,) * HOURS)
    stay = truncated_mean(stays, defaults.stay_minutes)
    seated = seated_minutes(limits, stay)
    break_minutes = censored_mean(breaks, breaks_cut, defaults.break_minutes)
    return Recorded(
        days=count,
        first_day=used[0],
        seats=room.seats.filter(active=True).count(),
        arrivals_per_hour=[
            round(a / (count - weekend_days if split else count), 3) for a in arrivals
        ],
        weekend_arrivals_per_hour=[round(a / weekend_days, 3) for a in weekend] if split else None,
        stay_minutes=stay,
        break_minutes=break_minutes,
        break_every_minutes=(
            max(1.0, seated * declared_share / step_outs - break_minutes)
            if step_outs
            else defaults.break_every_minutes
        ),
        claim_delay_minutes=censored_mean(delays, delays_cut, defaults.claim_delay_minutes),
        claim_share=claimed / len(holds) if holds else 0.0,
        figures=mean_result([as_result(f) for f in figures]),
    )


def as_result(figures: object) -> DayResult:
    """The recorded figures of a day in the simulator's terms."""
    result = DayResult()
    for name in (
        "holds_started",
        "clocks_started",
        "clocks_returned",
        "clocks_claimed",
        "clocks_lapsed",
        "step_outs",
        "step_outs_overrun",
    ):
        setattr(result, name, getattr(figures, name))
    result.recovered_minutes = getattr(figures, "recovered_minutes", 0.0)
    result.held_minutes = list(getattr(figures, "held_minutes", [0.0] * HOURS))
    return result


def runs_for(recorded: Recorded) -> int:
    return max(recorded.days, 10)


def simulated(
    behaviour: Behaviour, policy: Policy, seats: int, first: date, runs: int, seed: int
) -> list[DayResult]:
    """`runs` simulated days, day n on the weekday of first + n, with seed + n."""
    return [
        simulate_day(behaviour, policy, seats, first + timedelta(days=n), seed + n).result
        for n in range(runs)
    ]


def claim_share(results: list[DayResult]) -> float:
    holds = sum(r.holds_started for r in results)
    return sum(r.clocks_claimed for r in results) / holds if holds else 0.0


def calibrate(
    room: Room,
    first: date,
    last: date,
    now: datetime,
    *,
    seed: int = 1,
    declared_share: float = 0.4,
) -> tuple[Behaviour, Recorded]:
    recorded = record(room, first, last, now, declared_share)
    behaviour = Behaviour(
        arrivals_per_hour=tuple(recorded.arrivals_per_hour),
        weekend_arrivals_per_hour=(
            tuple(recorded.weekend_arrivals_per_hour)
            if recorded.weekend_arrivals_per_hour
            else None
        ),
        stay_minutes=round(recorded.stay_minutes, 2),
        break_every_minutes=round(recorded.break_every_minutes, 2),
        break_minutes=round(recorded.break_minutes, 2),
        declared_share=declared_share,
        claim_delay_minutes=round(recorded.claim_delay_minutes, 2),
    )
    policy, runs = room.effective_policy(), runs_for(recorded)
    low, high = 0.0, 0.9
    for _step in range(BISECTION_STEPS):
        middle = (low + high) / 2
        trial = behaviour.with_values(leave_behind_share=middle)
        share = claim_share(
            simulated(trial, policy, recorded.seats, recorded.first_day, runs, seed)
        )
        low, high = (middle, high) if share < recorded.claim_share else (low, middle)
    return behaviour.with_values(leave_behind_share=round((low + high) / 2, 3)), recorded


# Checking the simulator against the records -------------------------------------------

COMPARED = (
    "holds_started",
    "clocks_started",
    "clocks_claimed",
    "clocks_returned",
    "recovered_minutes",
    "step_outs",
)


@dataclass
class Validation:
    rows: list[tuple[str, float, float, float | None]]  # figure, recorded, simulated, error

    @property
    def error(self) -> float | None:
        """The mean relative error over the figures the records have."""
        errors = [abs(e) for _n, _r, _s, e in self.rows if e is not None]
        return round(sum(errors) / len(errors), 3) if errors else None


def relative_error(recorded: float, simulated: float) -> float | None:
    return round((simulated - recorded) / recorded, 3) if recorded else None


def validate(behaviour: Behaviour, recorded: Recorded, policy: Policy, seed: int) -> Validation:
    runs = runs_for(recorded)
    mean = mean_result(simulated(behaviour, policy, recorded.seats, recorded.first_day, runs, seed))
    rows: list[tuple[str, float, float, float | None]] = []
    for name in COMPARED:
        rec, sim = float(getattr(recorded.figures, name)), float(getattr(mean, name))
        rows.append((name, round(rec, 2), round(sim, 2), relative_error(rec, sim)))
    rec_held, sim_held = sum(recorded.figures.held_minutes), sum(mean.held_minutes)
    rows.append(
        (
            "held_seat_hours",
            round(rec_held / 60, 1),
            round(sim_held / 60, 1),
            relative_error(rec_held, sim_held),
        )
    )
    return Validation(rows)
