"""Seat reservation (issue 7): reserve, cancel, no-shows, violations and bans.

A booking is written in the same kind of short transaction as a scan (seats.services):
the seat row, then the reader row, locked in that order with a short lock timeout
(SQLite: BEGIN IMMEDIATE behind the process's queue). The partial unique constraints on
ReservationSlot make a double booking impossible even if that locking were gone.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from seatback.core import live, locking, sql
from seatback.core.errors import Refusal
from seatback.library.models import Seat
from seatback.notifications.models import Notice
from seatback.notifications.services import queue
from seatback.readers.models import Reader, Violation
from seatback.reservations import selectors, taken
from seatback.reservations.models import Reservation, ReservationSlot
from seatback.reservations.rules import BookingRules
from seatback.reservations.selectors import booking_conflicts, live_q, stale_bookings
from seatback.seats.models import Challenge, Hold
from seatback.seats.services import local_time, lock, lock_then_read, seconds_until

log = logging.getLogger(__name__)


def rules_for(seat: Seat) -> BookingRules:
    return BookingRules.of(seat.room.effective_policy())


# Violations and bans ------------------------------------------------------------------


def record_violation(
    reader: Reader,
    kind: str,
    *,
    at: datetime,
    key: str,
    now: datetime,
    seat: Seat | None = None,
    rules: BookingRules,
    note: str = "",
) -> bool:
    """Record a violation once (its `key` is unique) and ban the reader at the threshold.

    Returns whether this call recorded it. Call inside a transaction.
    """
    try:
        with transaction.atomic():
            violation = Violation.objects.create(
                reader=reader, kind=kind, at=at, seat=seat, key=key, note=note[:300]
            )
    except IntegrityError:
        return False  # someone else recorded it first
    queue(
        reader,
        Notice.Kind.VIOLATION,
        key=f"violation:{violation.pk}",
        now=now,
        violation=kind,
        at=at.isoformat(),
    )
    apply_ban(reader, at=at, now=now, rules=rules)
    return True


def counting_violations(reader: Reader, now: datetime, rules: BookingRules) -> int:
    """Violations that count towards a ban: inside the window, not forgiven, and after the
    end of the reader's last ban (a ban wipes the slate)."""
    since = now - rules.violation_window
    if reader.banned_until is not None and reader.banned_until > since:
        since = reader.banned_until
    return Violation.objects.filter(
        reader=reader, at__gt=since, at__lte=now, forgiven_at__isnull=True
    ).count()


def apply_ban(reader: Reader, *, at: datetime, now: datetime, rules: BookingRules) -> bool:
    """Ban the reader for the policy's length if the violations up to `at` (the latest
    violation's time) reached the threshold. The ban runs from `at`, so it does not depend
    on when a worker got round to it."""
    reader.refresh_from_db(fields=["banned_until", "ban_reason"])
    if reader.is_banned(at):
        return False
    count = counting_violations(reader, at, rules)
    if count < rules.violations_before_ban:
        return False
    until = at + rules.ban_length
    if until <= now:
        return False  # the ban would already be over
    reason = _("%(count)d violations within %(days)d days") % {
        "count": count,
        "days": rules.violation_window.days,
    }
    # Conditional: a second worker deciding the same ban changes nothing.
    updated = (
        Reader.objects.filter(pk=reader.pk)
        .filter(Q(banned_until__isnull=True) | Q(banned_until__lte=at))
        .update(banned_until=until, ban_reason=reason[:200])
    )
    if updated:
        reader.banned_until, reader.ban_reason = until, reason[:200]
        queue(
            reader,
            Notice.Kind.BANNED,
            key=f"ban:{reader.pk}:{int(until.timestamp())}",
            now=now,
            until=until.isoformat(),
        )
    return bool(updated)


# Settling: bookings that stopped keeping their seat -----------------------------------


