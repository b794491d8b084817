"""/me: my clock or my seat, what I can do with it, and my recent scans."""

from __future__ import annotations

from datetime import timedelta

from seatback.core import clock
from seatback.seats.models import Hold
from tests.conftest import at
from tests.pages.conftest import buttons, give_seat, page_text, primary_button, scan, zh


def test_signed_out_it_asks_to_sign_in_and_comes_back(client_for):
    response = client_for().get("/me")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/me"


def test_with_nothing_it_says_so_and_how_seats_work(client_for, alice):
    response = client_for(alice).get("/me")
    text = page_text(response)
    assert zh("You have no seat and no clock running right now.") in text
    assert zh("No scans yet.") in text
    assert "seat.js" not in response.content.decode()


def test_my_seat_offers_step_out_with_the_time_it_protects_and_release(client_for, bob, seat):
    give_seat(seat, bob, since=at("08:10"))
    response = client_for(bob).get("/me")
    text = page_text(response)
    assert "A-001" in text and "二楼自习室" in text
    assert zh("This is your seat since %(time)s.") % {"time": "08:10"} in text
    labels = buttons(response)
    for minutes, until in ((15, "09:15"), (30, "09:30")):
        assert (
            zh("%(minutes)s min, until %(until)s") % {"minutes": minutes, "until": until} in labels
        )
    assert zh("Leave this seat for good") in labels


def test_stepping_out_from_my_seat_comes_back_to_my_seat(client_for, bob, seat):
    give_seat(seat, bob)
    phone = client_for(bob)
    response = phone.post(f"/s/{seat.code}", {"intent": "step-out", "minutes": "15", "next": "/me"})
    assert response["Location"] == "/me"
    response = phone.get("/me")
    text = page_text(response)
    assert zh("You stepped out. Nobody can start the clock here meanwhile.") in text
    assert (
        zh("You stepped out. Nobody can start the clock on your seat until %(time)s.")
        % {"time": "09:15"}
        in text
    )
    assert primary_button(response) == zh("I'm back")


def test_releasing_ends_the_hold(client_for, bob, seat):
    give_seat(seat, bob)
    phone = client_for(bob)
    response = phone.post(f"/s/{seat.code}", {"intent": "release", "next": "/me"}, follow=True)
    text = page_text(response)
    assert zh("You left the seat. Thank you!") in text
    assert zh("You have no seat and no clock running right now.") in text
    assert not Hold.objects.filter(ended_at__isnull=True).exists()


def test_my_clock_shows_its_countdown_and_can_be_stopped(client_for, alice, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=4))
    response = client_for(alice).get("/me")
    text = page_text(response)
    assert "16:00" in text
    assert zh("Stop my clock") in buttons(response)
    body = response.content.decode()
    assert f'data-watch="/api/v1/seats/{seat.code}/watch"' in body
    assert "seat.js" in body


def test_when_my_clock_ran_out_my_seat_offers_take_the_seat(client_for, alice, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=20))
    response = client_for(alice).get("/me")
    assert primary_button(response) == zh("Take the seat")


def test_recent_history_lists_accepted_and_refused_scans(client_for, alice, carol, seat):
    scan(seat, alice, "challenge")
    phone = client_for(carol)
    phone.post(f"/s/{seat.code}", {"intent": "challenge"})
    response = phone.get("/me")
    text = page_text(response)
    assert zh("Recent activity") in text
    assert zh("Start the clock") in text
    assert zh("Someone else has already started the clock on this seat.") in text
    assert "09:00" in text
    # alice's own history shows her accepted scan, not carol's
    text = page_text(client_for(alice).get("/me"))
    assert zh("The clock is running. If nobody comes back in time, the seat is yours.") in text
    assert zh("Someone else has already started the clock on this seat.") not in text


def test_history_from_another_day_shows_the_date(client_for, alice, seat):
    scan(seat, alice, "challenge")
    scan(seat, alice, "withdraw")
    clock.travel(timedelta(days=1))
    text = page_text(client_for(alice).get("/me"))
    assert "12-01 09:00" in text


def test_in_english(client_for, bob, seat):
    give_seat(seat, bob)
    response = client_for(bob, language="en").get("/me")
    text = page_text(response)
    assert "My seat" in text and "Recent activity" in text
    assert "30 min, until 09:30" in buttons(response)
