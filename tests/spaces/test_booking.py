"""Group bookings: companions by card number, confirmation, limits, blocks, refusals."""

from __future__ import annotations

import pytest
from django.utils import translation

from seatback.core import rounds
from seatback.core.errors import Refusal
from seatback.notifications.models import Notice
from seatback.readers.models import Reader, Violation
from seatback.spaces import services
from seatback.spaces.models import Space, SpaceBooking
from tests.conftest import at
from tests.spaces.conftest import hours


def refused(*args: object, **kwargs: object) -> Refusal:
    """The refusal, its message read in English."""
    with translation.override("en"), pytest.raises(Refusal) as caught:
        services.book(*args, **kwargs)  # type: ignore[arg-type]
    with translation.override("en"):
        caught.value.english = caught.value.message  # type: ignore[attr-defined]
    return caught.value


def test_a_group_booking_holds_once_the_smallest_group_confirmed(
    study: Space, alice: Reader, bob: Reader, carol: Reader
) -> None:
    booking = services.book(
        study, alice, *hours("14:00", 2), ["20230002", "20230003"], now=at("09:00")
    )
    assert booking.status == "pending"
    invited = set(Notice.objects.filter(kind="space_invite").values_list("reader__name", flat=True))
    assert invited == {"Bob 王", "Carol 张"}
    assert services.confirm(booking, bob, now=at("09:10")).status == "pending"  # 2 of 3
    assert services.confirm(booking, carol, now=at("09:20")).status == "confirmed"


def test_an_unconfirmed_group_is_released_at_the_deadline_and_nobody_is_penalised(
    study: Space, alice: Reader, bob: Reader, carol: Reader, dave: Reader
) -> None:
    booking = services.book(
        study, alice, *hours("14:00"), ["20230002", "20230003"], now=at("09:00")
    )
    assert booking.confirm_by == at("13:45")  # when check-in opens (15 minutes before)
    services.confirm(booking, bob, now=at("10:00"))
    assert rounds.run_all(at("13:44"))["space_groups_released"] == 0
    assert rounds.run_all(at("13:45"))["space_groups_released"] == 1
    assert SpaceBooking.objects.get().status == "released"
    assert not Violation.objects.exists()
    # The time is free again: another group books it.
    again = services.book(study, dave, *hours("14:00"), ["20230002", "20230003"], now=at("13:46"))
    assert again.status == "pending"


def test_the_group_must_be_big_enough_and_fit(study: Space, alice: Reader, bob: Reader) -> None:
    small = refused(study, alice, *hours("14:00"), ["20230002"], now=at("09:00"))
    assert small.code == "invalid_request" and "at least 3" in small.english
    many = [f"2099{n:04d}" for n in range(6)]
    for card in many:
        Reader.objects.create_user(card, "x", name=card)
    assert "holds 6" in refused(study, alice, *hours("14:00"), many, now=at("09:00")).english
    unknown = refused(study, alice, *hours("14:00"), ["20230002", "nobody"], now=at("09:00"))
    assert "nobody" in unknown.english
    assert not SpaceBooking.objects.exists()


def test_companions_hours_count_against_their_own_limits(
    study: Space, carrel: Space, alice: Reader, bob: Reader, carol: Reader
) -> None:
    # Bob already has three hours in the carrel that day (his whole allowance).
    services.book(carrel, bob, *hours("09:00", 3), [], now=at("09:00"))
    refusal = refused(study, alice, *hours("14:00"), ["20230002", "20230003"], now=at("09:00"))
    assert refusal.code == "limit_reached" and "Bob 王" in refusal.english


def test_a_blocked_space_refuses_bookings_with_the_reason(
    study: Space, lin: Reader, alice: Reader, bob: Reader, carol: Reader
) -> None:
    services.block(
        lin, study, start=at("13:00"), end=at("17:00"), reason="设备维修", now=at("09:00")
    )
    refusal = refused(study, alice, *hours("14:00"), ["20230002", "20230003"], now=at("09:00"))
    assert refusal.code == "seat_unavailable" and "设备维修" in refusal.english
    cells = {c.start: c for c in services.day_grid(study, at("09:00").date(), at("09:00"))}
    assert (cells[at("14:00")].state, cells[at("14:00")].note) == ("blocked", "设备维修")


def test_an_overlapping_booking_is_refused(carrel: Space, alice: Reader, bob: Reader) -> None:
    services.book(carrel, alice, *hours("10:00", 2), [], now=at("09:00"))
    assert refused(carrel, bob, *hours("11:00"), [], now=at("09:00")).code == "seat_unavailable"


def test_a_librarian_books_on_a_readers_behalf_and_a_reader_may_not(
    carrel: Space, lin: Reader, alice: Reader, bob: Reader
) -> None:
    made = services.book(carrel, alice, *hours("10:00"), [], now=at("09:00"), booked_by=lin)
    assert (made.organiser, made.booked_by) == (alice, lin)
    assert (
        refused(carrel, alice, *hours("12:00"), [], now=at("09:00"), booked_by=bob).code
        == "forbidden"
    )
