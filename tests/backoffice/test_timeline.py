"""The dispute scenario: two readers, one seat, a sequence of scans at controlled times.
The seat's timeline and the "who held this seat at HH:MM" answer show the right holder at
every minute, straight from the hold rows."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.test import Client

from seatback.backoffice.timeline import holder_at
from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.library.models import Seat
from seatback.presence.evidence import Evidence
from seatback.readers.models import Reader
from seatback.seats import services
from tests.conftest import at
from tests.pages.conftest import page_text

PHONE_A = Evidence(address="10.20.0.7", client="Mozilla/5.0 alice-phone MicroMessenger/8.0")
PHONE_B = Evidence(address="10.20.0.9", client="Mozilla/5.0 bob-phone")


def stage_dispute(seat: Seat, alice: Reader, bob: Reader) -> None:
    """alice finds things and nobody; bob comes back; later alice tries again and claims
    while bob is away; bob comes back too late and both stand at the seat."""

    def scan(reader: Reader, intent: str, hhmm: str, evidence: Evidence, expect: str) -> None:
        try:
            outcome = services.perform(seat, reader, intent, now=at(hhmm), evidence=evidence)
        except Refusal as refusal:
            assert refusal.code == expect
        else:
            assert outcome.outcome == expect

    scan(alice, "challenge", "09:00", PHONE_A, "challenge_started")  # deadline 09:20
    scan(bob, "return", "09:05", PHONE_B, "returned")  # bob holds from 09:05
    scan(alice, "challenge", "09:30", PHONE_A, "challenge_started")  # deadline 09:50
    scan(alice, "claim", "09:40", PHONE_A, "too_early")
    scan(alice, "claim", "09:52", PHONE_A, "claimed")  # alice holds from 09:52
    scan(bob, "return", "09:58", PHONE_B, "nothing_to_return")


def expected_holder(minute: int, alice: Reader, bob: Reader) -> Reader | None:
    """The holder at 09:00 + minute."""
    if minute < 5:
        return None
    if minute < 52:
        return bob
    return alice


def expected_clock(minute: int) -> bool:
    return 0 <= minute < 5 or 30 <= minute < 52


@pytest.fixture
def dispute(seat: Seat, alice: Reader, bob: Reader) -> Seat:
    stage_dispute(seat, alice, bob)
    clock.travel_to(at("10:10"))
    return seat


def test_holder_at_each_minute_comes_from_the_hold_rows(dispute, alice, bob):
    now = at("10:10")
    for minute in range(-2, 70):
        moment = at("09:00") + timedelta(minutes=minute)
        answer = holder_at(dispute, moment, now)
        assert answer.holder == expected_holder(minute, alice, bob), moment
        assert (answer.challenge is not None) == expected_clock(minute), moment
        if answer.challenge is not None:
            assert answer.challenge.challenger == alice


def test_the_who_held_it_form_answers_at_each_minute(dispute, as_lin: Client, alice, bob):
    for minute in range(0, 66, 1):
        moment = at("09:00") + timedelta(minutes=minute)
        response = as_lin.get(
            f"/backoffice/seats/{dispute.pk}/",
            {"at": f"{moment:%H:%M}", "date": "2026-12-01"},
        )
        assert response.status_code == 200
        answer = page_text(response).split("Who held this seat at …?")[1].split("Timeline")[0]
        holder = expected_holder(minute, alice, bob)
        if holder is None:
            assert "Nobody held this seat then" in answer, moment
        else:
            assert f"Held by {holder.name} ({holder.card_number})" in answer, moment
        if expected_clock(minute):
            assert f"A clock was running then: started by {alice.name}" in answer, moment
        else:
            assert "No clock was running on this seat then." in answer, moment


def test_the_answer_names_the_deadline_and_how_the_clock_ended(dispute, as_lin: Client):
    text = page_text(as_lin.get(f"/backoffice/seats/{dispute.pk}/?at=09:45&date=2026-12-01"))
    assert "Held by Bob 王 (20230002), since 2026-12-01 09:05:00 until 2026-12-01 09:52:00" in text
    assert "claimed by another reader" in text
    assert "deadline 09:50:00, claim until 10:05:00" in text
    assert "It ended at 09:52:00: claimed by the challenger." in text


def test_the_timeline_lists_every_scan_and_change_in_time_order(dispute, as_lin: Client):
    response = as_lin.get(f"/backoffice/seats/{dispute.pk}/")
    text = page_text(response)
    timeline = text.split("Timeline")[-1]
    # Newest first, to the second, in the library's zone (UTC+8 here).
    order = [
        "2026-12-01 09:58:00 20230002 Bob 王 scan: I'm back",
        "2026-12-01 09:52:00 20230001 Alice 李 holds the seat (claim)",
        "2026-12-01 09:52:00 20230002 Bob 王 no longer holds the seat: claimed by another reader",
        "2026-12-01 09:52:00 20230001 Alice 李 clock ended: claimed by the challenger",
        "2026-12-01 09:52:00 20230001 Alice 李 scan: Take the seat",
        "2026-12-01 09:40:00 20230001 Alice 李 scan: Take the seat",
        "2026-12-01 09:30:00 20230001 Alice 李 clock started",
        "2026-12-01 09:30:00 20230001 Alice 李 scan: Start the clock",
        "2026-12-01 09:05:00 20230002 Bob 王 holds the seat (return)",
        "2026-12-01 09:05:00 20230002 Bob 王 clock ended: the occupant came back",
        "2026-12-01 09:05:00 20230002 Bob 王 scan: I'm back",
        "2026-12-01 09:00:00 20230001 Alice 李 clock started",
        "2026-12-01 09:00:00 20230001 Alice 李 scan: Start the clock",
    ]
    positions = [timeline.index(line) for line in order]
    assert positions == sorted(positions)
    # The refusal in words, never its machine code.
    assert "refused The allowance has not run out yet." in timeline
    assert "too_early" not in timeline
    assert "10.20.0.7" in timeline and "alice-phone" in timeline
    assert "10.20.0.9" in timeline
    # Now: alice holds it.
    now_box = text.split("Who held")[0]
    assert "Held by 20230001 Alice 李 since 2026-12-01 09:52:00" in now_box


def test_a_readers_timeline_shows_their_scans_holds_and_clocks(dispute, as_lin: Client, bob):
    response = as_lin.get("/backoffice/readers/", {"q": bob.card_number})
    assert response.status_code == 302
    text = page_text(as_lin.get(response["Location"]))
    assert "Bob 王 20230002" in text
    assert "09:58:00 二楼自习室 A-001 20230002 Bob 王 scan: I'm back" in text
    assert "no longer holds the seat: claimed by another reader" in text
    assert "Alice" not in text.split("Timeline")[-1].replace("claimed by the challenger", "")


def test_find_a_seat_by_room_and_label_or_by_its_qr_link(dispute, as_lin: Client):
    by_label = as_lin.get("/backoffice/seats/", {"room": dispute.room_id, "label": "a-001"})
    assert by_label["Location"] == f"/backoffice/seats/{dispute.pk}/"
    by_link = as_lin.get("/backoffice/seats/", {"code": f"https://x.edu/s/{dispute.code}"})
    assert by_link["Location"] == f"/backoffice/seats/{dispute.pk}/"
    nothing = as_lin.get("/backoffice/seats/", {"label": "Z-999"})
    assert "No seat matches." in page_text(nothing)


def test_a_librarian_on_the_seat_page_gets_a_link_to_the_timeline(dispute, client_for, lin, alice):
    librarian_view = page_text(client_for(lin, "en").get(f"/s/{dispute.code}"))
    assert "timeline (librarian)" in librarian_view
    body = client_for(lin, "en").get(f"/s/{dispute.code}").content.decode()
    assert f'href="/backoffice/seats/{dispute.pk}/"' in body
    reader_view = page_text(client_for(alice, "en").get(f"/s/{dispute.code}"))
    assert "timeline (librarian)" not in reader_view


def test_a_bad_time_is_explained_not_answered(dispute, as_lin: Client):
    text = page_text(as_lin.get(f"/backoffice/seats/{dispute.pk}/?at=25:99"))
    assert "Give a time like 15:20" in text
    assert "Held by Bob" not in text


def test_a_long_history_is_paginated_newest_first(seat, alice, bob, as_lin: Client):
    # 60 refused claims a minute apart, and one accepted clock in between.
    for minute in range(60):
        with contextlib.suppress(Refusal):
            services.perform(seat, alice, "claim", now=at("08:00") + timedelta(minutes=minute))
    services.perform(seat, bob, "challenge", now=at("08:30"))
    clock.travel_to(at("10:00"))
    pages = [as_lin.get(f"/backoffice/seats/{seat.pk}/", {"page": n}) for n in (1, 2)]
    first = page_text(pages[0])
    assert "Page 1 of 2" in first
    assert "2026-12-01 08:59:00" in first and "2026-12-01 08:00:00" not in first
    second = page_text(as_lin.get(f"/backoffice/seats/{seat.pk}/", {"page": 2}))
    assert "Page 2 of 2" in second
    assert "2026-12-01 08:00:00" in second and "2026-12-01 08:59:00" not in second
    # 60 scans + bob's scan, his clock's start and its end (lapsed at 09:05): 63 events.
    rows = [page.content.decode().count('<tr class="event-') for page in pages]
    assert rows == [50, 13]
    assert "clock ended: lapsed: nobody claimed in time" in first


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_no_database_holds_is_asked_again_not_a_500(dispute, as_lin: Client, day):
    """Issue 22: year 1 overflowed while turning the local time into an instant."""
    response = as_lin.get(f"/backoffice/seats/{dispute.pk}/", {"at": "00:00", "date": day})

    assert response.status_code == 200
    assert "Give a time like 15:20 and a date like 2026-12-01." in page_text(response)
