"""The reader's booking pages: choose a room and a time, tap a free seat on the grid, tap
"Reserve"; my bookings with their check-in deadlines, and cancelling.

Plain server-rendered pages (post/redirect/get), like the seat pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.library.models import Room, Seat
from seatback.library.policy import Policy
from seatback.notifications.models import Notice
from seatback.notifications.services import sentence
from seatback.pages.wording import refusal_sentence
from seatback.readers.models import Reader, Violation
from seatback.reservations import services
from seatback.reservations.models import Reservation
from seatback.reservations.rules import BookingRules
from seatback.reservations.selectors import (
    booked_seat_ids,
    reader_history,
    reader_reservations,
    status_at,
)
from seatback.seats.services import seat_with_room


@dataclass
class Choice:
    room: Room
    rules: BookingRules
    day: date
    start: datetime
    minutes: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


def _local(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=Policy.zone())


def _slot_starts(rules: BookingRules, day: date, now: datetime) -> list[datetime]:
    opens, closes = rules.policy.opening(_local(day, time(12)))
    # Bookings start on marks counted from midnight (rules.on_slot), so a room opening
    # at 07:15 with 30-minute slots offers 07:30 first, never a time always refused.
    midnight = _local(day, time.min)
    marks = -(-(opens - midnight) // rules.slot)  # whole slots from midnight, rounded up
    starts, moment = [], midnight + marks * rules.slot
    while moment + rules.slot <= closes:
        if moment + rules.slot > now:
            starts.append(moment)
        moment += rules.slot
    return starts


def _choice(request: HttpRequest, room: Room, now: datetime) -> tuple[Choice | None, list[date]]:
    """The room, day, start and length asked for, defaulting to the first bookable slot."""
    rules = BookingRules.of(room.effective_policy())
    days = rules.bookable_days(now)
    days = [day for day in days if _slot_starts(rules, day, now)]
    if not days:
        return None, days
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = days[0]
    if day not in days:
        day = days[0]
    starts = _slot_starts(rules, day, now)
    start = starts[0]
    wanted = request.GET.get("start", "")
    for moment in starts:
        if moment.astimezone(Policy.zone()).strftime("%H:%M") == wanted:
            start = moment
    slot = int(rules.slot.total_seconds() // 60)
    longest = int(rules.longest.total_seconds() // 60)
    try:
        minutes = int(request.GET.get("minutes", ""))
    except ValueError:
        minutes = min(120, longest)
    minutes = max(slot, min(longest, minutes - minutes % slot))
    return Choice(room, rules, day, start, minutes), days


def _steps(values: list[float]) -> dict[float, int]:
    """Each coordinate's place on a grid: the smallest gap between distinct values is one
    step (so an aisle stays an empty column); ranks when that would make a huge grid."""
    distinct = sorted(set(values))
    gaps = [b - a for a, b in zip(distinct, distinct[1:], strict=False) if b - a > 1e-6]
    step = min(gaps) if gaps else 1.0
    if (distinct[-1] - distinct[0]) / step > MAX_GRID:
        return {value: rank for rank, value in enumerate(distinct)}
    return {value: round((value - distinct[0]) / step) for value in distinct}


MAX_GRID = 40


def _grid(seats: list[Seat], taken: set[int]) -> tuple[list[dict[str, Any]], int]:
    """Seats on a grid of whole cells from their imported x/y: one tap target per cell,
    never overlapping however narrow the phone (the map scrolls sideways instead).
    Returns the cells and the number of columns."""
    if not seats:
        return [], 0
    columns = _steps([s.x for s in seats])
    rows = _steps([s.y for s in seats])
    cells = [
        {
            "seat": s,
            "column": columns[s.x] + 1,
            "row": rows[s.y] + 1,
            "free": s.pk not in taken,
        }
        for s in seats
    ]
    return cells, max(columns.values()) + 1


def _timeline(
    choice: Choice, starts: list[datetime], seat_count: int, now: datetime
) -> list[dict[str, Any]]:
    """The day's start times with how many seats are free for the chosen length."""
    marks = []
    for start in starts:
        end = start + timedelta(minutes=choice.minutes)
        free = seat_count - len(booked_seat_ids(choice.room.pk, start, end, now))
        local = start.astimezone(Policy.zone())
        marks.append({"start": start, "hhmm": local.strftime("%H:%M"), "free": max(free, 0)})
    return marks


