"""What a passage through an entrance gate does to a reader's seat (docs/gates.md).

- Out: the reader's seat is protected as a step-out, and their hold ends `gate_exit_minutes`
  after they left unless they come back in first: the hold's stored end moves to that
  minute, so it ends by the stored times alone, with no timer. Leaving while a clock runs
  on the seat protects nothing, and that reader can no longer answer the clock with
  "I'm back" (the `return` rule is wrapped below).
- In: a step-out started by the gate ends, and the hold's end goes back to what it was;
  with `gate_checkin` on, a booking waiting for its check-in is checked in through the
  seat rule (seats.services.perform, intent "checkin").
Both write under the same locks as a scan, and leave a scan record in the seat's timeline.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from seatback.core import live, locking, sql
from seatback.core.errors import Refusal
from seatback.gates.models import Direction, Gate, GateEvent, GateStepOut
from seatback.presence.evidence import Evidence
from seatback.readers.models import Reader
from seatback.reservations.models import Reservation
from seatback.reservations.selectors import reader_reservations
from seatback.seats import services
from seatback.seats.models import Challenge, Hold, ScanRecord


def _client(gate: Gate) -> str:
    return f"gate {gate.code}"


def _record(
    hold: Hold, reader: Reader, intent: str, outcome: str, at: datetime, gate: Gate
) -> None:
    ScanRecord.objects.create(
        seat_id=hold.seat_id,
        reader=reader,
        intent=intent,
        outcome=outcome,
        accepted=True,
        at=at,
        client=_client(gate),
        evidence={"gate": {"ok": True, "reason": "passage", "gate": gate.code}},
    )


def on_exit(event: GateEvent, reader: Reader, gate: Gate, *, now: datetime) -> str | None:
    hold = (
        Hold.objects.current(now)
        .filter(reader=reader, since__lte=event.at)
        .select_related("seat__room__library")
        .first()
    )
    if hold is None:
        return None
    minutes = int(hold.seat.room.effective_policy().values["gate_exit_minutes"])
    if minutes == 0:
        return None
    with (
        locking.busy_when_contended(f"gate exit of reader {reader.pk}"),
        locking.seat_transaction(),
    ):
        seat, reader = services.lock(hold.seat, reader)
        locked = Hold.objects.current(now).filter(pk=hold.pk).first()
        if locked is None:
            return None
        step_out = GateStepOut(
            event=event,
            hold=locked,
            reader=reader,
            left_at=event.at,
            ends_at=event.at,
            hold_closes_at=locked.closes_at,
        )
        if Challenge.objects.pending(now).filter(seat=seat).exists():
            step_out.challenged = True
            step_out.save()
            return "left_while_challenged"
        # The hold cannot end before now: scans may have been accepted since the exit.
        ends = min(max(event.at + timedelta(minutes=minutes), now), locked.closes_at)
        Hold.objects.filter(pk=locked.pk).update(away_until=ends, closes_at=ends)
        step_out.ends_at = ends
        step_out.save()
        _record(locked, reader, "step-out", "stepped_out", event.at, gate)
        seat_id = seat.pk
        transaction.on_commit(lambda: live.bump(seat_id))
    return "stepped_out"


def _back(event: GateEvent, reader: Reader, gate: Gate, *, now: datetime) -> str | None:
    """Every step-out the gate started for this reader ends with this entry; one still
    within its minutes gives the hold its end back."""
    still_out = GateStepOut.objects.filter(
        reader=reader, back_at__isnull=True, left_at__lte=event.at
    )
    step_out = (
        still_out.filter(challenged=False, ends_at__gt=event.at)
        .select_related("hold__seat")
        .order_by("-left_at")
        .first()
    )
    if step_out is None:
        still_out.update(back_at=event.at)
        return None
    with (
        locking.busy_when_contended(f"gate entry of reader {reader.pk}"),
        locking.seat_transaction(),
    ):
        services.lock(step_out.hold.seat, reader)
        still_out.update(back_at=event.at)
        hold = Hold.objects.filter(pk=step_out.hold_id, ended_at__isnull=True).first()
        if hold is None:
            return None
        # Back before the minute: the step-out ends now, the hold ends when it would have.
        Hold.objects.filter(pk=hold.pk).update(
            closes_at=step_out.hold_closes_at,
            away_until=min(hold.away_until or event.at, event.at),
        )
        _record(hold, reader, "return", "returned", event.at, gate)
        seat_id = hold.seat_id
        transaction.on_commit(lambda: live.bump(seat_id))
    return "back"


def _waiting_booking(reader: Reader, now: datetime) -> Reservation | None:
    for booking in reader_reservations(reader.pk, now):
        if (
            booking.status == Reservation.Status.BOOKED
            and booking.checkin_from <= now < booking.checkin_until
        ):
            return booking
    return None


def on_entry(event: GateEvent, reader: Reader, gate: Gate, *, now: datetime) -> str | None:
    outcome = _back(event, reader, gate, now=now)
    booking = _waiting_booking(reader, now)
    if booking is None:
        return outcome
    if booking.seat.room.effective_policy().values["gate_checkin"] != "yes":
        return outcome
    seat = booking.seat
    try:
        services.perform(seat, reader, "checkin", now=now, evidence=Evidence(client=_client(gate)))
    except Refusal as refusal:
        return f"checkin_refused:{refusal.code}"
    return "checked_in"


class Concerned:
    """Which passages of a delivery a rule could act on, asked in three queries for the
    whole delivery: most are of readers with no seat, no gate step-out and no booking to
    check in, and are only counted. A reader a rule acted on in this delivery is asked
    again for each later passage (out and back in, in one backlog)."""

    def __init__(self, events: list[GateEvent], now: datetime) -> None:
        self.now = now
        out = {e.reader_id for e in events if e.reader_id and e.direction == Direction.OUT}
        back = {e.reader_id for e in events if e.reader_id and e.direction == Direction.IN}
        self.holding = set(
            Hold.objects.current(now).filter(reader_id__in=out).values_list("reader_id", flat=True)
        )
        self.entering = set(
            GateStepOut.objects.filter(reader_id__in=back, back_at__isnull=True).values_list(
                "reader_id", flat=True
            )
        ) | set(self._booked(back))
        self.touched: set[int] = set()

    def _booked(self, reader_ids: set[int]) -> list[int]:
        return list(
            Reservation.objects.filter(
                reader_id__in=reader_ids,
                status=Reservation.Status.BOOKED,
                checkin_from__lte=self.now,
                checkin_until__gt=self.now,
            ).values_list("reader_id", flat=True)
        )

    def by(self, event: GateEvent) -> bool:
        reader_id = event.reader_id
        if reader_id in self.touched:
            return True
        if event.direction == Direction.OUT:
            return reader_id in self.holding
        return reader_id in self.entering


def apply(event: GateEvent, reader: Reader, gate: Gate, *, now: datetime) -> str | None:
    """Apply the rule for this passage (an entrance gate's, the card's latest); returns
    what it did, or None when it did nothing beyond counting."""
    if event.direction == Direction.OUT:
        return on_exit(event, reader, gate, now=now)
    return on_entry(event, reader, gate, now=now)


# "I'm back" after leaving the building --------------------------------------------------


def left_while_challenged(reader_id: int, seat_id: int, since: datetime, now: datetime) -> bool:
    """Whether the reader went out through the gate, holding this seat, while a clock ran
    on it. Asked by every return (one hand-written statement, core.sql)."""
    params = [reader_id, seat_id, True, sql.when(since), sql.when(now)]
    return bool(sql.rows(_left_sql(), params))


@functools.cache
def _left_sql() -> str:
    step_outs, holds = GateStepOut._meta.db_table, Hold._meta.db_table
    return (
        f"SELECT 1 FROM {step_outs} o JOIN {holds} h ON h.id = o.hold_id"  # noqa: S608
        " WHERE o.reader_id = %s AND h.seat_id = %s AND o.challenged = %s"
        " AND o.left_at >= %s AND o.left_at <= %s LIMIT 1"
    )


_plugged = False


def plug_in() -> None:
    """Wrap the seat rule's `return`: a holder who went out through the gate while the clock
    ran on their seat cannot answer it (called once, from GatesConfig.ready)."""
    global _plugged
    if _plugged:
        return
    _plugged = True
    rule, apply_return = services.RULES["return"], services.APPLY["return"]

    def gate_return_refusal(s: services.Situation, minutes: int | None) -> Refusal | None:
        refusal = rule(s, minutes)
        if (
            refusal is None
            and s.challenge is not None
            and s.reader is not None
            and left_while_challenged(s.reader.pk, s.seat.pk, s.challenge.started_at, s.now)
        ):
            return Refusal(
                "not_present",
                _(
                    "You went out through the gate while the clock was running on this "
                    "seat, so “I'm back” no longer keeps it."
                ),
            )
        return refusal

    services.plug_in_intent("return", gate_return_refusal, apply_return)
