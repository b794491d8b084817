"""Sentences about bookings on a seat's page (pages.wording adds them to the card)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from seatback.seats.services import Situation, local_time


def seat_notes(s: Situation) -> list[str]:
    notes = []
    mine = s.my_reservation
    if mine is not None:
        notes.append(
            _("Your booking starts at %(start)s. Check in here from %(from)s to %(until)s.")
            % {
                "start": local_time(mine.start),
                "from": local_time(mine.checkin_from),
                "until": local_time(mine.checkin_until),
            }
        )
    elif s.reservation is not None:
        notes.append(
            _("This seat is booked from %(start)s; it is kept for its reader until %(until)s.")
            % {
                "start": local_time(s.reservation.start),
                "until": local_time(s.reservation.checkin_until),
            }
        )
    elif s.hold_ends_at < s.closes_at:
        booked = {"time": local_time(s.hold_ends_at)}
        if s.is_mine(s.hold):
            notes.append(_("This seat is booked from %(time)s: it is yours until then.") % booked)
        else:
            notes.append(
                _("This seat is booked from %(time)s: taking it now, you keep it until then.")
                % booked
            )
    return notes
