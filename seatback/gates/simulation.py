"""A realistic day at the gates, for demos, tests and benchmarks (`seatback gate simulate`).

Arrivals spread over the day with a morning peak, about half the readers going out for
lunch and coming back, a few out for dinner, everyone leaving by closing time (a few
forget to swipe out). The plan is a pure function of its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from seatback.gates.models import Gate
from seatback.library.policy import Policy


@dataclass(frozen=True)
class Planned:
    gate: str
    event_id: str
    direction: str
    card: str
    at: datetime


def _local(day: date, minutes: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=Policy.zone()) + timedelta(minutes=minutes)


def plan_day(
    cards: list[str], gates: list[str], day: date, *, seed: int = 1, forget_out: float = 0.03
) -> list[Planned]:
    """Every passage of the day, in time order."""
    rng = random.Random(seed)
    events: list[Planned] = []

    def add(card: str, direction: str, minutes: float) -> None:
        gate = rng.choice(gates)
        at = _local(day, minutes).replace(microsecond=0)
        events.append(Planned(gate, f"{day:%Y%m%d}-{card}-{len(events)}", direction, card, at))

    for card in cards:
        # Arrive: the morning peak at 8:15, some later in the day.
        arrive = rng.gauss(8.25 * 60, 25) if rng.random() < 0.7 else rng.uniform(9 * 60, 18 * 60)
        arrive = min(max(arrive, 7 * 60 + 1), 20 * 60)
        leave = min(max(arrive + rng.uniform(2 * 60, 11 * 60), arrive + 60), 22 * 60 + 20)
        add(card, "in", arrive)
        for start, end, share in ((11 * 60 + 30, 13 * 60, 0.5), (17 * 60 + 30, 18 * 60 + 30, 0.2)):
            out = rng.uniform(start, end)
            if arrive < out and out + 90 < leave and rng.random() < share:
                add(card, "out", out)
                add(card, "in", out + rng.uniform(20, 80))
        if rng.random() >= forget_out:
            add(card, "out", leave)
    return sorted(events, key=lambda e: (e.at, e.event_id))


def entrance_gates() -> list[Gate]:
    return list(Gate.objects.filter(active=True, floor="").select_related("building"))
