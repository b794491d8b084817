"""Policy validation (`clean`) and resolution: every error names the key it is about."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import translation

from seatback.library.policy import DEFAULTS, Policy, PolicyError, clean
from tests.conftest import at


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def error_for(values: dict[str, object], base: dict[str, object] | None = None) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        clean(values, base)
    return info.value


@pytest.mark.parametrize(
    "value",
    [
        "lunch",
        "11:30",
        "11:30-13:00;17:30-18:30",
        "11.30-13.00",
        "11:30-25:00",
        "11:60-13:00",
        "-1:00-02:00",
        "11:30-1300",
        "11:3-13:00",
    ],
)
def test_a_protected_window_that_does_not_parse_is_refused_naming_the_key(value: str) -> None:
    error = error_for({"protected_windows": value})

    assert error.key == "protected_windows"
    assert str(error).startswith("protected_windows: ")
    assert "07:00-22:30" in str(error)  # shows what a range looks like


def test_a_protected_window_that_ends_before_it_starts_is_refused() -> None:
    error = error_for({"protected_windows": "13:00-11:30"})
    assert error.key == "protected_windows"
    assert "ends before it starts" in str(error)


def test_overlapping_protected_windows_are_refused() -> None:
    error = error_for({"protected_windows": "11:30-13:00,12:30-14:00"})
    assert error.key == "protected_windows"
    assert "overlap" in str(error)


@pytest.mark.parametrize(
    "key",
    [
        "leave_allowance_minutes",
        "claim_window_minutes",
        "return_cooldown_minutes",
        "step_out_minutes",
    ],
)
def test_a_negative_number_of_minutes_is_refused_naming_the_key(key: str) -> None:
    error = error_for({key: -5})
    assert error.key == key
    assert str(error) == f"{key}: must not be negative"


@pytest.mark.parametrize("value", ["twenty", "20.5", "", None, "20 min"])
def test_minutes_that_are_not_a_whole_number_are_refused(value: object) -> None:
    error = error_for({"claim_window_minutes": value})
    assert error.key == "claim_window_minutes"
    assert "whole number of minutes" in str(error)


def test_an_allowance_longer_than_the_opening_hours_is_refused() -> None:
    error = error_for({"leave_allowance_minutes": 15 * 60 + 31})  # 07:00-22:30 is 930 minutes
    assert error.key == "leave_allowance_minutes"
    assert "longer than the opening hours 07:00-22:30" in str(error)
    assert clean({"leave_allowance_minutes": 930}) == {"leave_allowance_minutes": 930}


def test_shorter_opening_hours_are_checked_against_the_allowance_already_set() -> None:
    """A room override is validated on top of the library's policy (`base`)."""
    error = error_for({"opening_hours": "08:00-08:30"}, base={"leave_allowance_minutes": 45})
    assert error.key == "leave_allowance_minutes"


@pytest.mark.parametrize("key", ["leave_allowance_minutes", "claim_window_minutes"])
def test_a_zero_allowance_or_claim_window_is_refused(key: str) -> None:
    """With no claim window a clock would lapse the moment it ran out: nobody could claim."""
    error = error_for({key: 0})
    assert error.key == key
    assert str(error) == f"{key}: must be at least 1 minute"


def test_no_cooldown_is_a_policy_a_library_may_choose() -> None:
    assert clean({"return_cooldown_minutes": "0"}) == {"return_cooldown_minutes": 0}


def test_opening_hours_must_be_one_forward_range() -> None:
    assert error_for({"opening_hours": "22:30-07:00"}).key == "opening_hours"
    assert error_for({"opening_hours": "07:00-12:00,13:00-22:30"}).key == "opening_hours"
    assert error_for({"opening_hours": "always"}).key == "opening_hours"


def test_an_unknown_key_is_refused_and_the_known_keys_are_listed() -> None:
    error = error_for({"leave_allowance": 20})
    assert error.key == "leave_allowance"
    for key in DEFAULTS:
        assert key in str(error)


