"""The worker: no-shows and overdue step-outs recorded once, bans at the threshold and their
end, reminders in the outbox. Run with a controlled clock, and two at once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from seatback.core import clock
from seatback.library.models import Library, Room, Seat
from seatback.notifications.models import Notice
from seatback.readers.models import Reader, Violation
from seatback.reservations import services
from seatback.reservations.models import Reservation
from seatback.reservations.worker import run_once
from tests.conftest import DAY, at, make_reader
from tests.reservations.conftest import book, evening
from tests.seats.scans import scan

pytestmark = pytest.mark.django_db


def test_a_no_show_is_recorded_once_however_often_the_worker_runs(
    alice: Reader, bookable: Seat
) -> None:
    booking = book(bookable, alice, "09:00", "10:00", evening("20:00"))
    assert run_once(at("09:29"))["no_shows"] == 0
    assert run_once(at("09:30"))["no_shows"] == 1
    assert run_once(at("09:31"))["no_shows"] == 0
    booking.refresh_from_db()
    assert booking.status == Reservation.Status.NO_SHOW
    (violation,) = Violation.objects.all()
    assert (violation.kind, violation.at, violation.seat) == ("no_show", at("09:30"), bookable)
    kinds = set(Notice.objects.filter(reader=alice).values_list("kind", flat=True))
    assert {"no_show", "violation"} <= kinds


def test_a_checked_in_booking_is_no_no_show(alice: Reader, bookable: Seat) -> None:
    book(bookable, alice, "09:00", "10:00", evening("20:00"))
    scan(bookable, alice, "checkin", at("09:05"))
    assert run_once(at("10:30"))["no_shows"] == 0
    assert not Violation.objects.exists()


def _violate(reader: Reader, seat: Seat, start: str, end: str, day_offset: int) -> None:
    """Book on DAY + day_offset and do not come: the worker records the no-show."""
    day = DAY + timedelta(days=day_offset)
    opens = datetime.combine(day - timedelta(days=1), datetime.min.time()).replace(
        hour=21, tzinfo=at("00:00").tzinfo
    )
    services.reserve(seat, reader, at(start, day), at(end, day), now=opens)
    run_once(at(end, day))


def test_the_third_violation_within_30_days_brings_a_7_day_ban_which_then_ends(
    alice: Reader, bookable: Seat
) -> None:
    _violate(alice, bookable, "09:00", "10:00", 0)
    _violate(alice, bookable, "09:00", "10:00", 10)
    alice.refresh_from_db()
    assert alice.banned_until is None
    _violate(alice, bookable, "09:00", "10:00", 20)

    alice.refresh_from_db()
    third = at("09:30", DAY + timedelta(days=20))
    assert alice.banned_until == third + timedelta(days=7)
    assert "3" in alice.ban_reason
    assert Notice.objects.filter(reader=alice, kind="banned").count() == 1

    later = DAY + timedelta(days=21)
    refusal = refused_booking_on(bookable, alice, later, at("09:00", later - timedelta(days=1)))
    assert refusal == "banned"
    assert refused_scan_code(bookable, alice, at("09:00", later)) == "banned"

    # The ban ends on its own after 7 days; the slate is clean after it.
    after = DAY + timedelta(days=28)
    services.reserve(
        bookable,
        alice,
        at("09:00", after),
        at("10:00", after),
        now=at("21:00", after - timedelta(days=1)),
    )
    run_once(at("10:00", after))
    alice.refresh_from_db()
    assert alice.banned_until == third + timedelta(days=7)  # one violation since: no new ban


def refused_booking_on(seat: Seat, reader: Reader, day: object, when: datetime) -> str:
    from seatback.core.errors import Refusal

    with pytest.raises(Refusal) as info:
        services.reserve(seat, reader, at("09:00", day), at("10:00", day), now=when)  # type: ignore[arg-type]
    return info.value.code


def refused_scan_code(seat: Seat, reader: Reader, when: datetime) -> str:
    from tests.seats.scans import refused

    return refused(seat, reader, "challenge", when).code


def test_violations_outside_the_window_or_forgiven_do_not_count(
    alice: Reader, bookable: Seat
) -> None:
    _violate(alice, bookable, "09:00", "10:00", 0)
    _violate(alice, bookable, "09:00", "10:00", 10)
    Violation.objects.filter(at__lt=at("12:00", DAY + timedelta(days=1))).update(
        forgiven_at=at("12:00", DAY + timedelta(days=1))
    )
    _violate(alice, bookable, "09:00", "10:00", 20)
    alice.refresh_from_db()
    assert alice.banned_until is None
    _violate(alice, bookable, "09:00", "10:00", 45)  # day 10 is now 35 days ago
    alice.refresh_from_db()
    assert alice.banned_until is None
    assert Violation.objects.filter(reader=alice).count() == 4


def test_ban_policy_is_read_from_the_room(alice: Reader, room: Room, bookable: Seat) -> None:
    from seatback.library.policy_changes import change_policy

    change_policy(room, {"violations_before_ban": "1", "ban_days": "2"})
    _violate(alice, bookable, "09:00", "10:00", 0)
    alice.refresh_from_db()
    assert alice.banned_until == at("09:30") + timedelta(days=2)


def test_an_overdue_step_out_from_a_checked_in_seat_is_a_violation(
    alice: Reader, bob: Reader, bookable: Seat
) -> None:
    book(bookable, alice, "09:00", "12:00", evening("20:00"))
    scan(bookable, alice, "checkin", at("09:00"))
    scan(bookable, alice, "step-out", at("09:10"), minutes=20)
    assert run_once(at("09:29"))["overdue_step_outs"] == 0
    assert run_once(at("09:30"))["overdue_step_outs"] == 1
    assert run_once(at("09:40"))["overdue_step_outs"] == 0
    (violation,) = Violation.objects.all()
    assert (violation.kind, violation.at) == ("overdue_step_out", at("09:30"))


def test_coming_back_from_a_step_out_in_time_is_no_violation(alice: Reader, bookable: Seat) -> None:
    book(bookable, alice, "09:00", "12:00", evening("20:00"))
    scan(bookable, alice, "checkin", at("09:00"))
    scan(bookable, alice, "step-out", at("09:10"), minutes=20)
    scan(bookable, alice, "return", at("09:25"))
    assert run_once(at("10:00"))["overdue_step_outs"] == 0
    assert not Violation.objects.exists()


def test_reminders_before_the_start_and_before_the_check_in_deadline(
    alice: Reader, bookable: Seat
) -> None:
    book(bookable, alice, "09:00", "10:00", evening("20:00"))
    assert run_once(at("08:44"))["reminders"] == 0
    assert run_once(at("08:45"))["reminders"] == 1
    assert run_once(at("08:50"))["reminders"] == 0
    assert run_once(at("09:19"))["reminders"] == 0
    assert run_once(at("09:20"))["reminders"] == 1
    assert run_once(at("09:21"))["reminders"] == 0
    kinds = list(Notice.objects.filter(reader=alice).order_by("id").values_list("kind", flat=True))
    assert kinds == ["starts_soon", "checkin_deadline"]


def test_the_worker_command_runs_once(
    alice: Reader, bookable: Seat, capsys: pytest.CaptureFixture[str]
) -> None:
    book(bookable, alice, "09:00", "10:00", evening("20:00"))
    clock.travel_to(at("09:31"))
    call_command("worker", "--once")
    assert "no_shows=1" in capsys.readouterr().out
    assert Violation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_record_each_no_show_exactly_once() -> None:
    """Two workers (threads, own connections) run the same round at the same instant."""
    room = Room.objects.create(library=Library.get(), name="四楼", floor="4")
    seats = [Seat.objects.create(room=room, label=f"W-{i}", reservable=True) for i in range(20)]
    readers = [make_reader(f"2025{i:04d}", f"r{i}") for i in range(20)]
    for seat, reader in zip(seats, readers, strict=True):
        book(seat, reader, "09:00", "10:00", evening("20:00"))
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(run_once(at("09:30"))["no_shows"])
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads: list[threading.Thread] = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sum(results) == 20, results
    assert Violation.objects.filter(kind="no_show").count() == 20
    assert Reservation.objects.filter(status="no_show").count() == 20
    assert Notice.objects.filter(kind="no_show").count() == 20
