"""Twenty readers race for a lecture's last place: one gets it, the rest wait in line.

Real concurrent HTTP requests through the API against the live server and a real
database. The control run (locking off) shows the race is real: without the lecture's
row lock, places are counted by several writers at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.test import override_settings

from seatback.content.models import Lecture, Registration
from seatback.core import clock
from seatback.readers.models import Reader
from tests.concurrency.race import Phone, Reply, together
from tests.conftest import at

READERS = 20
CONTROL_ROUNDS = 5


def _lecture() -> Lecture:
    return Lecture.objects.create(
        title="最后一个座位",
        speaker="张老师",
        place="报告厅",
        starts_at=at("14:00"),
        ends_at=at("15:00"),
        capacity=1,
        created_at=at("08:00"),
    )


def _race(lecture: Lecture, devices: list[Phone]) -> list[Reply]:
    def register(phone: Phone) -> Reply:
        response = phone.session.post(
            f"{phone.base_url}/api/v1/lectures/{lecture.pk}/registration", timeout=30
        )
        return Reply(response.status_code, response.json(), None, 0.0)

    return together([partial(register, phone) for phone in devices])


def test_one_reader_gets_the_last_place_and_the_rest_wait(
    transactional_db: None,
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
) -> None:
    clock.travel_to(at("09:00"))
    lecture = _lecture()
    replies = _race(lecture, phones(new_readers(READERS)))
    assert Counter(r.status for r in replies) == {201: READERS}
    assert Counter(r.body["status"] for r in replies) == {"registered": 1, "waiting": 19}
    assert Registration.objects.filter(status="registered").count() == 1
    lines = sorted(r.body["place_in_line"] for r in replies if r.body["status"] == "waiting")
    assert lines == list(range(1, READERS))


def test_control_without_locking_the_race_shows(
    transactional_db: None,
    vendor: str,
    new_readers: Callable[[int], list[Reader]],
    phones: Callable[[list[Reader]], list[Phone]],
) -> None:
    outcomes = []
    for round_ in range(CONTROL_ROUNDS):
        clock.travel_to(at("09:00") + timedelta(minutes=round_))
        lecture = _lecture()
        devices = phones(new_readers(READERS))
        with override_settings(SEAT_LOCKING=False):
            replies = _race(lecture, devices)
        for phone in devices:  # each holds a server thread and a database connection
            phone.close()
        registered = Registration.objects.filter(lecture=lecture, status="registered").count()
        busy = sum(1 for r in replies if r.status == 503)
        outcomes.append((registered, busy))
    # Without the lock the outcome is no longer clean in some round: more than one reader
    # is given the one place (PostgreSQL), or writers collide and are told busy (SQLite).
    assert any(registered > 1 or busy > 0 for registered, busy in outcomes), (vendor, outcomes)
