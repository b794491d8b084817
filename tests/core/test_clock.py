"""The clock's zone for servers started by tests and benchmarks: the library's day at noon
whatever the hour, so a burst just before the library's midnight is not all refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from seatback.core.clock import midday_zone


def test_every_hour_of_the_day_is_noon_in_its_midday_zone() -> None:
    start = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)
    for hour in range(24):
        moment = start + timedelta(hours=hour)
        local = moment.astimezone(ZoneInfo(midday_zone(moment)))
        assert (local.hour, local.minute) == (12, 30), (hour, midday_zone(moment))


def test_a_quarter_of_an_hour_before_the_library_midnight_is_noon() -> None:
    # 23:45 in Shanghai, when the crash test saw only "the room closes" refusals
    moment = datetime(2026, 12, 1, 23, 45, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert moment.astimezone(ZoneInfo(midday_zone(moment))).strftime("%H:%M") == "12:45"
