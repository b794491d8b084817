"""The occupancy history: the worker stores each room's counts once per 15-minute step (any
number of workers, any number of rounds) and forgets steps older than a year."""

from __future__ import annotations

from datetime import timedelta

import pytest

from seatback.plans.models import OccupancySample
from seatback.plans.services import step_of
from seatback.reservations.worker import run_once
from seatback.seats.models import Hold
from tests.conftest import at

pytestmark = pytest.mark.django_db


def test_one_row_per_room_and_step_however_often_the_worker_runs(seat, other_seat, bob):
    Hold.objects.create(
        seat=seat, reader=bob, source=Hold.Source.CHECKIN, since=at("08:00"), closes_at=at("22:00")
    )
    assert run_once(at("09:07"))["occupancy_steps"] == 1
    assert run_once(at("09:14"))["occupancy_steps"] == 0
    assert run_once(at("09:15"))["occupancy_steps"] == 1
    rows = list(OccupancySample.objects.values_list("at", "counts"))
    assert [r[0] for r in rows] == [at("09:00"), at("09:15")]
    assert rows[0][1]["held"] == 1 and rows[0][1]["free"] == 1


def test_steps_older_than_a_year_are_forgotten(seat):
    run_once(at("09:00"))
    run_once(at("09:00") + timedelta(days=367))
    assert list(OccupancySample.objects.values_list("at", flat=True)) == [
        at("09:00") + timedelta(days=367)
    ]


def test_a_step_starts_on_the_quarter():
    assert step_of(at("09:44")) == at("09:30")
