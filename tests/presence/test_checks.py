"""Each presence check at its edges (pure functions: no database, the clock passed in)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from seatback.presence.checks import (
    EARTH_RADIUS_M,
    Position,
    check_location,
    check_network,
    check_rotating,
    distance_m,
    normalise_code,
    rotating_code,
    window_of,
)
from seatback.presence.passages import NoGates

NETWORKS = "10.20.0.0/16,192.168.1.0/24,2001:db8:1234::/48"
ROOM = (31.2304, 121.4737)  # a reading room's coordinates


# network -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["10.20.0.0", "10.20.255.255", "192.168.1.77", "2001:db8:1234:ffff::1", "::ffff:10.20.3.4"],
)
def test_an_address_inside_a_range_passes(address: str) -> None:
    verdict = check_network(address, NETWORKS)
    assert verdict.ok and verdict.reason == "ok"
    assert verdict.detail["address"] == address


@pytest.mark.parametrize(
    "address",
    ["10.21.0.0", "10.19.255.255", "192.168.2.1", "192.168.0.255", "2001:db8:1235::1", "8.8.8.8"],
)
def test_an_address_just_outside_a_range_is_refused(address: str) -> None:
    verdict = check_network(address, NETWORKS)
    assert not verdict.ok and verdict.reason == "outside_networks"


@pytest.mark.parametrize("address", [None, "", "not-an-address"])
def test_no_address_is_refused(address: str | None) -> None:
    assert check_network(address, NETWORKS).reason == "no_address"


# location ------------------------------------------------------------------------------


def north_of(metres: float, accuracy: float = 10) -> Position:
    """A position `metres` due north of the room."""
    return Position(ROOM[0] + math.degrees(metres / EARTH_RADIUS_M), ROOM[1], accuracy)


def east_of(metres: float, accuracy: float = 10) -> Position:
    lng = ROOM[1] + math.degrees(metres / (EARTH_RADIUS_M * math.cos(math.radians(ROOM[0]))))
    return Position(ROOM[0], lng, accuracy)


def test_haversine_agrees_with_a_known_distance() -> None:
    # Beijing (39.9042, 116.4074) to Shanghai (31.2304, 121.4737): about 1067 km.
    assert distance_m(39.9042, 116.4074, *ROOM) == pytest.approx(1_067_000, rel=0.005)


@pytest.mark.parametrize("place", [north_of, east_of])
def test_a_position_exactly_at_the_radius_passes_and_half_a_metre_beyond_is_refused(
    place: object,
) -> None:
    assert callable(place)
    at_radius = check_location(place(150), *ROOM, radius_m=150, accuracy_m=50)
    beyond = check_location(place(150.5), *ROOM, radius_m=150, accuracy_m=50)

    assert at_radius.ok, at_radius
    assert at_radius.detail["distance_m"] == pytest.approx(150, abs=0.01)
    assert not beyond.ok and beyond.reason == "too_far"


def test_accuracy_at_the_limit_passes_and_just_worse_is_refused() -> None:
    assert check_location(north_of(5, accuracy=50), *ROOM, radius_m=150, accuracy_m=50).ok
    worse = check_location(north_of(5, accuracy=50.1), *ROOM, radius_m=150, accuracy_m=50)
    assert not worse.ok and worse.reason == "too_imprecise"
    assert worse.detail["accuracy_m"] == 50.1


def test_no_position_is_refused_as_location_not_allowed() -> None:
    verdict = check_location(None, *ROOM, radius_m=150, accuracy_m=50)
    assert not verdict.ok and verdict.reason == "no_position"


def test_a_room_without_coordinates_cannot_be_checked_and_says_so() -> None:
    verdict = check_location(north_of(5000), None, None, radius_m=150, accuracy_m=50)
    assert verdict.ok and verdict.reason == "room_has_no_position"


# rotating ------------------------------------------------------------------------------

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # a window boundary for 60-second windows


def test_a_code_is_six_digits_and_differs_by_room_window_and_length() -> None:
    window = window_of(START, 60)
    code = rotating_code(7, window, 60)
    assert len(code) == 6 and code.isdigit()
    others = {rotating_code(8, window, 60), rotating_code(7, window + 1, 60)}
    others.add(rotating_code(7, window_of(START, 30), 30))
    assert code not in others


def test_the_current_code_passes_at_both_ends_of_its_window() -> None:
    code = rotating_code(7, window_of(START, 60), 60)
    first = check_rotating(code, 7, 60, START)
    last = check_rotating(code, 7, 60, START + timedelta(seconds=59.999))
    assert first.ok and first.detail == {"window": window_of(START, 60), "age": 0}
    assert last.ok and last.detail["age"] == 0


def test_a_code_one_window_old_passes_and_two_windows_old_is_refused() -> None:
    code = rotating_code(7, window_of(START, 60), 60)

    one_old = check_rotating(code, 7, 60, START + timedelta(seconds=60))
    still_one_old = check_rotating(code, 7, 60, START + timedelta(seconds=119.999))
    two_old = check_rotating(code, 7, 60, START + timedelta(seconds=120))

    assert one_old.ok and one_old.detail["age"] == 1
    assert still_one_old.ok
    assert not two_old.ok and two_old.reason == "wrong_code"


def test_a_code_from_the_next_window_is_refused() -> None:
    """The server is the only clock: a code from the future was not shown on any screen."""
    code = rotating_code(7, window_of(START, 60) + 1, 60)
    assert not check_rotating(code, 7, 60, START).ok


def test_a_code_from_another_room_is_refused() -> None:
    code = rotating_code(8, window_of(START, 60), 60)
    assert check_rotating(code, 7, 60, START).reason == "wrong_code"


def test_a_forged_code_is_refused() -> None:
    real = rotating_code(7, window_of(START, 60), 60)
    forged = str((int(real) + 1) % 1_000_000).zfill(6)
    assert check_rotating(forged, 7, 60, START).reason == "wrong_code"


def test_codes_depend_on_the_secret_key() -> None:
    window = window_of(START, 60)
    code = rotating_code(7, window, 60)
    with override_settings(SECRET_KEY="another installation's key"):
        assert rotating_code(7, window, 60) != code
        assert not check_rotating(code, 7, 60, START).ok


def test_a_replayed_code_passes_again_within_its_validity() -> None:
    """The screen is read by everyone in the room: reuse inside the window is expected."""
    code = rotating_code(7, window_of(START, 60), 60)
    assert check_rotating(code, 7, 60, START + timedelta(seconds=10)).ok
    assert check_rotating(code, 7, 60, START + timedelta(seconds=70)).ok
    assert not check_rotating(code, 7, 60, START + timedelta(seconds=130)).ok


@pytest.mark.parametrize("text", ["", "12345", "1234567", "12a456", "１２３４５６"])
def test_what_is_not_six_ascii_digits_is_no_code(text: str) -> None:
    assert normalise_code(text) == ""
    assert check_rotating(text, 7, 60, START).reason == "no_code"


def test_spaces_in_a_typed_code_do_not_matter() -> None:
    code = rotating_code(7, window_of(START, 60), 60)
    assert check_rotating(f" {code[:3]} {code[3:]} ", 7, 60, START).ok


# gate ----------------------------------------------------------------------------------


def test_without_a_gate_system_nobody_has_entered() -> None:
    assert NoGates().inside(1, 12, START) == (False, "no_gate_events")
