"""The reader's space pages: the day grid, booking with companions, confirming, the door."""

from __future__ import annotations

from django.test import Client

from seatback.readers.models import Reader
from seatback.spaces.models import Space, SpaceBooking
from tests.conftest import at
from tests.pages.conftest import page_text


def phone(reader: Reader) -> Client:
    client = Client()
    client.force_login(reader)
    client.cookies["django_language"] = "en"
    return client


def test_book_confirm_and_check_in_through_the_pages(
    study: Space, alice: Reader, bob: Reader, carol: Reader
) -> None:
    grid = page_text(phone(alice).get(f"/spaces/{study.pk}"))
    assert "研讨室 A" in grid and "14:00 free" in grid
    done = phone(alice).post(
        f"/spaces/{study.pk}/book",
        {"start": at("14:00").isoformat(), "minutes": "60", "companions": "20230002，20230003"},
        follow=True,
    )
    assert "Booked. Your companions are asked to confirm." in page_text(done)
    booking = SpaceBooking.objects.get()
    mine = page_text(phone(bob).get("/spaces/mine"))
    assert "Confirm I will come" in mine
    phone(bob).post(f"/spaces/mine/{booking.pk}/confirm")
    phone(carol).post(f"/spaces/mine/{booking.pk}/confirm")
    assert SpaceBooking.objects.get().status == "confirmed"
    assert "14:00 yours" in page_text(phone(bob).get(f"/spaces/{study.pk}"))


def test_the_door_page_checks_in_on_a_tap_not_on_the_scan(
    study: Space, alice: Reader, bob: Reader, carol: Reader
) -> None:
    from seatback.core import clock
    from seatback.spaces import services

    made = services.book(
        study, alice, at("14:00"), at("15:00"), ["20230002", "20230003"], now=at("09:00")
    )
    services.confirm(made, bob, now=at("09:01"))
    services.confirm(made, carol, now=at("09:02"))
    clock.travel_to(at("13:50"))
    client = phone(alice)
    assert client.get(f"/spaces/door/{study.code}").status_code == 200
    assert SpaceBooking.objects.get().status == "confirmed"  # opening the page changes nothing
    checked = page_text(client.post(f"/spaces/door/{study.code}"))
    assert "Checked in. The space is yours until 15:00." in checked
    refused = phone(Reader.objects.create_user("20239999", "x", name="路人")).post(
        f"/spaces/door/{study.code}"
    )
    assert refused.status_code == 409 and "booked by another group" in page_text(refused)


def test_a_bad_time_changes_nothing_and_says_why(study: Space, alice: Reader) -> None:
    done = phone(alice).post(
        f"/spaces/{study.pk}/book", {"start": "soon", "minutes": "x"}, follow=True
    )
    assert "Choose a time on the grid and a length." in page_text(done)
    assert not SpaceBooking.objects.exists()


def test_the_back_office_grid_shows_blocks_and_a_reader_may_not_use_it(
    study: Space, lin: Reader, alice: Reader
) -> None:
    as_lin = phone(lin)
    as_lin.post(
        "/backoffice/spaces/block",
        {
            "space": study.pk,
            "start": "2026-12-01T13:00",
            "end": "2026-12-01T15:00",
            "reason": "上课",
        },
    )
    assert "closed: 上课" in page_text(as_lin.get("/backoffice/spaces/?date=2026-12-01"))
    assert phone(alice).get("/backoffice/spaces/").status_code == 403
