"""Figures computed from the records agree with the same figures worked out by hand on the
constructed history (conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from seatback.analytics.figures import compute_day
from seatback.analytics.selectors import report
from seatback.library.models import Room
from tests.conftest import DAY, at


def test_a_rooms_day_counts_what_happened(room: Room, history: datetime) -> None:
    figures = compute_day(DAY, history)[room.pk]

    assert figures.seats == 2
    assert figures.holds_started == 2 and figures.turnover == 1.0
    assert (figures.clocks_started, figures.clocks_returned, figures.clocks_claimed) == (3, 1, 1)
    assert figures.clocks_lapsed == 1
    assert figures.recovered_minutes == 5 + 25
    assert (figures.step_outs, figures.step_outs_overrun) == (1, 1)
    assert (figures.bookings, figures.no_shows, figures.cancellations) == (3, 1, 1)
    assert figures.violations == 2


def test_occupancy_by_hour_is_held_over_open_seat_minutes(room: Room, history: datetime) -> None:
    by_hour = compute_day(DAY, history)[room.pk].occupancy_by_hour()

    assert by_hour[6] is None  # closed before 07:00
    assert by_hour[8] == 0
    assert by_hour[9] == round(55 / 120, 4)  # bob from 09:05 on one of two seats
    assert by_hour[10] == by_hour[14] == by_hour[15] == 0.5
    assert by_hour[16] == 0
    assert compute_day(DAY, history)[room.pk].busiest_hours() == [10, 11, 12]


def test_the_library_row_holds_bans_and_violations_without_a_seat(history: datetime) -> None:
    library = compute_day(DAY, history)[None]

    assert (library.bans, library.violations) == (1, 1)


def test_a_clock_still_running_is_not_yet_lapsed(room: Room, history: datetime) -> None:
    at_1510 = compute_day(DAY, at("15:10"))[room.pk]

    assert at_1510.clocks_started == 3 and at_1510.clocks_lapsed == 0
    # and carol's hold, and the open seat-minutes, count only up to now
    assert at_1510.held_minutes[15] == 10
    assert at_1510.open_minutes[15] == 2 * 10 and at_1510.open_minutes[16] == 0


def test_the_range_adds_up_per_room_floor_and_weekday(room: Room, history: datetime) -> None:
    # asked on the evening of the 4th; the days before the first record are left out
    week = report(
        DAY - timedelta(days=3), DAY + timedelta(days=6), at("20:00", DAY + timedelta(days=3))
    )

    assert week.total().clocks_started == 3 and week.total().bans == 1
    [(floor, on_floor)] = week.per_floor()
    assert floor == "2" and on_floor.recovered_minutes == 30
    assert week.heat_map()[DAY.weekday()][10] == 0.5
    assert week.heat_map()[DAY.weekday() + 1][10] == 0  # open, nobody held a seat
    [(_room, curve)] = week.curves()
    # four open days, one of them with half the seats held at 10:00
    assert curve[10] == round(0.5 / 4, 4)
    assert week.heat_map()[DAY.weekday() + 3][21] is None  # not yet open at 21:00