def settle_no_show(reservation: Reservation, now: datetime) -> bool:
    """Mark a booking not checked in by its deadline as a no-show, free its slots and
    record the violation. Claimed by a conditional UPDATE: exactly one caller wins."""
    with transaction.atomic():
        won = Reservation.objects.filter(
            pk=reservation.pk, status=Reservation.Status.BOOKED, checkin_until__lte=now
        ).update(status=Reservation.Status.NO_SHOW, ended_at=reservation.checkin_until)
        if not won:
            return False
        ReservationSlot.objects.filter(reservation_id=reservation.pk, active=True).update(
            active=False
        )
        seat = reservation.seat
        record_violation(
            reservation.reader,
            Violation.Kind.NO_SHOW,
            at=reservation.checkin_until,
            key=f"reservation:{reservation.pk}:no_show",
            now=now,
            seat=seat,
            rules=rules_for(seat),
        )
        queue(
            reservation.reader,
            Notice.Kind.NO_SHOW,
            key=f"reservation:{reservation.pk}:released",
            now=now,
            seat=seat.label,
            room=seat.room.name,
            start=reservation.start.isoformat(),
        )
    return True


def _settle(where: Q, now: datetime) -> None:
    """Free the slots of bookings that stopped keeping their seat (no-shows, check-ins
    whose hold ended), so the unique constraints see the truth."""
    stale = (
        Reservation.objects.filter(where, slots__active=True)
        .exclude(live_q(now))
        .select_related("seat__room__library", "reader", "hold")
        .distinct()
    )
    for reservation in stale:
        if reservation.status == Reservation.Status.BOOKED:
            settle_no_show(reservation, now)
            continue
        if reservation.status == Reservation.Status.CHECKED_IN:
            hold = reservation.hold
            ended = hold.ended_at or hold.closes_at if hold else now
            Reservation.objects.filter(
                pk=reservation.pk, status=Reservation.Status.CHECKED_IN
            ).update(status=Reservation.Status.ENDED, ended_at=ended)
        ReservationSlot.objects.filter(reservation_id=reservation.pk, active=True).update(
            active=False
        )


# Reserving -----------------------------------------------------------------------------


