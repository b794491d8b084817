"""Calibration reproduces a synthetic library whose true behaviour the test knows: its days
are simulated with that behaviour and written as records, then read back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seatback.analytics.calibration import calibrate, validate
from seatback.analytics.history import write_days
from seatback.analytics.simulation import Behaviour
from seatback.library.models import Library, Room, Seat
from tests.conftest import DAY, at, make_reader

CURVE = {7: 8, 8: 14, 9: 8, 10: 5, 11: 3, 13: 12, 14: 8, 15: 4, 16: 3, 18: 8, 19: 8, 20: 3}
TRUE = Behaviour(
    arrivals_per_hour=tuple(float(CURVE.get(hour, 0)) for hour in range(24)),
    stay_minutes=120.0,
    break_every_minutes=60.0,
    break_minutes=15.0,
    declared_share=0.4,
    leave_behind_share=0.25,
    claim_delay_minutes=4.0,
)
FIRST, LAST = DAY - timedelta(days=40), DAY - timedelta(days=1)


@pytest.fixture
def synthetic(library: Library) -> Room:
    room = Room.objects.create(library=library, name="合成阅览室", floor="4")
    Seat.objects.bulk_create(Seat(room=room, label=f"S-{n:02d}") for n in range(30))
    readers = [make_reader(f"2025{n:04d}", f"reader {n}") for n in range(40)]
    write_days(room, FIRST, LAST, seed=7, behaviour=TRUE, readers=readers)
    return room


def within(value: float, truth: float, share: float) -> bool:
    return abs(value - truth) <= share * truth


def test_calibration_finds_the_true_behaviour_and_reproduces_the_records(
    synthetic: Room,
) -> None:
    found, recorded = calibrate(synthetic, FIRST, LAST, at("09:00"), seed=3)

    assert within(sum(found.arrivals_per_hour), sum(TRUE.arrivals_per_hour), 0.10)
    assert within(found.arrivals_per_hour[8], TRUE.arrivals_per_hour[8], 0.10)
    assert found.arrivals_per_hour[12] == 0  # nobody arrives at lunch
    assert within(found.stay_minutes, TRUE.stay_minutes, 0.10)
    assert within(found.break_minutes, TRUE.break_minutes, 0.10)
    assert within(found.break_every_minutes, TRUE.break_every_minutes, 0.10)
    assert within(found.leave_behind_share, TRUE.leave_behind_share, 0.15)
    # about 130 claims in 40 days: the mean of an exponential from them is good to ~25 %
    assert within(found.claim_delay_minutes, TRUE.claim_delay_minutes, 0.25)
    # simulating the recorded days under the current policy gives back their figures
    check = validate(found, recorded, synthetic.effective_policy(), seed=11)
    assert check.error is not None and check.error < 0.15
    figures = {name: (rec, sim) for name, rec, sim, _error in check.rows}
    # ~3 claims a day over 40 days, recorded and simulated: each count is good to ~10 %
    assert within(figures["clocks_claimed"][1], figures["clocks_claimed"][0], 0.25)
    assert within(figures["held_seat_hours"][1], figures["held_seat_hours"][0], 0.05)
