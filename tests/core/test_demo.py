"""`seatback demo` builds a demo library; building it again duplicates nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from seatback.library.models import Room, Seat
from seatback.readers.models import Reader


def counts() -> tuple[int, int, int, list[str]]:
    codes = list(Seat.objects.order_by("pk").values_list("code", flat=True))
    return Room.objects.count(), Seat.objects.count(), Reader.objects.count(), codes


@pytest.mark.django_db
def test_the_demo_has_rooms_on_two_floors_seats_with_positions_and_people(capsys) -> None:
    call_command("demo", "--no-serve")
    printed = capsys.readouterr().out
    assert {room.floor for room in Room.objects.all()} == {"2", "3"}
    assert Seat.objects.count() >= 200
    assert Seat.objects.exclude(x=0, y=0).count() > Seat.objects.count() // 2
    assert any("power" in seat.features for seat in Seat.objects.all())
    assert Reader.objects.filter(is_staff=False).count() >= 30
    assert Reader.objects.filter(is_staff=True, is_superuser=False).count() == 1
    assert Reader.objects.filter(is_superuser=True).count() == 1
    for line in ("20260001", "reader123", "L0001", "admin", "/s/"):
        assert line in printed
    assert Reader.objects.get(card_number="L0001").check_password("librarian123")


@pytest.mark.django_db
def test_building_the_demo_twice_duplicates_nothing_and_keeps_the_qr_codes() -> None:
    call_command("demo", "--no-serve")
    first = counts()
    call_command("demo", "--no-serve")
    assert counts() == first


@pytest.mark.django_db
def test_the_demo_has_books_and_a_reader_with_loans(capsys) -> None:
    from seatback.catalogue.search import embedded_search
    from seatback.circulation.models import Loan

    call_command("demo", "--no-serve")
    call_command("demo", "--no-serve")
    assert "/library/loans (card 20260003" in capsys.readouterr().out
    assert [hit.title for hit in embedded_search("三体").hits] == [
        "三体",
        "三体Ⅱ：黑暗森林",
        "三体Ⅲ：死神永生",
    ]
    assert Loan.objects.filter(reader__card_number="20260003").count() == 3
