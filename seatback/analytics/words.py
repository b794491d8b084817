"""Each figure's name in the reader's language, for every door (pages, exports, commands)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIGURE_NAMES: dict[str, Promise] = {
    "seats": _("seats"),
    "occupancy": _("occupancy"),
    "turnover": _("turnover (holds per seat a day)"),
    "holds_started": _("holds started"),
    "clocks_started": _("clocks started"),
    "clocks_returned": _("clocks answered by a return"),
    "clocks_claimed": _("clocks ended in a claim"),
    "clocks_withdrawn": _("clocks withdrawn"),
    "clocks_lapsed": _("clocks lapsed"),
    "recovered_seconds": _("hogged seat-minutes recovered"),
    "recovered_minutes": _("hogged seat-minutes recovered"),
    "step_outs": _("step-outs"),
    "step_outs_overrun": _("step-outs that ran over"),
    "bookings": _("bookings"),
    "no_shows": _("no-shows"),
    "cancellations": _("cancellations"),
    "violations": _("violations"),
    "bans": _("bans"),
    "busiest_hours": _("busiest hours"),
    "lost_on_break": _("readers who lose a seat while on a break"),
    "free_at_peak": _("seats free at the busiest hour"),
    "turned_away": _("readers who find no seat"),
    "held_seat_hours": _("held seat-hours"),
    "library": _("the whole library"),
}
