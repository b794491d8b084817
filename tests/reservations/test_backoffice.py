"""Back office: a room's bookings for a day; a reader's violations; lifting a ban and
forgiving a violation, librarians only, each change in the audit log."""

from __future__ import annotations

import pytest
from django.test import Client

from seatback.audit.models import AuditEntry
from seatback.core import clock
from seatback.library.models import Room, Seat
from seatback.readers.models import Reader, Violation
from seatback.reservations.worker import run_once
from tests.conftest import at
from tests.pages.conftest import page_text
from tests.reservations.conftest import book, evening

pytestmark = pytest.mark.django_db


def signed_in(reader: Reader) -> Client:
    client = Client()
    client.force_login(reader)
    client.cookies["django_language"] = "en"
    return client


URLS = ("/backoffice/reservations/", "/backoffice/reservations/reader")


@pytest.mark.parametrize("url", URLS)
def test_readers_may_not_and_strangers_must_sign_in(alice: Reader, url: str) -> None:
    assert signed_in(alice).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_a_rooms_bookings_for_a_day(
    lin: Reader, alice: Reader, bob: Reader, room: Room, bookable: Seat, bookable2: Seat
) -> None:
    book(bookable, alice, "09:00", "10:00", evening("20:00"))
    book(bookable2, bob, "14:00", "15:00", evening("20:00"))
    clock.travel_to(at("09:45"))
    text = page_text(signed_in(lin).get(f"/backoffice/reservations/?room={room.pk}&day=2026-12-01"))
    assert "B-001 09:00–10:00 Alice 李 (20230001) not checked in 09:30" in text
    assert "B-002 14:00–15:00 Bob 王 (20230002) booked 14:30" in text
    other_day = signed_in(lin).get(f"/backoffice/reservations/?room={room.pk}&day=2026-12-02")
    assert "No bookings that day." in page_text(other_day)


def test_lift_a_ban_and_forgive_a_violation_are_audited(
    lin: Reader, alice: Reader, room: Room, bookable: Seat
) -> None:
    from seatback.library.policy_changes import change_policy

    change_policy(room, {"violations_before_ban": "1"})
    book(bookable, alice, "09:00", "10:00", evening("20:00"))
    run_once(at("09:30"))
    alice.refresh_from_db()
    assert alice.is_banned(at("10:00"))
    clock.travel_to(at("10:00"))
    client = signed_in(lin)

    page = page_text(client.get("/backoffice/reservations/reader?card=20230001"))
    assert "Banned until 2026-12-08 09:30" in page
    assert "did not check in" in page

    here = "/backoffice/reservations/reader?card=20230001"
    done = client.post(f"/backoffice/readers/{alice.pk}/unban", {"note": "ill", "next": here})
    assert (done.status_code, done["Location"]) == (302, here)
    alice.refresh_from_db()
    assert not alice.is_banned(at("10:01"))
    entry = AuditEntry.objects.get(action="reader.unban")
    assert (entry.actor, entry.note) == (lin, "ill")

    violation = Violation.objects.get()
    client.post(f"/backoffice/violations/{violation.pk}/forgive", {"next": here})
    violation.refresh_from_db()
    assert violation.forgiven_at is not None
    assert AuditEntry.objects.filter(action="violation.forgive").count() == 1


def test_a_reader_cannot_lift_their_own_ban(alice: Reader) -> None:
    alice.banned_until = at("23:00")
    alice.save()
    response = signed_in(alice).post(f"/backoffice/readers/{alice.pk}/unban")
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.banned_until == at("23:00")
