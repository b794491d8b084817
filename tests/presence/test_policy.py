"""The presence policy keys: validated, canonical, set and shown by `seatback policy`."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from seatback.library.models import Library, Room
from seatback.library.policy import PolicyError, clean
from tests.commands.conftest import run
from tests.commands.test_policy import line_of


def test_presence_is_a_set_of_known_checks_in_canonical_order() -> None:
    assert clean({"presence": " Rotating, location,rotating "}) == {"presence": "location,rotating"}
    assert clean({"presence": ""}) == {"presence": ""}


def test_an_unknown_check_is_refused_naming_it() -> None:
    with pytest.raises(PolicyError, match="wifi") as info:
        clean({"presence": "wifi"})
    assert info.value.key == "presence"


def test_networks_are_cidr_ranges_ipv4_or_ipv6_kept_canonical() -> None:
    cleaned = clean({"presence_networks": "10.20.0.0/16, 2001:DB8::/32,192.168.1.5/24"})
    assert cleaned == {"presence_networks": "10.20.0.0/16,2001:db8::/32,192.168.1.0/24"}


@pytest.mark.parametrize("value", ["10.0.0.0/33", "campus", "10.0.0.0/8;"])
def test_a_network_that_does_not_parse_is_refused(value: str) -> None:
    with pytest.raises(PolicyError) as info:
        clean({"presence_networks": value})
    assert info.value.key == "presence_networks"


def test_the_network_check_needs_networks() -> None:
    with pytest.raises(PolicyError) as info:
        clean({"presence": "network"})
    assert info.value.key == "presence_networks"
    assert clean({"presence": "network"}, base={"presence_networks": "10.0.0.0/8"})


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [
        ("presence_radius_m", 10, 100_000),
        ("presence_accuracy_m", 5, 100_000),
        ("rotating_seconds", 10, 3600),
        ("gate_hours", 1, 48),
    ],
)
def test_numbers_have_limits(key: str, low: int, high: int) -> None:
    assert clean({key: str(low)}) == {key: low}
    assert clean({key: high}) == {key: high}
    for bad in (low - 1, high + 1, "ten", "1.5"):
        with pytest.raises(PolicyError) as info:
            clean({key: bad})
        assert info.value.key == key


def test_policy_set_and_show_on_a_room(library: Library, room: Room) -> None:
    run("policy", "set", "presence_networks=10.20.0.0/16")
    out, _err = run(
        "policy", "set", "--room", room.name, "presence=network,rotating", "rotating_seconds=30"
    )

    room.refresh_from_db()
    assert room.policy == {"presence": "network,rotating", "rotating_seconds": 30}
    assert line_of(out, "presence").split() == ["*", "presence", "network,rotating", "room"]
    assert line_of(out, "rotating_seconds").split() == ["*", "rotating_seconds", "30", "room"]
    assert line_of(out, "presence_networks").split() == [
        "presence_networks",
        "10.20.0.0/16",
        "library",
    ]


def test_a_library_without_networks_cannot_leave_a_room_with_the_network_check(
    library: Library, room: Room
) -> None:
    run("policy", "set", "presence_networks=10.20.0.0/16")
    run("policy", "set", "--room", room.name, "presence=network")

    with pytest.raises(CommandError, match="presence_networks"):
        run("policy", "set", "--unset", "presence_networks")

    library.refresh_from_db()
    assert library.policy == {"presence_networks": "10.20.0.0/16"}


def test_show_warns_about_a_location_check_in_a_room_without_coordinates(
    library: Library, room: Room
) -> None:
    out, _err = run("policy", "set", "--room", room.name, "presence=location")
    assert "no coordinates" in out

    room.latitude, room.longitude = 31.2, 121.4
    room.save()
    out, _err = run("policy", "show", "--room", room.name)
    assert "no coordinates" not in out
