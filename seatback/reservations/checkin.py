"""The `checkin` intent (签到), plugged into the seat rule (seats.services.plug_in_intent)
when the app starts: seats.services.perform calls it inside its transaction, with the seat
and reader locked, so it follows the same rule as every other scan."""

from __future__ import annotations

from django.utils.translation import gettext as _

from seatback.core.errors import Refusal
from seatback.reservations.models import Reservation
from seatback.seats.models import Challenge, Hold
from seatback.seats.services import Situation, end_hold, local_time, seconds_until


def checkin_refusal(s: Situation, _minutes: int | None = None) -> Refusal | None:
    if not s.is_open:
        return Refusal("room_closed")
    mine = s.my_reservation
    if mine is None:
        if s.is_mine(s.hold) and s.hold and s.hold.source == Hold.Source.CHECKIN:
            return Refusal("already_yours", _("You have already checked in here."))
        return Refusal("not_reserved")
    if s.now < mine.checkin_from:
        return Refusal(
            "too_early",
            _("You can check in from %(time)s.") % {"time": local_time(mine.checkin_from)},
            retry_after=seconds_until(mine.checkin_from, s.now),
        )
    return None


def apply_checkin(s: Situation, _minutes: int | None = None) -> str:
    """The reader becomes the seat's holder until the booking ends (or the room closes)."""
    reservation = s.my_reservation
    assert isinstance(reservation, Reservation) and s.reader is not None
    if s.challenge is not None:
        # Someone started the clock on a seat that is booked: the booking wins.
        Challenge.objects.filter(pk=s.challenge.pk).update(
            status=Challenge.Status.LAPSED, ended_at=s.now, ended_by=s.reader
        )
    if s.hold is not None:
        # A walk-in whose hold runs until the booking starts, or an early arrival of the
        # reader themselves: the booking takes over now.
        reason = Hold.EndReason.MOVED if s.is_mine(s.hold) else Hold.EndReason.CLAIMED
        end_hold(s.hold, s.now, reason)
    if s.reader_hold is not None and s.reader_hold.seat_id != s.seat.pk:
        end_hold(s.reader_hold, s.now, Hold.EndReason.MOVED)
    hold = Hold.objects.create(
        seat=s.seat,
        reader=s.reader,
        source=Hold.Source.CHECKIN,
        since=s.now,
        closes_at=min(reservation.end, s.closes_at),
    )
    Reservation.objects.filter(pk=reservation.pk, status=Reservation.Status.BOOKED).update(
        status=Reservation.Status.CHECKED_IN, checked_in_at=s.now, hold=hold
    )
    return "checked_in"
