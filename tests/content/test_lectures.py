"""Lectures: registration and the waiting line, cancellation, reminders, attendance."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from seatback.content import services
from seatback.content.models import Lecture, Registration
from seatback.core import rounds
from seatback.core.errors import Refusal
from seatback.notifications.models import Notice
from seatback.readers.models import Reader
from tests.conftest import at
from tests.pages.conftest import page_text


def test_places_then_a_waiting_line(
    lecture: Lecture, alice: Reader, bob: Reader, carol: Reader
) -> None:
    assert services.register(lecture, alice, now=at("09:00")).status == "registered"
    assert services.register(lecture, bob, now=at("09:01")).status == "registered"
    assert services.register(lecture, carol, now=at("09:02")).status == "waiting"
    with pytest.raises(Refusal) as twice:
        services.register(lecture, alice, now=at("09:03"))
    assert twice.value.code == "already_yours"


def test_a_cancelled_place_goes_to_the_first_in_line_who_is_told(
    lecture: Lecture, alice: Reader, bob: Reader, carol: Reader
) -> None:
    mine = services.register(lecture, alice, now=at("09:00"))
    services.register(lecture, bob, now=at("09:01"))
    services.register(lecture, carol, now=at("09:02"))
    services.cancel_registration(mine, alice, now=at("10:00"))
    statuses = dict(Registration.objects.values_list("reader__name", "status"))
    assert statuses == {"Alice 李": "cancelled", "Bob 王": "registered", "Carol 张": "registered"}
    (notice,) = Notice.objects.all()
    assert (notice.reader, notice.kind) == (carol, "lecture_place")


def test_registration_closes_when_the_lecture_begins(lecture: Lecture, alice: Reader) -> None:
    with pytest.raises(Refusal):
        services.register(lecture, alice, now=at("14:00"))


def test_registered_readers_are_reminded_an_hour_before_once(
    lecture: Lecture, alice: Reader, bob: Reader, carol: Reader
) -> None:
    services.register(lecture, alice, now=at("09:00"))
    services.register(lecture, bob, now=at("09:01"))
    services.register(lecture, carol, now=at("09:02"))  # waiting: not reminded
    assert rounds.run_all(at("12:59"))["lecture_reminders"] == 0
    assert rounds.run_all(at("13:00"))["lecture_reminders"] == 1
    assert rounds.run_all(at("13:10"))["lecture_reminders"] == 0
    reminders = Notice.objects.filter(kind="lecture_reminder")
    told = set(reminders.values_list("reader__name", flat=True))
    assert told == {"Alice 李", "Bob 王"}


def test_attendance_by_the_door_code_in_its_window(
    lecture: Lecture, alice: Reader, bob: Reader, client_for: Callable[..., Client]
) -> None:
    from seatback.core import clock

    services.register(lecture, alice, now=at("09:00"))
    code = services.attendance_code(lecture)
    phone = client_for(alice, "en")
    clock.travel_to(at("13:00"))
    early = phone.get(f"/lectures/{lecture.pk}/attend?c={code}", follow=True)
    assert "Attendance is taken from 30 minutes before" in page_text(early)
    clock.travel_to(at("13:45"))
    forged = phone.get(f"/lectures/{lecture.pk}/attend?c=1:forged", follow=True)
    assert "not this lecture's code" in page_text(forged)
    done = phone.get(f"/lectures/{lecture.pk}/attend?c={code}", follow=True)
    assert "Your attendance is recorded" in page_text(done)
    attended = Registration.objects.get(reader=alice).attended_at
    assert attended is not None and abs((attended - at("13:45")).total_seconds()) < 5
    stranger = client_for(bob, "en").get(f"/lectures/{lecture.pk}/attend?c={code}", follow=True)
    assert "You have no place at this lecture" in page_text(stranger)


def test_the_pages_register_and_cancel(
    lecture: Lecture, alice: Reader, client_for: Callable[..., Client]
) -> None:
    phone = client_for(alice, "en")
    page = page_text(phone.get(f"/lectures/{lecture.pk}"))
    assert "0 of 2 places taken" in page and "Register" in page
    registered = phone.post(f"/lectures/{lecture.pk}/registration", follow=True)
    assert "You are registered." in page_text(registered)
    cancelled = phone.post(f"/lectures/{lecture.pk}/registration", {"cancel": "1"}, follow=True)
    assert "Your registration is cancelled." in page_text(cancelled)
    assert not Registration.objects.exclude(status="cancelled").exists()


def test_the_live_stream_and_the_replay_are_offered_in_their_time(
    lecture: Lecture, lin: Reader, client_for: Callable[..., Client]
) -> None:
    from seatback.core import clock

    Lecture.objects.filter(pk=lecture.pk).update(
        stream_url="https://live.example.edu/a.m3u8", replay_url="https://v.example.edu/a.m3u8"
    )
    phone = client_for()
    assert "a.m3u8" not in phone.get(f"/lectures/{lecture.pk}").content.decode()
    clock.travel_to(at("14:10"))
    live = phone.get(f"/lectures/{lecture.pk}").content.decode()
    assert 'data-src="https://live.example.edu/a.m3u8"' in live and "hls.light.min.js" in live
    clock.travel_to(at("16:00"))
    replay = phone.get(f"/lectures/{lecture.pk}").content.decode()
    assert 'data-src="https://v.example.edu/a.m3u8"' in replay
