"""/: the reading rooms with their hours and counts, and the reader's own state on top."""

from __future__ import annotations

from datetime import timedelta

from seatback.core import clock
from seatback.library.models import Room, Seat
from tests.conftest import at
from tests.pages.conftest import give_seat, page_text, scan, zh


def test_rooms_show_open_hours_and_free_in_use_and_clock_running_counts(
    client_for, alice, bob, carol, room, seat, other_seat
):
    Seat.objects.create(room=room, label="A-003")
    give_seat(other_seat, bob)
    scan(seat, alice, "challenge")
    text = page_text(client_for(carol).get("/"))
    assert "二楼自习室" in text
    assert zh("Open") in text
    assert "07:00–22:30" in text
    assert zh("%(n)s free") % {"n": 1} in text
    assert zh("%(n)s in use") % {"n": 1} in text
    assert zh("%(n)s clock running") % {"n": 1} in text


def test_a_room_with_other_hours_shows_closed_with_its_hours(client_for, alice, library, seat):
    Room.objects.create(
        library=library, name="三楼夜读室", floor="3", policy={"opening_hours": "18:00-23:00"}
    )
    text = page_text(client_for(alice).get("/"))
    assert "三楼夜读室" in text and "18:00–23:00" in text
    assert zh("Closed") in text


def test_my_running_clock_is_at_the_top(client_for, alice, seat):
    scan(seat, alice, "challenge")
    response = client_for(alice).get("/")
    text = page_text(response)
    assert (
        zh("Your clock is running on seat %(label)s (%(room)s) until %(time)s.")
        % {"label": "A-001", "room": "二楼自习室", "time": "09:20"}
        in text
    )
    body = response.content.decode()
    assert body.index('class="card mine"') < body.index('class="rooms"')
    assert f'href="/s/{seat.code}"' in body


def test_my_run_out_clock_says_take_the_seat_now(client_for, alice, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=21))
    text = page_text(client_for(alice).get("/"))
    assert (
        zh("Your clock on seat %(label)s (%(room)s) has run out: take the seat now.")
        % {"label": "A-001", "room": "二楼自习室"}
        in text
    )


def test_my_seat_and_my_step_out_are_at_the_top(client_for, bob, seat):
    give_seat(seat, bob)
    phone = client_for(bob)
    text = page_text(phone.get("/"))
    assert zh("Your seat: %(label)s (%(room)s).") % {"label": "A-001", "room": "二楼自习室"} in text
    scan(seat, bob, "step-out", minutes=20)
    text = page_text(phone.get("/"))
    assert (
        zh("Your seat: %(label)s (%(room)s), stepped out until %(time)s.")
        % {"label": "A-001", "room": "二楼自习室", "time": "09:20"}
        in text
    )


def test_nothing_of_mine_says_so(client_for, alice, seat):
    text = page_text(client_for(alice).get("/"))
    assert zh("You have no seat and no clock running right now.") in text


def test_signed_out_it_lists_rooms_and_offers_sign_in(client_for, seat):
    response = client_for().get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert "二楼自习室" in text and zh("Sign in") in text


def test_at_night_every_room_is_closed(client_for, alice, seat):
    clock.travel_to(at("23:30"))
    response = client_for(alice).get("/")
    assert zh("Closed") in page_text(response)
    assert "badge-closed" in response.content.decode()
    assert "badge-free" not in response.content.decode()


def test_in_english(client_for, alice, seat):
    text = page_text(client_for(alice, language="en").get("/"))
    assert "Reading rooms" in text and "1 free" in text and "Open hours 07:00–22:30" in text


def test_a_clock_on_my_seat_comes_first_with_its_countdown_and_im_back(
    client_for, alice, bob, seat
):
    give_seat(seat, bob)
    scan(seat, alice, "challenge")
    response = client_for(bob).get("/")
    body = response.content.decode()
    assert body.index('class="urgent returning"') < body.index('class="card mine"')
    urgent = body[body.index('class="urgent returning"') : body.index('class="card mine"')]
    assert 'class="countdown countdown-allowance"' in urgent
    assert zh("I'm back") in urgent
    assert zh("Someone started the clock on your seat") in page_text(response)


def test_my_run_out_clock_offers_take_the_seat_first(client_for, alice, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=21))
    body = client_for(alice).get("/").content.decode()
    urgent = body[body.index('class="urgent claim"') : body.index('class="card mine"')]
    assert zh("Take the seat") in urgent


def test_an_open_check_in_window_comes_first(client_for, alice, room):
    from seatback.reservations import services as bookings

    bookable = Seat.objects.create(room=room, label="B-001", reservable=True)
    bookings.reserve(bookable, alice, at("09:00"), at("10:00"), now=at("08:00"))
    body = client_for(alice).get("/").content.decode()
    urgent = body[body.index('class="urgent checkin"') : body.index('class="card mine"')]
    assert zh("Check in") in urgent and "B-001" in urgent


def test_a_ban_comes_first(client_for, alice, seat):
    alice.banned_until = clock.now() + timedelta(days=3)
    alice.save()
    response = client_for(alice).get("/")
    body = response.content.decode()
    assert body.index('class="urgent ban"') < body.index('class="card mine"')
    assert zh("Your account is suspended") in page_text(response)


def test_rooms_are_tappable_cards(client_for, room, seat):
    body = client_for().get("/").content.decode()
    assert f'class="room-card" href="/find?room={room.pk}"' in body