def _query(choice: Choice, **extra: Any) -> str:
    local = choice.start.astimezone(Policy.zone())
    params = {
        "room": choice.room.pk,
        "day": choice.day.isoformat(),
        "start": local.strftime("%H:%M"),
        "minutes": choice.minutes,
        **extra,
    }
    return "?" + urlencode(params)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reader: Reader = request.user  # type: ignore[assignment]
    if request.method == "POST":
        return _post_booking(request, reader, now)
    rooms = [
        room
        for room in Room.objects.select_related("library").filter(active=True)
        if room.seats.filter(reservable=True, active=True).exists()
    ]
    room = next((r for r in rooms if str(r.pk) == request.GET.get("room")), None)
    context: dict[str, Any] = {"rooms": rooms, "room": room, "now": now}
    if room is not None:
        choice, days = _choice(request, room, now)
        context.update(choice=choice, days=days)
        if choice is not None:
            seats = list(room.seats.filter(reservable=True, active=True).order_by("label"))
            taken = booked_seat_ids(room.pk, choice.start, choice.end, now)
            grid, columns = _grid(seats, taken)
            starts = _slot_starts(choice.rules, choice.day, now)
            chosen = next(
                (c for c in grid if str(c["seat"].pk) == request.GET.get("seat") and c["free"]),
                None,
            )
            slot = int(choice.rules.slot.total_seconds() // 60)
            longest = int(choice.rules.longest.total_seconds() // 60)
            context.update(
                grid=grid,
                chosen=chosen,
                free_count=sum(1 for c in grid if c["free"]),
                starts=starts,
                columns=columns,
                timeline=_timeline(choice, starts, len(seats), now),
                lengths=list(range(slot, longest + 1, slot)),
                query=_query(choice),
            )
        else:
            rules = BookingRules.of(room.effective_policy())
            today = rules.policy.local_day(now)
            upcoming = (today + timedelta(days=n) for n in range(rules.days_ahead + 2))
            context["opens"] = next(
                opens for day in upcoming if (opens := rules.booking_opens(day)) > now
            )
    return render(request, "pages/book.html", context)


def _post_booking(request: HttpRequest, reader: Reader, now: datetime) -> HttpResponse:
    asked = QueryDict(request.POST.get("query", "").lstrip("?"))
    back = (
        reverse("reservations:book")
        + "?"
        + urlencode(
            {key: asked[key] for key in ("room", "day", "start", "minutes") if key in asked}
        )
    )
    try:
        ratelimit.hit("intents", f"r{reader.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)
        seat = seat_with_room(int(request.POST.get("seat", "0") or 0))
        if seat is None or not seat.active:
            raise Refusal("unknown_seat", _("There is no seat with that id."))
        start = datetime.fromisoformat(request.POST.get("start", ""))
        end = datetime.fromisoformat(request.POST.get("end", ""))
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError
        reservation = services.reserve(seat, reader, start, end, now=now)
    except ValueError:
        messages.error(request, Refusal("invalid_request").message)
        return redirect(back)
    except Refusal as refusal:
        messages.error(request, refusal_sentence(refusal), extra_tags=f"refusal-{refusal.code}")
        return redirect(back)
    zone = Policy.zone()
    messages.success(
        request,
        _("Booked: %(room)s %(seat)s, %(start)s–%(end)s. Check in at the seat by %(until)s.")
        % {
            "room": seat.room.name,
            "seat": seat.label,
            "start": reservation.start.astimezone(zone).strftime("%m-%d %H:%M"),
            "end": reservation.end.astimezone(zone).strftime("%H:%M"),
            "until": reservation.checkin_until.astimezone(zone).strftime("%H:%M"),
        },
    )
    return redirect("reservations:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reader: Reader = request.user  # type: ignore[assignment]
    bookings = reader_reservations(reader.pk, now)
    violations = Violation.objects.filter(reader=reader).select_related("seat__room")[:20]
    notices = [(n, sentence(n)) for n in Notice.objects.filter(reader=reader)[:10]]
    return render(
        request,
        "pages/my_bookings.html",
        {
            "bookings": [(b, b.status == Reservation.Status.BOOKED) for b in bookings],
            "history": [
                (b, Reservation.Status(status_at(b, now)).label)
                for b in reader_history(reader.pk, now)
            ],
            "violations": violations,
            "notices": notices,
            "banned": reader.is_banned(now),
            "now": now,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, reservation_id: int) -> HttpResponse:
    """GET asks "Cancel this booking?"; the POST from that page cancels."""
    now = clock.now()
    reader: Reader = request.user  # type: ignore[assignment]
    booking = (
        Reservation.objects.select_related("seat__room__library")
        .filter(pk=reservation_id, reader=reader)
        .first()
    )
    if request.method != "POST":
        if booking is None or booking.status != Reservation.Status.BOOKED:
            messages.error(request, Refusal("not_found").message)
            return redirect("reservations:mine")
        rules = BookingRules.of(booking.seat.room.effective_policy())
        late = now > booking.start - rules.cancel_cutoff and rules.late_cancel_is_violation
        return render(
            request, "pages/cancel_booking.html", {"booking": booking, "late": late, "now": now}
        )
    try:
        ratelimit.hit("intents", f"r{reader.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)
        if booking is None:
            raise Refusal("not_found")
        late = services.cancel(booking, reader, now=now)
    except Refusal as refusal:
        messages.error(request, refusal_sentence(refusal), extra_tags=f"refusal-{refusal.code}")
    else:
        if late:
            messages.warning(request, _("Cancelled. It was late, so it may count as a violation."))
        else:
            messages.success(request, _("Cancelled."))
    return redirect("reservations:mine")
