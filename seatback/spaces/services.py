"""Booking spaces by groups: the organiser books and names companions by card number; the
booking holds once the smallest group has confirmed by the deadline (else it is released
and nobody is penalised); check-in at the space's door QR by the organiser or by enough
members; a no-show releases the space and records a violation for the organiser.

Writes take the space's row lock inside core.locking's transaction, so thirty organisers
racing for one slot get one booking and 29 clear refusals; the SpaceSlot constraint is
the guard underneath.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from seatback.audit.services import clean_note, record
from seatback.core import locking
from seatback.core.errors import Refusal
from seatback.library.models import Library
from seatback.library.policy import Policy
from seatback.notifications.models import Notice
from seatback.notifications.services import queue
from seatback.readers.models import Reader, Violation
from seatback.readers.roles import require_librarian
from seatback.reservations.rules import BookingRules
from seatback.reservations.services import record_violation
from seatback.spaces.models import Space, SpaceBlock, SpaceBooking, SpaceMember, SpaceSlot

LIVE = (SpaceBooking.Status.PENDING, SpaceBooking.Status.CONFIRMED, SpaceBooking.Status.CHECKED_IN)
# A group that books at the last minute still gets this long to confirm.
LAST_MINUTE_CONFIRM = timedelta(minutes=10)


def policy_of(space: Space) -> Policy:
    if space.room is not None:
        return space.room.effective_policy()
    return Policy.from_values(Library.get().policy)


def rules_of(space: Space) -> BookingRules:
    """The room's booking rules (check-in window, violations), with the space's own slot
    and longest booking: slot marks and slot starts then come from BookingRules too."""
    return replace(
        BookingRules.of(policy_of(space)),
        slot=timedelta(minutes=space.slot_minutes),
        longest=timedelta(minutes=space.longest_minutes),
    )


def _local(moment: datetime) -> datetime:
    return moment.astimezone(Policy.zone())


def _time(moment: datetime) -> str:
    return _local(moment).strftime("%H:%M")


def _space_rows() -> QuerySet[Space]:
    """Spaces read with their row locked (PostgreSQL); the concurrency tests' control run
    turns locking off to show what the lock prevents."""
    rows = Space.objects.select_related("room__library")
    return rows.select_for_update(of=("self",)) if settings.SEAT_LOCKING else rows


def _settle(space: Space, now: datetime) -> None:
    """Release what stopped holding the space: groups that did not confirm in time (no
    penalty) and bookings nobody checked in to (a violation, by record_no_shows)."""
    for booking in SpaceBooking.objects.filter(
        space=space, status=SpaceBooking.Status.PENDING, confirm_by__lte=now
    ):
        _release(booking, SpaceBooking.Status.RELEASED, now)
    for booking in SpaceBooking.objects.filter(
        space=space,
        status=SpaceBooking.Status.CONFIRMED,
        checkin_until__lte=now,
        checked_in_at__isnull=True,
    ).select_related("space", "organiser"):
        _no_show(booking, now)


def _release(
    booking: SpaceBooking, status: str, now: datetime, *, from_: datetime | None = None
) -> bool:
    """End a live booking with `status`; its slots (from `from_` on, if given) go free."""
    done = SpaceBooking.objects.filter(pk=booking.pk, status__in=LIVE).update(
        status=status, ended_at=now
    )
    if done:
        slots = SpaceSlot.objects.filter(booking_id=booking.pk, active=True)
        if from_ is not None:
            slots = slots.filter(slot_start__gte=from_)
        slots.update(active=False)
    return bool(done)


def _no_show(booking: SpaceBooking, now: datetime) -> bool:
    if not _release(booking, SpaceBooking.Status.NO_SHOW, now):
        return False
    record_violation(
        booking.organiser,
        Violation.Kind.NO_SHOW,
        at=booking.checkin_until,
        key=f"space-booking:{booking.pk}:no_show",
        now=now,
        rules=rules_of(booking.space),
        note=_("space %(space)s") % {"space": booking.space.name},
    )
    return True


# Booking ------------------------------------------------------------------------------------


def _companions(organiser: Reader, cards: list[str]) -> list[Reader]:
    wanted = [c.strip() for c in cards if c and c.strip()]
    if len(set(wanted)) != len(wanted):
        raise Refusal("invalid_request", _("A companion is named twice."))
    if organiser.card_number in wanted:
        raise Refusal("invalid_request", _("You are the organiser; name only your companions."))
    found = {
        r.card_number: r for r in Reader.objects.filter(card_number__in=wanted, is_active=True)
    }
    missing = [c for c in wanted if c not in found]
    if missing:
        raise Refusal(
            "invalid_request",
            _("No reader has the card number %(cards)s.") % {"cards": ", ".join(missing)},
        )
    return [found[c] for c in wanted]


def _minutes_booked(reader: Reader, day: date, exclude: int | None = None) -> int:
    """Minutes of the reader's live space bookings (as organiser or companion) that day."""
    start = datetime.combine(day, time.min, tzinfo=Policy.zone())
    bookings = SpaceBooking.objects.filter(
        members__reader=reader,
        status__in=LIVE,
        start__gte=start,
        start__lt=start + timedelta(days=1),
    )
    if exclude:
        bookings = bookings.exclude(pk=exclude)
    return sum(int((b.end - b.start).total_seconds() // 60) for b in bookings)


def booking_refusal(
    space: Space,
    organiser: Reader,
    group: list[Reader],
    start: datetime,
    end: datetime,
    now: datetime,
) -> Refusal | None:
    """Why this group may not book the space then, or None. Before any lock: rules only."""
    if organiser.is_banned(now):
        return Refusal("banned")
    if not space.active:
        return Refusal("not_reservable", _("This space cannot be booked."))
    if space.reader_kinds and organiser.kind not in space.reader_kinds and not organiser.is_staff:
        return Refusal("not_reservable", _("This space is not bookable by your kind of reader."))
    rules = rules_of(space)
    if not (rules.on_slot(start) and rules.on_slot(end)) or end <= start:
        return Refusal(
            "invalid_request",
            _("Bookings start and end on the %(minutes)d-minute marks.")
            % {"minutes": space.slot_minutes},
        )
    if end - start > rules.longest:
        return Refusal(
            "invalid_request",
            _("A booking lasts at most %(minutes)d minutes.") % {"minutes": space.longest_minutes},
        )
    policy = rules.policy
    today = policy.local_day(now)
    day = policy.local_day(start)
    if end <= now or day > today + timedelta(days=space.days_ahead) or day < today:
        return Refusal("outside_booking_window")
    opens, closes = policy.opening(start)
    if start < opens or end > closes:
        return Refusal(
            "outside_booking_window",
            _("The space is open %(opens)s–%(closes)s.")
            % {"opens": _time(opens), "closes": _time(closes)},
        )
    size = 1 + len(group)
    if size > space.capacity:
        return Refusal(
            "invalid_request",
            _("This space holds %(n)d people.") % {"n": space.capacity},
        )
    if size < space.min_group:
        return Refusal(
            "invalid_request",
            _("This space is for groups of at least %(n)d: name your companions.")
            % {"n": space.min_group},
        )
    minutes = int((end - start).total_seconds() // 60)
    for person in (organiser, *group):
        if _minutes_booked(person, day) + minutes > space.longest_minutes:
            return Refusal(
                "limit_reached",
                _("%(name)s would be booked in spaces for more than %(minutes)d minutes that day.")
                % {"name": person.name or person.card_number, "minutes": space.longest_minutes},
            )
    block = SpaceBlock.objects.filter(space=space, start__lt=end, end__gt=start).first()
    if block is not None:
        return Refusal(
            "seat_unavailable",
            _("The space is closed then: %(reason)s") % {"reason": block.reason},
        )
    return None


def book(
    space: Space,
    organiser: Reader,
    start: datetime,
    end: datetime,
    companions: list[str],
    *,
    now: datetime,
    booked_by: Reader | None = None,
) -> SpaceBooking:
    """Book the space for the organiser and the companions they name (by card number)."""
    if booked_by is not None:
        require_librarian(booked_by)
    group = _companions(organiser, companions)
    refusal = booking_refusal(space, organiser, group, start, end, now)
    if refusal is not None:
        raise refusal
    rules = rules_of(space)
    checkin_from, checkin_until = rules.checkin_window(start, end)
    confirm_by = min(max(checkin_from, now + LAST_MINUTE_CONFIRM), end)
    with (
        locking.busy_when_contended(f"book space {space.pk} by {organiser.pk}"),
        locking.seat_transaction(),
    ):
        space = _space_rows().get(pk=space.pk)
        _settle(space, now)
        taken = SpaceSlot.objects.filter(
            space=space, active=True, slot_start__in=rules.slot_starts(start, end)
        ).exists()
        if taken:
            raise Refusal("seat_unavailable", _("This space is already booked then."))
        confirmed = space.min_group <= 1
        booking = SpaceBooking.objects.create(
            space=space,
            organiser=organiser,
            start=start,
            end=end,
            status=SpaceBooking.Status.CONFIRMED if confirmed else SpaceBooking.Status.PENDING,
            confirm_by=confirm_by,
            checkin_from=checkin_from,
            checkin_until=checkin_until,
            created_at=now,
            booked_by=booked_by,
        )
        SpaceMember.objects.create(booking=booking, reader=organiser, confirmed_at=now)
        SpaceMember.objects.bulk_create(SpaceMember(booking=booking, reader=r) for r in group)
        SpaceSlot.objects.bulk_create(
            SpaceSlot(booking=booking, space=space, slot_start=moment)
            for moment in rules.slot_starts(start, end)
        )
        for companion in group:
            queue(
                companion,
                Notice.Kind.SPACE_INVITE,
                key=f"space-booking:{booking.pk}:invite:{companion.pk}",
                now=now,
                space=space.name,
                organiser=organiser.name or organiser.card_number,
                start=start.isoformat(),
                confirm_by=confirm_by.isoformat(),
            )
        if booked_by is not None:
            record(
                booked_by,
                "space.book_for",
                booking,
                now=now,
                after={"organiser": organiser.card_number},
            )
    return booking


def confirm(booking: SpaceBooking, reader: Reader, *, now: datetime) -> SpaceBooking:
    """A companion confirms; with the smallest group confirmed, the booking holds."""
    with (
        locking.busy_when_contended(f"confirm space booking {booking.pk}"),
        locking.seat_transaction(),
    ):
        space = _space_rows().get(pk=booking.space_id)
        _settle(space, now)
        booking = SpaceBooking.objects.get(pk=booking.pk)
        member = SpaceMember.objects.filter(booking=booking, reader=reader).first()
        if member is None:
            raise Refusal("not_found", _("You are not in this group."))
        if booking.status not in (SpaceBooking.Status.PENDING, SpaceBooking.Status.CONFIRMED):
            raise Refusal("not_found", _("This booking is no longer active."))
        SpaceMember.objects.filter(pk=member.pk, confirmed_at__isnull=True).update(confirmed_at=now)
        confirmed = SpaceMember.objects.filter(booking=booking, confirmed_at__isnull=False).count()
        if booking.status == SpaceBooking.Status.PENDING and confirmed >= space.min_group:
            SpaceBooking.objects.filter(pk=booking.pk).update(status=SpaceBooking.Status.CONFIRMED)
        booking.refresh_from_db()
    return booking


def cancel(booking: SpaceBooking, reader: Reader, *, now: datetime) -> None:
    if booking.organiser_id != reader.pk:
        raise Refusal("not_found")
    with (
        locking.busy_when_contended(f"cancel space booking {booking.pk}"),
        locking.seat_transaction(),
    ):
        if booking.status == SpaceBooking.Status.CHECKED_IN:
            raise Refusal("invalid_request", _("You are in the space: end the booking instead."))
        if not _release(booking, SpaceBooking.Status.CANCELLED, now):
            raise Refusal("not_found", _("This booking is no longer active."))


def end_early(booking: SpaceBooking, reader: Reader, *, now: datetime) -> None:
    """The group leaves before the end: the rest of the time goes back to others."""
    if booking.organiser_id != reader.pk:
        raise Refusal("not_found")
    step = timedelta(minutes=booking.space.slot_minutes)
    with locking.busy_when_contended(f"end space booking {booking.pk}"), locking.seat_transaction():
        # The slot under way stays theirs; the ones after it are free again.
        free_from = booking.start + step * (int((now - booking.start) / step) + 1)
        if not _release(booking, SpaceBooking.Status.ENDED, now, from_=free_from):
            raise Refusal("not_found", _("This booking is no longer active."))


@dataclass(frozen=True)
class DoorScan:
    outcome: str  # "checked_in", "member_checked_in"
    booking: SpaceBooking


def checkin(space: Space, reader: Reader, *, now: datetime) -> DoorScan:
    """A scan of the space's door QR: the organiser checks the group in, or members do
    one by one until the smallest group is there."""
    if reader.is_banned(now):
        raise Refusal("banned")
    with locking.busy_when_contended(f"check in space {space.pk}"), locking.seat_transaction():
        space = _space_rows().get(pk=space.pk)
        _settle(space, now)
        current = (
            SpaceBooking.objects.filter(
                space=space, status__in=LIVE, checkin_from__lte=now, end__gt=now
            )
            .order_by("start")
            .first()
        )
        if current is None:
            soon = (
                SpaceBooking.objects.filter(
                    space=space, status__in=LIVE, members__reader=reader, start__gt=now
                )
                .order_by("start")
                .first()
            )
            if soon is not None:
                raise Refusal(
                    "too_early",
                    _("You can check in from %(time)s.") % {"time": _time(soon.checkin_from)},
                    retry_after=max(1, int((soon.checkin_from - now).total_seconds())),
                )
            raise Refusal("not_reserved", _("You have no booking of this space now."))
        member = SpaceMember.objects.filter(booking=current, reader=reader).first()
        if member is None:
            # Someone else's time: an earlier group overrunning is refused here too.
            raise Refusal("reserved", _("This space is booked by another group now."))
        if current.status == SpaceBooking.Status.PENDING:
            raise Refusal("not_reserved", _("Your group has not confirmed enough members yet."))
        SpaceMember.objects.filter(pk=member.pk, checked_in_at__isnull=True).update(
            checked_in_at=now
        )
        present = SpaceMember.objects.filter(booking=current, checked_in_at__isnull=False).count()
        if current.status == SpaceBooking.Status.CONFIRMED and (
            reader.pk == current.organiser_id or present >= space.min_group
        ):
            SpaceBooking.objects.filter(pk=current.pk).update(
                status=SpaceBooking.Status.CHECKED_IN, checked_in_at=now
            )
            current.refresh_from_db()
            return DoorScan("checked_in", current)
        current.refresh_from_db()
        return DoorScan(
            "checked_in"
            if current.status == SpaceBooking.Status.CHECKED_IN
            else "member_checked_in",
            current,
        )


# Scheduled work ------------------------------------------------------------------------------


def release_unconfirmed(now: datetime) -> int:
    """Groups that did not confirm in time give the space back; nobody is penalised."""
    due = SpaceBooking.objects.filter(status=SpaceBooking.Status.PENDING, confirm_by__lte=now)
    return sum(_release(b, SpaceBooking.Status.RELEASED, now) for b in due[:200])


def record_no_shows(now: datetime) -> int:
    due = SpaceBooking.objects.filter(
        status=SpaceBooking.Status.CONFIRMED, checkin_until__lte=now, checked_in_at__isnull=True
    ).select_related("space", "organiser")
    done = 0
    for booking in due[:200]:
        with transaction.atomic():
            done += _no_show(booking, now)
    return done


# Librarians -----------------------------------------------------------------------------------


def block(
    actor: Reader, space: Space, *, start: datetime, end: datetime, reason: str, now: datetime
) -> SpaceBlock:
    """Take the space out of booking (maintenance, a class); the grid shows the reason."""
    require_librarian(actor)
    reason = clean_note(reason)
    if end <= start:
        raise Refusal("invalid_request", _("The end must come after the start."))
    with transaction.atomic():
        made = SpaceBlock.objects.create(
            space=space, start=start, end=end, reason=reason, created_by=actor
        )
        record(
            actor,
            "space.block",
            space,
            now=now,
            after={"start": start.isoformat(), "end": end.isoformat(), "reason": reason},
        )
    return made


# Reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    start: datetime
    state: str  # free, booked, blocked, closed, past
    note: str = ""
    mine: bool = False


def day_grid(space: Space, day: date, now: datetime, reader: Reader | None = None) -> list[Cell]:
    """The space's slots on a local day, each free, booked, blocked, closed or past."""
    rules = rules_of(space)
    opens, closes = rules.policy.opening(datetime.combine(day, time(12), tzinfo=Policy.zone()))
    starts = rules.slot_starts(opens, closes)
    slots = {
        s.slot_start: s
        for s in SpaceSlot.objects.filter(
            space=space, active=True, slot_start__in=starts
        ).select_related("booking")
    }
    blocks = list(SpaceBlock.objects.filter(space=space, start__lt=closes, end__gt=opens))
    mine = set()
    if reader is not None and reader.is_authenticated:
        mine = set(
            SpaceSlot.objects.filter(
                space=space, active=True, slot_start__in=starts, booking__members__reader=reader
            ).values_list("slot_start", flat=True)
        )
    step = timedelta(minutes=space.slot_minutes)
    cells = []
    for start in starts:
        blocked = next((b for b in blocks if b.start < start + step and b.end > start), None)
        slot = slots.get(start)
        if blocked is not None:
            cells.append(Cell(start, "blocked", blocked.reason))
        elif slot is not None and not slot.booking.lapsed(now):
            cells.append(Cell(start, "booked", mine=start in mine))
        elif start + step <= now:
            cells.append(Cell(start, "past"))
        else:
            cells.append(Cell(start, "free"))
    return cells


def bookings_of(reader: Reader, now: datetime) -> QuerySet[SpaceBooking]:
    """The reader's space bookings (organiser or companion) not yet over, soonest first."""
    return (
        SpaceBooking.objects.filter(members__reader=reader, end__gt=now)
        .select_related("space", "organiser")
        .prefetch_related("members__reader")
        .order_by("start")
        .distinct()
    )


def history_of(reader: Reader, now: datetime) -> QuerySet[SpaceBooking]:
    return (
        SpaceBooking.objects.filter(members__reader=reader)
        .filter(Q(end__lte=now) | ~Q(status__in=LIVE))
        .select_related("space")
        .order_by("-start")
        .distinct()[:30]
    )
