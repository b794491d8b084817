"""The scheduled work of reservations: the only work that runs on a timer (spec §2.8).

Correctness never waits for it (a no-show frees its seat by the stored times alone); it
records violations, applies bans and queues reminders. Every piece of work is claimed by a
conditional UPDATE (or a unique key), so any number of workers may run at once and each
thing still happens exactly once.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q

from seatback.core import rounds
from seatback.notifications import outbox
from seatback.notifications.models import Notice
from seatback.notifications.services import queue
from seatback.readers.models import Violation
from seatback.reservations import services
from seatback.reservations.models import Reservation
from seatback.seats.models import Hold, ScanRecord
from seatback.seats.services import queue_clock_reminders

log = logging.getLogger(__name__)

# A reminder this long before a booking starts, and before its check-in deadline.
STARTS_SOON = timedelta(minutes=15)
DEADLINE_SOON = timedelta(minutes=10)
BATCH = 500
# Step-outs that ran out longer ago than this are history, not work.
STEP_OUT_HORIZON = timedelta(days=1)


def no_shows(now: datetime) -> int:
    due = (
        Reservation.objects.filter(status=Reservation.Status.BOOKED, checkin_until__lte=now)
        .select_related("seat__room__library", "reader")
        .order_by("checkin_until")[:BATCH]
    )
    return sum(services.settle_no_show(reservation, now) for reservation in due)


def ended_checkins(now: datetime) -> int:
    """Check-ins whose hold ended (released, moved, claimed away, closed): free the slots."""
    done = Q(hold__isnull=True) | Q(hold__ended_at__isnull=False) | Q(hold__closes_at__lte=now)
    ids = list(
        Reservation.objects.filter(done, status=Reservation.Status.CHECKED_IN).values_list(
            "pk", flat=True
        )[:BATCH]
    )
    if ids:
        services._settle(Q(pk__in=ids), now)
    return len(ids)


def overdue_step_outs(now: datetime) -> int:
    """A reader who checked in, stepped out and did not come back in time: one violation
    per step-out (the key names the hold and when the step-out ran out)."""
    recorded = 0
    holds = (
        Hold.objects.filter(
            source=Hold.Source.CHECKIN,
            away_until__lte=now,
            away_until__gt=now - STEP_OUT_HORIZON,
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=F("away_until")))
        .select_related("seat__room__library", "reader")[:BATCH]
    )
    for hold in holds:
        assert hold.away_until is not None
        # "I'm back" sets away_until to the moment of return, with an accepted return scan
        # at that instant: such a step-out ended in time.
        came_back = ScanRecord.objects.filter(
            seat=hold.seat_id,
            reader=hold.reader_id,
            intent="return",
            accepted=True,
            at=hold.away_until,
        ).exists()
        if came_back:
            continue
        with transaction.atomic():
            recorded += services.record_violation(
                hold.reader,
                Violation.Kind.OVERDUE_STEP_OUT,
                at=hold.away_until,
                key=f"hold:{hold.pk}:step_out:{int(hold.away_until.timestamp())}",
                now=now,
                seat=hold.seat,
                rules=services.rules_for(hold.seat),
            )
    return recorded


def _remind(due: Q, field: str, kind: str, now: datetime) -> int:
    queued = 0
    candidates = (
        Reservation.objects.filter(
            due, status=Reservation.Status.BOOKED, **{f"{field}__isnull": True}
        )
        .select_related("seat__room", "reader")
        .order_by("start")[:BATCH]
    )
    for reservation in candidates:
        with transaction.atomic():
            claimed = Reservation.objects.filter(
                pk=reservation.pk, status=Reservation.Status.BOOKED, **{f"{field}__isnull": True}
            ).update(**{field: now})
            if not claimed:
                continue  # another worker has it
            seat = reservation.seat
            queued += queue(
                reservation.reader,
                kind,
                key=f"reservation:{reservation.pk}:{kind}",
                now=now,
                room=seat.room.name,
                seat=seat.label,
                start=reservation.start.isoformat(),
                checkin_from=reservation.checkin_from.isoformat(),
                checkin_until=reservation.checkin_until.isoformat(),
            )
    return queued


def reminders(now: datetime) -> int:
    starts_soon = Q(start__lte=now + STARTS_SOON, checkin_until__gt=now)
    deadline_soon = Q(start__lte=now, checkin_until__lte=now + DEADLINE_SOON, checkin_until__gt=now)
    return _remind(starts_soon, "reminded_at", Notice.Kind.STARTS_SOON, now) + _remind(
        deadline_soon, "deadline_reminded_at", Notice.Kind.CHECKIN_DEADLINE, now
    )


def run_once(now: datetime) -> Counter[str]:
    """One round of all the work due at `now`; returns what was done."""
    done: Counter[str] = Counter()
    done["no_shows"] = no_shows(now)
    done["ended_checkins"] = ended_checkins(now)
    done["overdue_step_outs"] = overdue_step_outs(now)
    done["reminders"] = reminders(now)
    done["clock_reminders"] = queue_clock_reminders(now)
    done.update(rounds.run_all(now))  # what other apps scheduled (core.rounds)
    # Deliveries the sender thread of the process that queued them did not finish.
    done["pushed"] = sum(outbox.deliver_due(now).values())
    return done
