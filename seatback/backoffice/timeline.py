"""What happened at a seat or to a reader, in time order: the librarian's evidence.

The timeline merges three kinds of rows: every scan (accepted or refused), every hold
(taken, stepped out, ended) and every challenge (started, ended). Rows whose time ran out
but are not settled yet (a pending challenge past its claim window, an open hold past
closing time) are shown as ended at the moment they ran out, as the rule treats them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, overload

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from seatback.core.errors import REFUSALS
from seatback.library.models import Seat
from seatback.readers.models import Reader
from seatback.seats.models import Challenge, Hold, ScanRecord
from seatback.seats.words import ACTION_LABELS, outcome_sentence

# Events of the same instant: the scan first, then what it changed.
ORDER = {"scan": 0, "challenge_start": 1, "challenge_end": 2, "hold_end": 3, "hold_start": 4}


@dataclass
class Event:
    at: datetime
    kind: str  # scan, hold_start, hold_end, challenge_start, challenge_end
    seat: Seat
    reader: Reader | None
    what: str
    scan: ScanRecord | None = None
    details: dict[str, Any] = field(default_factory=dict)
    accepted: bool = True

    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.at, ORDER[self.kind], self.scan.pk if self.scan else 0)


def scan_result(record: ScanRecord) -> str:
    if record.accepted:
        return str(outcome_sentence(record.outcome))
    if record.outcome in REFUSALS:
        return str(REFUSALS[record.outcome][1])
    return record.outcome


def intent_words(intent: str) -> str:
    return str(ACTION_LABELS.get(intent, intent))


def challenge_end(challenge: Challenge, now: datetime) -> tuple[datetime | None, str]:
    """When and how a challenge ended, as the rule sees it at `now` (lapsed if run out)."""
    if challenge.status != Challenge.Status.PENDING:
        return challenge.ended_at, challenge.status
    if challenge.claim_until <= now:
        return challenge.claim_until, Challenge.Status.LAPSED
    return None, Challenge.Status.PENDING


def hold_end(hold: Hold, now: datetime) -> tuple[datetime | None, str]:
    if hold.ended_at is not None:
        return hold.ended_at, hold.end_reason
    if hold.closes_at <= now:
        return hold.closes_at, Hold.EndReason.CLOSED
    return None, ""


def _challenge_end_words(status: str) -> str:
    words: dict[str, str] = {
        Challenge.Status.RETURNED: _("the occupant came back"),
        Challenge.Status.WITHDRAWN: _("withdrawn by the challenger"),
        Challenge.Status.CLAIMED: _("claimed by the challenger"),
        Challenge.Status.LAPSED: _("lapsed: nobody claimed in time"),
    }
    return words.get(status, status)


def _hold_end_words(reason: str) -> str:
    return str(dict(Hold.EndReason.choices).get(reason, reason))


def _hold_source_words(source: str) -> str:
    return str(dict(Hold.Source.choices).get(source, source))


def _scan_event(record: ScanRecord, now: datetime) -> Event:
    return Event(
        at=record.at,
        kind="scan",
        seat=record.seat,
        reader=record.reader,
        what=intent_words(record.intent),
        scan=record,
        accepted=record.accepted,
        details={"result": scan_result(record)},
    )


def _hold_start_event(hold: Hold, now: datetime) -> Event:
    return Event(
        at=hold.since,
        kind="hold_start",
        seat=hold.seat,
        reader=hold.reader,
        what=_("holds the seat (%(how)s)") % {"how": _hold_source_words(hold.source)},
    )


def _hold_end_event(hold: Hold, now: datetime) -> Event:
    ended_at, reason = hold_end(hold, now)
    assert ended_at is not None
    return Event(
        at=ended_at,
        kind="hold_end",
        seat=hold.seat,
        reader=hold.reader,
        what=_("no longer holds the seat: %(why)s") % {"why": _hold_end_words(reason)},
    )


def _challenge_start_event(challenge: Challenge, now: datetime) -> Event:
    return Event(
        at=challenge.started_at,
        kind="challenge_start",
        seat=challenge.seat,
        reader=challenge.challenger,
        what=_("clock started"),
        details={"deadline": challenge.deadline, "claim_until": challenge.claim_until},
    )


def _challenge_end_event(challenge: Challenge, now: datetime) -> Event:
    ended_at, status = challenge_end(challenge, now)
    assert ended_at is not None
    return Event(
        at=ended_at,
        kind="challenge_end",
        seat=challenge.seat,
        reader=challenge.ended_by if status != "lapsed" else challenge.challenger,
        what=_("clock ended: %(how)s") % {"how": _challenge_end_words(status)},
    )


Source = tuple[QuerySet[Any], Callable[[Any, datetime], Event]]


class Timeline(Sequence[Event]):
    """Events from several tables, newest first, read lazily for a Paginator.

    Each source is a query ordered by its own event time (`moment`), newest first. The
    newest `stop` events overall are among the newest `stop` of each source, so a page
    reads at most page x page size rows per source, however long the history.
    """

    def __init__(self, sources: list[Source], now: datetime) -> None:
        self.sources = sources
        self.now = now
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(query.count() for query, _build in self.sources)
        return self._count

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else len(self)
        found = [
            build(row, self.now)
            for query, build in self.sources
            for row in query.order_by("-moment", "-pk")[:stop]
        ]
        found.sort(key=Event.sort_key, reverse=True)
        return found[start:stop]


def _sources(
    scans: QuerySet[ScanRecord],
    holds: QuerySet[Hold],
    challenges: QuerySet[Challenge],
    now: datetime,
) -> list[Source]:
    holds = holds.select_related("reader", "seat__room")
    challenges = challenges.select_related("challenger", "ended_by", "seat__room")
    # Ended rows, and rows whose time ran out at `now` though not settled yet.
    ended_holds = holds.filter(Q(ended_at__isnull=False) | Q(closes_at__lte=now))
    ended_challenges = challenges.exclude(status=Challenge.Status.PENDING, claim_until__gt=now)
    return [
        (scans.select_related("reader", "seat__room").annotate(moment=F("at")), _scan_event),
        (holds.annotate(moment=F("since")), _hold_start_event),
        (ended_holds.annotate(moment=Coalesce("ended_at", "closes_at")), _hold_end_event),
        (challenges.annotate(moment=F("started_at")), _challenge_start_event),
        (
            ended_challenges.annotate(moment=Coalesce("ended_at", "claim_until")),
            _challenge_end_event,
        ),
    ]


def seat_events(seat: Seat, now: datetime) -> Timeline:
    sources = _sources(
        ScanRecord.objects.filter(seat=seat),
        Hold.objects.filter(seat=seat),
        Challenge.objects.filter(seat=seat),
        now,
    )
    return Timeline(sources, now)


def reader_events(reader: Reader, now: datetime) -> Timeline:
    sources = _sources(
        ScanRecord.objects.filter(reader=reader),
        Hold.objects.filter(reader=reader),
        Challenge.objects.filter(challenger=reader),
        now,
    )
    return Timeline(sources, now)


@dataclass
class Answer:
    """Who held a seat at one instant, and whether a clock was running on it then."""

    at: datetime
    hold: Hold | None
    hold_ended_at: datetime | None
    hold_end_reason: str
    away_until: datetime | None
    challenge: Challenge | None
    challenge_ended_at: datetime | None
    challenge_end_status: str
    previous_hold: Hold | None

    @property
    def holder(self) -> Reader | None:
        return self.hold.reader if self.hold else None

    @property
    def hold_end_words(self) -> str:
        return _hold_end_words(self.hold_end_reason) if self.hold_end_reason else ""

    @property
    def challenge_end_words(self) -> str:
        if self.challenge_end_status == Challenge.Status.PENDING:
            return ""
        return _challenge_end_words(self.challenge_end_status)


def holder_at(seat: Seat, moment: datetime, now: datetime) -> Answer:
    """Answer "who held this seat at `moment`?" from the hold rows (as known at `now`)."""
    hold = (
        Hold.objects.filter(seat=seat, since__lte=moment, closes_at__gt=moment)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment))
        .select_related("reader")
        .order_by("-since")
        .first()
    )
    hold_ended_at, reason = hold_end(hold, now) if hold else (None, "")
    away_until = None
    if hold is not None:
        # Only the latest step-out's end is stored; its start is the accepted step-out scan.
        stepped_out = (
            ScanRecord.objects.filter(
                seat=seat,
                reader_id=hold.reader_id,
                intent="step-out",
                accepted=True,
                at__gte=hold.since,
                at__lte=moment,
            )
            .order_by("-at")
            .first()
        )
        if stepped_out is not None and hold.away_until and hold.away_until > moment:
            came_back = ScanRecord.objects.filter(
                seat=seat,
                reader_id=hold.reader_id,
                intent="return",
                accepted=True,
                at__gt=stepped_out.at,
                at__lte=moment,
            ).exists()
            if not came_back:
                away_until = hold.away_until
    challenge = (
        Challenge.objects.filter(seat=seat, started_at__lte=moment, claim_until__gt=moment)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment))
        .select_related("challenger")
        .order_by("-started_at")
        .first()
    )
    challenge_ended_at, status = challenge_end(challenge, now) if challenge else (None, "")
    previous = None
    if hold is None:
        previous = (
            Hold.objects.filter(seat=seat, since__lte=moment)
            .select_related("reader")
            .order_by("-since")
            .first()
        )
    return Answer(
        at=moment,
        hold=hold,
        hold_ended_at=hold_ended_at,
        hold_end_reason=reason,
        away_until=away_until,
        challenge=challenge,
        challenge_ended_at=challenge_ended_at,
        challenge_end_status=status,
        previous_hold=previous,
    )