def _booking_refusal(
    seat: Seat, reader: Reader, start: datetime, end: datetime, now: datetime, rules: BookingRules
) -> Refusal | None:
    if reader.is_banned(now):
        return Refusal("banned")
    if not (seat.reservable and seat.active and seat.room.active):
        return Refusal("not_reservable")
    if not (rules.on_slot(start) and rules.on_slot(end)) or end <= start:
        step = int(rules.slot.total_seconds() // 60)
        return Refusal(
            "invalid_request",
            _("Bookings start and end on the %(minutes)d-minute marks (e.g. 08:00, 08:30).")
            % {"minutes": step},
        )
    if end - start > rules.longest:
        return Refusal(
            "invalid_request",
            _("A booking lasts at most %(minutes)d minutes.")
            % {"minutes": int(rules.longest.total_seconds() // 60)},
        )
    policy = rules.policy
    day = policy.local_day(start)
    opens, closes = policy.opening(start)
    if start < opens or end > closes:
        return Refusal(
            "outside_booking_window",
            _("The room is open from %(opens)s to %(closes)s that day.")
            % {"opens": local_time(opens), "closes": local_time(closes)},
        )
    if end <= now or start + rules.slot <= now:
        return Refusal("outside_booking_window", _("That time has already begun or passed."))
    booking_opens = rules.booking_opens(day)
    if now < booking_opens:
        return Refusal(
            "outside_booking_window",
            _("Bookings for that day open at %(time)s on %(date)s.")
            % {
                "time": local_time(booking_opens),
                "date": booking_opens.astimezone(policy.zone()).strftime("%Y-%m-%d"),
            },
            retry_after=seconds_until(booking_opens, now),
        )
    day_start, day_end = policy._instant(day, policy.opening_hours[0]), closes
    overlapping, booked_that_day, seat_booked = booking_conflicts(
        seat.pk, reader.pk, start, end, (day_start, day_end), now
    )
    if overlapping:
        return Refusal("limit_reached", _("You already have a seat booked at that time."))
    if booked_that_day >= rules.per_day:
        return Refusal(
            "limit_reached",
            _("You can book at most %(count)d times a day.") % {"count": rules.per_day},
        )
    if seat_booked:
        return Refusal("seat_unavailable")
    if start <= now:
        # Booking the slot that has begun: only if nobody sits here now.
        others = ~Q(reader=reader)
        if Hold.objects.current(now).filter(others, seat=seat).exists():
            return Refusal("seat_unavailable", _("Someone is sitting at this seat now."))
        if Challenge.objects.pending(now).filter(seat=seat).exists():
            return Refusal("seat_unavailable", _("Someone is sitting at this seat now."))
    return None


def seat_taken(seat: Seat, start: datetime, end: datetime, now: datetime) -> Refusal | None:
    if not seat.reservable:
        return Refusal("not_reservable")
    found = selectors.seat_booked(seat.pk, start, end, now)
    if found is not None:
        b_start, b_end, status, deadline = found
        booked = status == Reservation.Status.BOOKED
        taken.remember(seat.pk, b_start, b_end, now, deadline if booked else None)
        return Refusal("seat_unavailable")
    return None


def reserve(
    seat: Seat,
    reader: Reader,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    checked: bool = False,
) -> Reservation:
    """Book `seat` for [start, end), or raise the Refusal that says why not. `checked`:
    the caller has just asked seat_taken."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    # First without any lock: in a rush most requests are for seats already taken, and
    # they are answered at once instead of queueing for the seat's lock. Bookings only
    # ever disappear by cancellation or a passed deadline, so "taken" read now is true now.
    early = None if checked else seat_taken(seat, start, end, now)
    if early is not None:
        raise early
    with (
        locking.busy_when_contended(f"reserve seat {seat.pk} by {reader.pk}"),
        locking.seat_transaction(set_timeout=False),
    ):
        # The lock timeout, the locks and the bookings to settle: one round trip.
        reads = [stale_bookings(seat.pk, reader.pk, now)]
        seat, reader, (stale,) = lock_then_read(seat, reader, reads, set_timeout=True)
        if stale:
            _settle(Q(pk__in=[row[0] for row in stale]), now)
        rules = rules_for(seat)
        refusal = _booking_refusal(seat, reader, start, end, now, rules)
        if refusal is None:
            reservation = _book(seat, reader, start, end, now, rules)
    if refusal is not None:
        raise refusal
    taken.remember(seat.pk, start, end, now, reservation.checkin_until)
    return reservation


def _book(
    seat: Seat, reader: Reader, start: datetime, end: datetime, now: datetime, rules: BookingRules
) -> Reservation:
    checkin_from, checkin_until = rules.checkin_window(start, end)
    reservation = sql.insert(
        Reservation(
            seat=seat,
            reader=reader,
            start=start,
            end=end,
            checkin_from=checkin_from,
            checkin_until=checkin_until,
            created_at=now,
        )
    )
    sql.insert_many(
        [
            ReservationSlot(reservation=reservation, seat=seat, reader=reader, slot_start=moment)
            for moment in rules.slot_starts(start, end)
        ]
    )
    # Whoever sits here without a booking now has to go when this one begins.
    Hold.objects.current(now).filter(seat=seat, closes_at__gt=start).exclude(reader=reader).update(
        closes_at=start
    )
    seat_id = seat.pk
    transaction.on_commit(lambda: live.bump(seat_id))
    return reservation


def cancel(reservation: Reservation, reader: Reader, *, now: datetime) -> bool:
    """Cancel the reader's booking; returns whether it counted as a late cancellation."""
    if reservation.reader_id != reader.pk:
        raise Refusal("not_found")
    seat = reservation.seat
    with (
        locking.busy_when_contended(f"cancel reservation {reservation.pk}"),
        locking.seat_transaction(),
    ):
        seat, reader = lock(seat, reader)
        current = Reservation.objects.get(pk=reservation.pk)
        if current.status == Reservation.Status.CHECKED_IN:
            raise Refusal(
                "invalid_request",
                _("You have checked in: release the seat instead of cancelling."),
            )
        if current.status != Reservation.Status.BOOKED or current.checkin_until <= now:
            raise Refusal("not_found", _("This booking is no longer active."))
        rules = rules_for(seat)
        late = now > current.start - rules.cancel_cutoff
        Reservation.objects.filter(pk=current.pk).update(
            status=Reservation.Status.CANCELLED, cancelled_at=now
        )
        ReservationSlot.objects.filter(reservation_id=current.pk, active=True).update(active=False)
        if late and rules.late_cancel_is_violation:
            record_violation(
                reader,
                Violation.Kind.LATE_CANCEL,
                at=now,
                key=f"reservation:{current.pk}:late_cancel",
                now=now,
                seat=seat,
                rules=rules,
            )
        seat_id = seat.pk
        transaction.on_commit(lambda: live.bump(seat_id))
    taken.forget(seat.pk)
    return late