def test_good_values_come_back_canonical() -> None:
    cleaned = clean(
        {
            "leave_allowance_minutes": " 25 ",
            "claim_window_minutes": "5",
            "protected_windows": " 17:30-18:30 , 7:15-8:00 ",
            "opening_hours": "7:00-24:00",
        }
    )
    assert cleaned == {
        "leave_allowance_minutes": 25,
        "claim_window_minutes": 5,
        "protected_windows": "07:15-08:00,17:30-18:30",
        "opening_hours": "07:00-24:00",
    }
    assert clean({"protected_windows": ""}) == {"protected_windows": ""}


def test_the_defaults_are_the_specs() -> None:
    policy = Policy.from_values({})
    assert policy.leave_allowance == timedelta(minutes=20)
    assert policy.claim_window == timedelta(minutes=15)
    assert policy.return_cooldown == timedelta(minutes=10)
    assert policy.step_out == timedelta(minutes=30)
    assert policy.protected_windows == ((time(11, 30), time(13)), (time(17, 30), time(18, 30)))
    assert policy.opening_hours == (time(7), time(22, 30))
    assert clean(DEFAULTS) == DEFAULTS


def test_local_times_become_aware_instants_in_the_librarys_zone() -> None:
    policy = Policy.from_values({})
    assert policy.opening(at("09:00")) == (at("07:00"), at("22:30"))
    assert policy.opening(at("09:00")).__getitem__(0).utcoffset() == timedelta(hours=8)
    assert policy.is_open(at("07:00")) and not policy.is_open(at("22:30"))
    assert policy.protected_window_at(at("12:00")) == (at("11:30"), at("13:00"))
    assert policy.protected_window_at(at("13:00")) is None


def test_opening_until_midnight_closes_at_the_start_of_the_next_day() -> None:
    policy = Policy.from_values({"opening_hours": "07:00-24:00"})
    closes = policy.opening(at("23:00"))[1]
    assert closes == at("23:59") + timedelta(minutes=1)
    assert policy.is_open(at("23:59"))


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        ("09:00", "09:20"),
        ("11:10", "11:30"),  # ends as the window starts
        ("11:20", "13:10"),  # 10 before lunch, 10 after
        ("11:29", "13:19"),
        ("13:00", "13:20"),
        ("17:05", "17:25"),
        ("17:25", "18:45"),
    ],
)
def test_deadline_skips_protected_windows(start: str, deadline: str) -> None:
    assert Policy.from_values({}).deadline(at(start)) == at(deadline)


def test_a_long_allowance_skips_every_window_it_crosses() -> None:
    policy = Policy.from_values({"leave_allowance_minutes": 300})
    # 09:00 + 150 min = 11:30; lunch; 13:00 + 150 min = 15:30
    assert policy.deadline(at("09:00")) == at("15:30")
    # 11:00: 30 min, lunch, 270 min from 13:00 would be 17:30: evening window starts, done
    assert policy.deadline(at("11:00")) == at("17:30")
    assert Policy.from_values({"leave_allowance_minutes": 301}).deadline(at("11:00")) == at("18:31")


@pytest.mark.parametrize("key", ["step_out_minutes", "leave_allowance_minutes"])
def test_a_zero_step_out_or_allowance_is_refused_naming_the_key(key: str) -> None:
    with pytest.raises(PolicyError) as refused:
        clean({key: "0"})
    assert refused.value.key == key


def test_a_value_longer_than_a_day_is_refused_before_it_can_overflow() -> None:
    with pytest.raises(PolicyError) as refused:
        clean({"return_cooldown_minutes": str(10**13)})
    assert refused.value.key == "return_cooldown_minutes"
    assert clean({"return_cooldown_minutes": "1440"}) == {"return_cooldown_minutes": 1440}


def test_gate_rule_keys_have_their_defaults_and_are_checked() -> None:
    assert (DEFAULTS["gate_checkin"], DEFAULTS["gate_exit_minutes"]) == ("no", 30)
    assert clean({"gate_checkin": "Yes", "gate_exit_minutes": "0"}) == {
        "gate_checkin": "yes",
        "gate_exit_minutes": 0,
    }
    assert error_for({"gate_checkin": "sometimes"}).key == "gate_checkin"
    assert "from 0 to 240" in str(error_for({"gate_exit_minutes": "241"}))
