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
    assert {room.floor for room in Room.objects.all()} == {"1", "2", "3"}
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
def test_the_demo_works_at_night_and_says_which_clock_the_library_runs_on(capsys) -> None:
    from seatback.core import clock
    from tests.conftest import at

    clock.travel_to(at("03:00"))  # 03:00 in Shanghai: every 07:00–22:30 room is closed
    call_command("demo", "--no-serve")
    printed = capsys.readouterr().out
    assert "Asia/Shanghai" in printed and "03:00" in printed and "UTC+0800" in printed
    open_now = [r.name for r in Room.objects.all() if r.effective_policy().is_open(clock.now())]
    assert open_now == ["一楼24小时自习室"]
    seat_line = next(line for line in printed.splitlines() if "A seat's QR" in line)
    assert "一楼24小时自习室" in seat_line


@pytest.mark.django_db
def test_the_port_goes_into_every_printed_link_and_label(capsys, monkeypatch, settings) -> None:
    from seatback.labels.codes import seat_url

    monkeypatch.setenv("SEATBACK_BASE_URL", "")  # restored after the test
    settings.BASE_URL_GIVEN = False  # as if unset
    settings.BASE_URL = settings.BASE_URL  # restored after the test
    settings.CSRF_TRUSTED_ORIGINS = settings.CSRF_TRUSTED_ORIGINS
    call_command("demo", "--no-serve", "--port", "8123")
    printed = capsys.readouterr().out
    links = [word for word in printed.split() if word.startswith("http")]
    assert links and all(link.startswith("http://localhost:8123/") for link in links)
    assert ":8000" not in printed
    seat = Seat.objects.first()
    assert seat is not None and seat_url(seat.code).startswith("http://localhost:8123/s/")


def test_demo_and_serve_listen_on_this_computer_unless_told() -> None:
    from seatback.ops.management.commands import demo, serve

    for command in (demo.Command(), serve.Command()):
        options = command.create_parser("seatback", "x").parse_args([])
        assert options.host == "127.0.0.1"
        everyone = "0.0.0.0"  # noqa: S104 - what a reader types to open it to a phone
        assert command.create_parser("seatback", "x").parse_args(["--host", everyone]).host == (
            everyone
        )


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
