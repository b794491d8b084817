"""`seatback rollup` stores each past day's figures once; what it stores equals the
figures computed from the records."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

from django.core.management import call_command

from seatback.analytics.figures import compute_day
from seatback.analytics.models import DayFigures, RollupDay
from seatback.analytics.rollup import claim, roll_up
from seatback.analytics.selectors import by_room_and_day
from seatback.core import clock
from seatback.library.models import Room
from tests.conftest import DAY


def test_the_roll_up_equals_the_raw_computation(room: Room, history: datetime) -> None:
    raw = compute_day(DAY, history)

    assert roll_up(DAY - timedelta(days=1), DAY, history) == [DAY - timedelta(days=1), DAY]

    assert RollupDay.objects.get(day=DAY).done_at == history
    stored = by_room_and_day(DAY, DAY, history)
    assert stored[(room.pk, DAY)] == raw[room.pk]
    assert stored[(None, DAY)] == raw[None]
    assert stored[(room.pk, DAY)].clocks_claimed == 1


def test_a_day_is_rolled_up_once_and_today_not_at_all(room: Room, history: datetime) -> None:
    assert roll_up(DAY, DAY + timedelta(days=5), history) == [DAY]  # the 2nd is today
    assert roll_up(DAY, DAY, history) == []
    assert DayFigures.objects.filter(day=DAY).count() == 2  # the room and the library


def test_a_claimed_day_is_left_to_its_worker_until_the_claim_goes_stale(
    room: Room, history: datetime
) -> None:
    assert claim(DAY, history, "worker-1")
    assert not claim(DAY, history + timedelta(minutes=5), "worker-2")
    assert claim(DAY, history + timedelta(minutes=20), "worker-3")


def test_the_command_reports_the_days_it_rolled_up(room: Room, history: datetime) -> None:
    clock.travel_to(history + timedelta(hours=3))
    out = StringIO()

    call_command("rollup", stdout=out)

    assert f"rolled up 1 day(s): {DAY}" in out.getvalue()
    call_command("rollup", "--redo", "--since", str(DAY), stdout=out)
    assert out.getvalue().count("rolled up 1 day(s)") == 2


def test_the_worker_rolls_up_yesterday_once(db: None) -> None:
    from seatback.analytics.models import RollupDay
    from seatback.core import rounds
    from tests.conftest import at

    assert rounds.run_all(at("09:00"))["analytics_rollup"] == 1
    assert rounds.run_all(at("09:15"))["analytics_rollup"] == 0
    assert RollupDay.objects.filter(done_at__isnull=False).count() == 1
