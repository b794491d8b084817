"""What if the policy were different? Calibrate on a room's records, check the simulator
against them, then replay the same days under the current and the proposed policy values.
Used by `seatback simulate` and the back office's simulator page."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from seatback.analytics.calibration import (
    Recorded,
    Validation,
    calibrate,
    runs_for,
    simulated,
    validate,
)
from seatback.analytics.simulation import Behaviour, DayResult, mean_result
from seatback.library.models import Room
from seatback.library.policy import MINUTE_KEYS, Policy, clean

# The policy values a replay may change (the rule's; the others do not enter the model).
SIMULATED_KEYS = (*MINUTE_KEYS, "protected_windows", "opening_hours")
# Simulated days per policy for a prediction, unless asked otherwise.
PREDICTION_RUNS = 60
# What the replay reports, in order.
PREDICTED = (
    "recovered_minutes",
    "clocks_started",
    "clocks_claimed",
    "clocks_returned",
    "lost_on_break",
    "free_at_peak",
    "turned_away",
    "step_outs_overrun",
)


class UnsimulatedKey(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


@dataclass
class WhatIf:
    room: Room
    first: date
    last: date
    seed: int
    runs: int
    behaviour: Behaviour
    recorded: Recorded
    validation: Validation
    changes: dict[str, Any]
    current: DayResult
    proposed: DayResult | None
    current_days: list[DayResult]
    proposed_days: list[DayResult]

    def rows(self) -> list[tuple[str, float, float | None, float | None, float | None]]:
        """(figure, current, proposed, change, ± its standard error) per day. The two
        policies run on the same seeds, so the error is that of the paired differences."""
        rows: list[tuple[str, float, float | None, float | None, float | None]] = []
        for name in PREDICTED:
            now = float(getattr(self.current, name))
            if self.proposed is None:
                rows.append((name, now, None, None, None))
                continue
            then = float(getattr(self.proposed, name))
            differences = [
                float(getattr(b, name)) - float(getattr(a, name))
                for a, b in zip(self.current_days, self.proposed_days, strict=True)
            ]
            spread = (
                round(statistics.stdev(differences) / math.sqrt(len(differences)), 2)
                if len(differences) > 1
                else None
            )
            rows.append((name, now, then, round(then - now, 2), spread))
        return rows


def proposed_policy(room: Room, changes: dict[str, Any]) -> tuple[Policy, dict[str, Any]]:
    """The room's policy with `changes` (validated like `seatback policy set`)."""
    for key in changes:
        if key not in SIMULATED_KEYS:
            raise UnsimulatedKey(key)
    base = {**room.library.policy, **room.policy}
    cleaned = clean(changes, base)
    return Policy.from_values({**base, **cleaned}), cleaned


def what_if(
    room: Room,
    first: date,
    last: date,
    now: datetime,
    changes: dict[str, Any],
    *,
    seed: int = 1,
    runs: int | None = None,
    declared_share: float = 0.4,
) -> WhatIf:
    """Raises PolicyError or UnsimulatedKey for a bad change, before any work is done."""
    policy, cleaned = proposed_policy(room, changes) if changes else (room.effective_policy(), {})
    behaviour, recorded = calibrate(
        room, first, last, now, seed=seed, declared_share=declared_share
    )
    runs = runs or max(runs_for(recorded), PREDICTION_RUNS)
    current_policy = room.effective_policy()
    check = validate(behaviour, recorded, current_policy, seed)
    current_days = simulated(
        behaviour, current_policy, recorded.seats, recorded.first_day, runs, seed
    )
    proposed_days = (
        simulated(behaviour, policy, recorded.seats, recorded.first_day, runs, seed)
        if cleaned
        else []
    )
    return WhatIf(
        room,
        first,
        last,
        seed,
        runs,
        behaviour,
        recorded,
        check,
        cleaned,
        mean_result(current_days),
        mean_result(proposed_days) if cleaned else None,
        current_days,
        proposed_days,
    )
