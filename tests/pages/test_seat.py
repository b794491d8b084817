"""/s/{code}: the page a seat's QR code opens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import override_settings

from seatback.core import clock, live
from seatback.seats.models import Challenge, Hold, ScanRecord
from tests.conftest import at
from tests.pages.conftest import buttons, give_seat, page_text, primary_button, scan, zh


def url(seat):
    return f"/s/{seat.code}"


# Unknown codes --------------------------------------------------------------------------


def test_an_unknown_code_shows_a_friendly_page_with_status_404(client_for, alice, seat):
    response = client_for(alice).get("/s/this-code-was-replaced")
    assert response.status_code == 404
    text = page_text(response)
    assert zh("Seat code not found") in text
    assert zh("This seat code is not known. It may have been replaced.") in text
    assert zh("See the reading rooms") in text


def test_a_retired_seat_code_is_unknown_too(client_for, alice, seat):
    seat.active = False
    seat.save()
    assert client_for(alice).get(url(seat)).status_code == 404
    assert client_for().get(url(seat)).status_code == 404


# Signed out -----------------------------------------------------------------------------


def test_signed_out_the_page_shows_the_seat_and_a_sign_in_form_that_comes_back(client_for, seat):
    response = client_for().get(url(seat))
    assert response.status_code == 200
    text = page_text(response)
    assert "A-001" in text and "二楼自习室" in text
    assert zh("Free") in text
    assert zh("Sign in to use this seat") in text
    body = response.content.decode()
    assert 'action="/login"' in body
    assert f'name="next" value="/s/{seat.code}"' in body
    assert zh("Start the clock") not in buttons(response)
    assert "data-watch" not in body  # nothing to poll without a session


def test_a_signed_out_post_does_nothing_and_asks_to_sign_in(client_for, seat):
    response = client_for().post(url(seat), {"intent": "challenge"}, follow=True)
    assert zh("Please sign in first.") in page_text(response)
    assert not Challenge.objects.exists()


# The challenge → return flow ----------------------------------------------------------


def test_a_free_seat_offers_start_the_clock_as_the_one_primary_button(client_for, alice, seat):
    response = client_for(alice).get(url(seat))
    assert primary_button(response) == zh("Start the clock")
    text = page_text(response)
    assert zh("Free") in text
    assert "If it is empty, just sit down" in text or zh("Free") != "Free"


def test_starting_the_clock_shows_the_countdown_and_the_deadline(client_for, alice, seat):
    phone = client_for(alice)
    response = phone.post(url(seat), {"intent": "challenge"})
    assert response.status_code == 302 and response["Location"] == url(seat)
    response = phone.get(url(seat))
    text = page_text(response)
    assert zh("The clock is running. If nobody comes back in time, the seat is yours.") in text
    assert zh("Clock running") in text
    assert "09:00" in text and "09:20" in text
    assert "20:00" in text  # the digits before any script runs
    assert zh("Stop my clock") in buttons(response)
    assert primary_button(response) is None  # nothing to take yet
    body = response.content.decode()
    assert re.search(r'data-target="2026-12-01T09:20:00\.\d{3}\+08:00"', body)
    assert re.search(r'data-server-time="2026-12-01T09:00:00\.\d{3}\+08:00"', body)
    assert f'data-watch="/api/v1/seats/{seat.code}/watch"' in body
    assert f'data-v="{live.token(seat.pk)}"' in body
    assert 'aria-live="polite"' in body


def test_the_occupant_sees_who_started_the_clock_and_i_am_back(client_for, alice, bob, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=5))
    response = client_for(bob).get(url(seat))
    text = page_text(response)
    assert "09:00" in text and "09:20" in text
    assert primary_button(response) == zh("I'm back")
    assert "15:00" in text  # the countdown, seen by the occupant too


def test_coming_back_cancels_the_clock_and_the_challenger_is_told(client_for, alice, bob, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=5))
    response = client_for(bob).post(url(seat), {"intent": "return"}, follow=True)
    text = page_text(response)
    assert zh("Welcome back. The seat stays yours.") in text
    assert zh("In use") in text
    assert Hold.objects.get(ended_at__isnull=True).reader == bob

    response = client_for(alice).get(url(seat))
    text = page_text(response)
    assert "09:05" in text  # when the occupant came back
    assert zh("Start the clock") not in buttons(response)
    # the cooldown, with the time to wait
    assert "09:15" in text
    assert (
        zh("The person sitting here just came back; you can start the clock from %(time)s.")
        % {"time": "09:15"}
        in text
    )


# The challenge → wait → claim flow ---------------------------------------------------


def test_when_the_time_is_up_the_primary_button_is_take_the_seat(client_for, alice, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=21))
    phone = client_for(alice)
    response = phone.get(url(seat))
    assert primary_button(response) == zh("Take the seat")
    text = page_text(response)
    assert "09:35" in text  # the claim window's end
    assert "14:00" in text  # time left to take it
    response = phone.post(url(seat), {"intent": "claim"}, follow=True)
    text = page_text(response)
    assert zh("The seat is yours now.") in text
    assert zh("yours") in text
    assert Hold.objects.get(ended_at__isnull=True).reader == alice
    assert primary_button(response) is None
    assert zh("Leave this seat for good") in buttons(response)


def test_the_occupant_who_lost_the_seat_is_told_why(client_for, alice, bob, seat):
    give_seat(seat, bob, since=at("08:00"))
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=21))
    scan(seat, alice, "claim")
    response = client_for(bob).get(url(seat))
    text = page_text(response)
    assert (
        zh("Someone took this seat at %(time)s: the clock ran out before you came back.")
        % {"time": "09:21"}
        in text
    )
    assert zh("In use") in text
    assert zh("I'm back") not in buttons(response)


def test_a_lapsed_clock_is_explained_to_the_challenger(client_for, alice, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=40))
    response = client_for(alice).get(url(seat))
    text = page_text(response)
    assert (
        zh("Your clock lapsed at %(time)s: the seat was not taken in time.") % {"time": "09:35"}
        in text
    )
    assert primary_button(response) == zh("Start the clock")


def test_after_the_deadline_the_occupant_is_told_it_is_too_late(client_for, alice, bob, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=21))
    response = client_for(bob).get(url(seat))
    assert primary_button(response) is None
    assert "09:20" in page_text(response)


# Refusals -------------------------------------------------------------------------------


def test_claiming_too_early_says_when_and_how_long_to_wait(client_for, alice, seat):
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=5))
    response = client_for(alice).post(url(seat), {"intent": "claim"}, follow=True)
    text = page_text(response)
    assert (
        zh("The allowance runs until %(time)s; you can take the seat then.") % {"time": "09:20"}
        in text
    )
    assert "15" in text
    assert 'role="alert"' in response.content.decode()


def test_a_second_challenger_is_told_someone_else_started_the_clock(client_for, alice, carol, seat):
    scan(seat, alice, "challenge")
    response = client_for(carol).post(url(seat), {"intent": "challenge"}, follow=True)
    assert zh("Someone else has already started the clock on this seat.") in page_text(response)
    assert ScanRecord.objects.filter(reader=carol, outcome="seat_challenged").exists()


def test_a_reader_with_a_clock_elsewhere_is_told_so(client_for, alice, seat, other_seat):
    scan(seat, alice, "challenge")
    response = client_for(alice).get(url(other_seat))
    assert zh("You already have a clock running on another seat.") in page_text(response)
    assert primary_button(response) is None


def test_in_a_protected_window_the_page_says_until_when(client_for, alice, seat):
    clock.travel_to(at("12:00"))
    response = client_for(alice).get(url(seat))
    text = page_text(response)
    assert (
        zh(
            "Meal break until %(time)s: the person sitting here may be eating, so the "
            "clock cannot be started now."
        )
        % {"time": "13:00"}
        in text
    )
    assert primary_button(response) is None


def test_a_closed_room_says_closed_with_its_hours(client_for, alice, seat):
    clock.travel_to(at("23:00"))
    response = client_for(alice).get(url(seat))
    text = page_text(response)
    assert zh("Closed") in text
    assert "07:00" in text and "22:30" in text
    assert primary_button(response) is None


def test_a_banned_reader_is_told_and_offered_nothing(client_for, alice, seat):
    alice.banned_until = at("23:00") + timedelta(days=2)
    alice.save()
    response = client_for(alice).get(url(seat))
    text = page_text(response)
    assert zh("Your account is suspended, so you cannot use seats right now.") in text
    assert "2026-12-03" in text
    assert primary_button(response) is None
    response = client_for(alice).post(url(seat), {"intent": "challenge"}, follow=True)
    assert zh("Your account is suspended, so you cannot use seats right now.") in page_text(
        response
    )


def test_a_holder_who_stepped_out_protects_the_seat_until_a_time(client_for, alice, bob, seat):
    give_seat(seat, bob)
    response = client_for(bob).post(url(seat), {"intent": "step-out", "minutes": "30"}, follow=True)
    text = page_text(response)
    assert zh("Stepped out") in text and "09:30" in text
    assert primary_button(response) == zh("I'm back")

    response = client_for(alice).get(url(seat))
    text = page_text(response)
    assert (
        zh("The person sitting here has stepped out and is protected until %(time)s.")
        % {"time": "09:30"}
        in text
    )
    assert primary_button(response) is None

    response = client_for(bob).post(url(seat), {"intent": "return"}, follow=True)
    assert zh("Welcome back. The seat stays yours.") in page_text(response)
    hold = Hold.objects.get(ended_at__isnull=True)
    assert hold.away_until is not None and hold.away_until <= clock.now()  # protection ended


@pytest.mark.parametrize("minutes", ["0", "45", "lots", "²"])
def test_a_step_out_outside_the_allowed_range_is_refused(client_for, bob, seat, minutes):
    give_seat(seat, bob)
    response = client_for(bob).post(
        url(seat), {"intent": "step-out", "minutes": minutes}, follow=True
    )
    assert zh("A step-out lasts 1 to %(minutes)d minutes.") % {"minutes": 30} in page_text(response)


def test_an_unknown_intent_is_refused_in_words(client_for, alice, seat):
    response = client_for(alice).post(url(seat), {"intent": "teleport"}, follow=True)
    assert zh("That is not something you can do with a seat.") in page_text(response)


@pytest.mark.usefixtures("frozen_minute")
def test_too_many_taps_are_refused_with_the_time_to_wait(client_for, alice, seat):
    phone = client_for(alice)
    with override_settings(RATE_LIMIT_INTENTS_PER_MINUTE=1):
        phone.post(url(seat), {"intent": "withdraw"})
        response = phone.post(url(seat), {"intent": "withdraw"}, follow=True)
    text = page_text(response)
    assert zh("Too many requests. Please wait a moment.") in text
    assert "30 秒" in text


def test_the_intent_goes_back_to_a_safe_next_page_only(client_for, alice, seat):
    phone = client_for(alice)
    response = phone.post(url(seat), {"intent": "challenge", "next": "/me"})
    assert response["Location"] == "/me"
    response = phone.post(url(seat), {"intent": "withdraw", "next": "https://evil.example/"})
    assert response["Location"] == url(seat)


def test_every_scan_from_the_page_is_recorded_with_address_and_client(client_for, alice, seat):
    client_for(alice).post(
        url(seat),
        {"intent": "challenge"},
        HTTP_USER_AGENT="MicroMessenger/8.0",
        REMOTE_ADDR="10.1.2.3",
    )
    record = ScanRecord.objects.get()
    assert (record.intent, record.outcome, record.accepted) == (
        "challenge",
        "challenge_started",
        True,
    )
    assert record.address == "10.1.2.3" and "MicroMessenger" in record.client


# Language -------------------------------------------------------------------------------


def test_chinese_by_default_and_english_when_chosen(client_for, alice, seat):
    response = client_for(alice).get(url(seat))
    assert '<html lang="zh-CN">' in response.content.decode()
    assert primary_button(response) == zh("Start the clock")

    response = client_for(alice, language="en").get(url(seat))
    assert '<html lang="en">' in response.content.decode()
    assert primary_button(response) == "Start the clock"
    assert "Free" in page_text(response)


def test_a_refusal_is_in_english_when_english_is_chosen(client_for, alice, carol, seat):
    scan(seat, alice, "challenge")
    response = client_for(carol, language="en").post(
        url(seat), {"intent": "challenge"}, follow=True
    )
    assert "Someone else has already started the clock on this seat." in page_text(response)


def test_a_stale_form_gets_a_friendly_page_not_a_technical_403(alice, seat):
    from django.test import Client

    phone = Client(enforce_csrf_checks=True)
    phone.force_login(alice)
    with override_settings(CSRF_FAILURE_VIEW="seatback.pages.views.csrf_failure"):
        response = phone.post(url(seat), {"intent": "challenge", "csrfmiddlewaretoken": "stale"})
    assert response.status_code == 403
    text = page_text(response)
    assert zh("Please try again") in text
    assert f'href="{url(seat)}"' in response.content.decode()
    assert not Challenge.objects.exists()


def test_the_cooldown_names_its_time_once_and_never_a_minute_too_early(
    client_for, alice, bob, seat
):
    give_seat(seat, bob)
    scan(seat, alice, "challenge")
    clock.travel_to(at("09:05") + timedelta(seconds=30))
    scan(seat, bob, "return")  # the cooldown ends at 09:15:30
    clock.travel_to(at("09:07"))
    response = client_for(alice).post(url(seat), {"intent": "challenge"}, follow=True)
    text = page_text(response)
    said = zh("The person sitting here just came back; you can start the clock from %(time)s.")
    assert said % {"time": "09:16"} in text  # 09:15 would still be refused at 09:15:07
    assert zh("Try again in %(n)d minutes.") % {"n": 9} not in text
    assert "09:15" not in text


def test_the_challengers_notice_goes_once_the_clock_can_start_again(client_for, alice, bob, seat):
    give_seat(seat, bob)
    scan(seat, alice, "challenge")
    clock.travel(timedelta(minutes=5))
    scan(seat, bob, "return")
    phone = client_for(alice)
    notice = zh(
        "The person sitting here came back at %(time)s, so your clock stopped. "
        "The seat stays theirs."
    ) % {"time": "09:05"}
    assert notice in page_text(phone.get(url(seat)))
    clock.travel(timedelta(minutes=11))  # the cooldown is over: "Start the clock" is back
    response = phone.get(url(seat))
    assert zh("Start the clock") in buttons(response)
    assert notice not in page_text(response)


def test_my_own_booked_seat_says_it_is_mine_and_nothing_else(client_for, alice, room):
    from seatback.library.models import Seat
    from seatback.reservations import services as bookings

    bookable = Seat.objects.create(room=room, label="B-001", reservable=True)
    bookings.reserve(bookable, alice, at("09:00"), at("10:00"), now=at("08:00"))
    text = page_text(client_for(alice).get(url(bookable)))
    assert zh("This seat is booked for you.") in text
    assert zh("This seat is reserved by someone else.") not in text
    assert (
        zh("Nobody has registered this seat. If it is empty, just sit down: no scan is needed.")
        not in text
    )


def test_the_countdown_caption_cannot_be_read_as_a_time_of_day(client_for, alice, seat):
    scan(seat, alice, "challenge")
    text = page_text(client_for(alice).get(url(seat)))
    assert "倒计时结束后，您可以入座" in text
    assert "后您可以入座" not in text.replace("倒计时结束后，您可以入座", "")
