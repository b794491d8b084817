"""At the door's QR: the organiser, or enough members; too early; someone else's time;
no-shows become violations and free the space; ending early gives time back."""

from __future__ import annotations

import pytest

from seatback.core import rounds
from seatback.core.errors import Refusal
from seatback.readers.models import Reader, Violation
from seatback.spaces import services
from seatback.spaces.models import Space, SpaceBooking
from tests.conftest import at
from tests.spaces.conftest import hours


@pytest.fixture
def confirmed(study: Space, alice: Reader, bob: Reader, carol: Reader) -> SpaceBooking:
    booking = services.book(
        study, alice, *hours("14:00", 2), ["20230002", "20230003"], now=at("09:00")
    )
    services.confirm(booking, bob, now=at("09:01"))
    return services.confirm(booking, carol, now=at("09:02"))


def door(space: Space, reader: Reader, when: str) -> str:
    return services.checkin(space, reader, now=at(when)).outcome


def door_refusal(space: Space, reader: Reader, when: str) -> Refusal:
    with pytest.raises(Refusal) as caught:
        services.checkin(space, reader, now=at(when))
    return caught.value


def test_members_check_in_until_the_smallest_group_is_there(
    study: Space, confirmed: SpaceBooking, bob: Reader, carol: Reader, alice: Reader
) -> None:
    assert door_refusal(study, bob, "13:30").code == "too_early"
    assert door(study, bob, "13:50") == "member_checked_in"
    assert door(study, carol, "13:55") == "member_checked_in"
    assert door(study, alice, "13:56") == "checked_in"  # the third, who is also the organiser
    assert SpaceBooking.objects.get().status == "checked_in"


def test_the_organiser_alone_checks_the_group_in(
    study: Space, confirmed: SpaceBooking, alice: Reader
) -> None:
    assert door(study, alice, "14:05") == "checked_in"


def test_someone_elses_time_is_refused_at_the_door(
    study: Space, confirmed: SpaceBooking, dave: Reader
) -> None:
    assert door_refusal(study, dave, "14:05").code == "reserved"


def test_a_no_show_is_a_violation_and_frees_the_space_for_walk_ins(
    study: Space, confirmed: SpaceBooking, alice: Reader, dave: Reader, bob: Reader, carol: Reader
) -> None:
    # Check-in closes 30 minutes after the start (the policy's checkin_after_minutes).
    assert rounds.run_all(at("14:29"))["space_no_shows"] == 0
    assert rounds.run_all(at("14:30"))["space_no_shows"] == 1
    (violation,) = Violation.objects.all()
    assert (violation.reader, violation.kind, violation.at) == (alice, "no_show", at("14:30"))
    walk_in = services.book(study, dave, *hours("15:00"), ["20230002", "20230003"], now=at("14:35"))
    assert walk_in.status == "pending"


def test_ending_early_gives_the_later_slots_back(
    study: Space, confirmed: SpaceBooking, alice: Reader, dave: Reader
) -> None:
    door(study, alice, "14:00")
    services.end_early(confirmed, alice, now=at("14:20"))
    cells = {c.start: c.state for c in services.day_grid(study, at("09:00").date(), at("14:21"))}
    assert (cells[at("14:00")], cells[at("15:00")]) == ("booked", "free")
