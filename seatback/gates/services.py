"""Gate events in: checking a delivery's signature, reading its events, and keeping each
event once, in order, with what it led to (docs/gates.md).

A delivery (an HTTP request or an MQTT message) carries one gate's events as JSON,
`{"events": [{"id", "direction", "card" | "qr", "at"}, ...]}`, signed with the gate's key:
HMAC-SHA256 over "{timestamp}.{nonce}." followed by the body's bytes. A delivery whose
signature is wrong, whose timestamp is more than SIGNATURE_TOLERANCE from now, or whose
nonce the gate already used is refused and recorded (RejectedDelivery).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from seatback.core import locking
from seatback.core.errors import Refusal
from seatback.gates import rules
from seatback.gates.models import Direction, Gate, GateEvent, GateNonce, Passage, RejectedDelivery
from seatback.readers.models import Reader

log = logging.getLogger(__name__)

SIGNATURE_TOLERANCE = timedelta(minutes=5)
MOST_EVENTS = 1000  # in one delivery
NONCE_LENGTH = (8, 64)


def sign(key: str, timestamp: int | str, nonce: str, body: bytes) -> str:
    """The signature a gate sends with a delivery: hex HMAC-SHA256 (what controllers,
    `seatback gate simulate` and the tests compute)."""
    message = f"{timestamp}.{nonce}.".encode() + body
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def _reject(
    gate: Gate | None, code: str, reason: str, via: str, address: str | None, now: datetime
) -> Refusal:
    RejectedDelivery.objects.create(
        gate=gate, gate_code=code[:40], reason=reason, via=via, address=address, at=now
    )
    messages = {
        "unknown_gate": _("This gate is not known or not active."),
        "bad_signature": _("The gate's signature is wrong."),
        "stale": _("The delivery's timestamp is too far from the server's time."),
        "replayed": _("This delivery was already received (its nonce was used)."),
    }
    return Refusal("not_authenticated", messages[reason], reason=reason)


def verify(
    code: str,
    timestamp: str,
    nonce: str,
    signature: str,
    body: bytes,
    *,
    now: datetime,
    via: str,
    address: str | None = None,
    use_nonce: bool = True,
) -> Gate:
    """The gate that signed this delivery, or a recorded refusal (not_authenticated, 401).
    use_nonce=False leaves remembering the nonce to the caller (receive: in the delivery's
    own transaction, one write instead of three)."""
    gate = Gate.objects.select_related("building").filter(code=code, active=True).first()
    if gate is None:
        raise _reject(None, code, "unknown_gate", via, address, now)
    expected = sign(gate.key, timestamp, nonce, body)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise _reject(gate, code, "bad_signature", via, address, now)
    try:
        sent = datetime.fromtimestamp(int(timestamp), tz=now.tzinfo)
    except (ValueError, OverflowError, OSError):
        raise _reject(gate, code, "stale", via, address, now) from None
    if abs(now - sent) > SIGNATURE_TOLERANCE:
        raise _reject(gate, code, "stale", via, address, now)
    if not NONCE_LENGTH[0] <= len(nonce) <= NONCE_LENGTH[1]:
        raise _reject(gate, code, "replayed", via, address, now)
    if use_nonce and not _use_nonce(gate, nonce, now):
        raise _reject(gate, code, "replayed", via, address, now)
    return gate


def _use_nonce(gate: Gate, nonce: str, now: datetime) -> bool:
    """Remember the nonce; False if the gate used it before."""
    try:
        with transaction.atomic():
            GateNonce.objects.create(gate=gate, nonce=nonce, at=now)
    except IntegrityError:
        return False
    # A nonce older than twice the tolerance can no longer come with a fresh timestamp.
    GateNonce.objects.filter(at__lt=now - 2 * SIGNATURE_TOLERANCE).delete()
    return True


class _Replayed(Exception):
    pass


@dataclass(frozen=True)
class Incoming:
    """One event as a gate sent it."""

    event_id: str
    direction: str
    card: str
    at: datetime


def _event(index: int, item: Any, now: datetime) -> Incoming:
    def bad(what: str) -> Refusal:
        return Refusal(
            "invalid_request",
            _("Event %(index)d: %(what)s") % {"index": index + 1, "what": what},
        )

    if not isinstance(item, dict):
        raise bad(_("not an object"))
    event_id = item.get("id")
    if not isinstance(event_id, str | int) or isinstance(event_id, bool) or not str(event_id):
        raise bad(_("no id"))
    if len(str(event_id)) > 100:
        raise bad(_("the id is longer than 100 characters"))
    direction = item.get("direction")
    if direction not in Direction.values:
        raise bad(_('the direction is not "in" or "out"'))
    # A reader's card QR carries the card number, as the card itself does.
    card = item.get("card") or item.get("qr")
    if not isinstance(card, str) or not card.strip() or len(card.strip()) > 40:
        raise bad(_("no card number"))
    try:
        at = datetime.fromisoformat(str(item.get("at", "")))
    except ValueError:
        raise bad(_("the time is not ISO 8601")) from None
    if at.tzinfo is None:
        raise bad(_("the time has no offset"))
    if at > now + SIGNATURE_TOLERANCE:
        raise bad(_("the time is in the future"))
    return Incoming(str(event_id), str(direction), card.strip(), at)


def read_events(body: bytes, now: datetime) -> list[Incoming]:
    """The delivery's events, in the order they happened; a bad one refuses them all."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise Refusal("invalid_request", _("The body is not valid JSON.")) from None
    items = data.get("events") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise Refusal("invalid_request", _('The body must be {"events": [...]}.'))
    if len(items) > MOST_EVENTS:
        raise Refusal(
            "invalid_request",
            _("At most %(count)d events in one delivery.") % {"count": MOST_EVENTS},
        )
    events = [_event(index, item, now) for index, item in enumerate(items)]
    # In order: a controller that was offline sends its backlog; sorted() is stable.
    return sorted(events, key=lambda event: event.at)


@dataclass(frozen=True)
class Result:
    event_id: str
    outcome: str  # "duplicate", "in", "out", "earlier", or what a rule did

    @property
    def accepted(self) -> bool:
        return self.outcome != "duplicate"


def _move_passages(fresh: list[GateEvent]) -> list[bool]:
    """Make each event its card's latest passage through the gate's place, unless a later
    one is already there; returns, for each event in order, whether it was the latest when
    its turn came (inside the delivery's transaction: a handful of queries per delivery)."""
    if not fresh:
        return []
    place = {"building_id": fresh[0].building_id, "floor": fresh[0].floor}
    rows = Passage.objects.filter(**place, card__in={event.card for event in fresh})
    if connection.vendor == "postgresql":
        rows = rows.select_for_update()
    current = {passage.card: passage for passage in rows}
    changed: dict[str, Passage] = {}
    created: dict[str, Passage] = {}
    latest = []
    for event in fresh:
        passage = current.get(event.card)
        if passage is not None and passage.at > event.at:
            latest.append(False)
            continue
        if passage is None:
            passage = current[event.card] = created[event.card] = Passage(**place, card=event.card)
        elif event.card not in created:
            changed[event.card] = passage
        passage.direction, passage.at = event.direction, event.at
        passage.reader, passage.event = event.reader, event
        latest.append(True)
    Passage.objects.bulk_update(changed.values(), ["direction", "at", "reader", "event"])
    Passage.objects.bulk_create(created.values())
    return latest


def _keep(
    gate: Gate, events: list[Incoming], readers: dict[str, Reader], now: datetime, via: str
) -> tuple[list[GateEvent], list[str], list[bool]]:
    """Inside the delivery's transaction: the new events, each event's first outcome
    ("duplicate" or its direction), and for each new one whether it is the latest."""
    outcomes: list[str] = []
    fresh: list[GateEvent] = []
    ids = [event.event_id for event in events]
    seen = set(
        GateEvent.objects.filter(gate=gate, event_id__in=ids).values_list("event_id", flat=True)
    )
    for incoming in events:
        if incoming.event_id in seen:
            outcomes.append("duplicate")
            continue
        seen.add(incoming.event_id)
        outcomes.append(incoming.direction)
        fresh.append(
            GateEvent(
                gate=gate,
                event_id=incoming.event_id,
                direction=incoming.direction,
                card=incoming.card,
                reader=readers.get(incoming.card),
                building_id=gate.building_id,
                floor=gate.floor,
                at=incoming.at,
                received_at=now,
                via=via,
                outcome=incoming.direction,
            )
        )
    GateEvent.objects.bulk_create(fresh)
    latest = _move_passages(fresh)
    earlier = [event.pk for event, last in zip(fresh, latest, strict=True) if not last]
    GateEvent.objects.filter(pk__in=earlier).update(outcome="earlier")
    return fresh, outcomes, latest


def accept_events(
    gate: Gate,
    events: list[Incoming],
    *,
    now: datetime,
    via: str,
    nonce: str | None = None,
    address: str | None = None,
) -> list[Result]:
    """Keep a delivery's events in the order they happened, once each (an id the gate sent
    before answers "duplicate"), move each card's passage, then apply the rules.

    The events and passages are written in one transaction (a busy database refuses the
    whole delivery with Refusal("busy"), nothing kept, and the gate sends it again). The
    rules run afterwards, event by event, each under the locks of the seat it touches, and
    only for readers a rule could concern (a hold, a gate step-out, a booking to check in).
    """
    cards = {event.card for event in events}
    readers = {r.card_number: r for r in Reader.objects.filter(card_number__in=cards)}
    try:
        with (
            locking.busy_when_contended(f"gate {gate.code}: {len(events)} events"),
            locking.seat_transaction(),
        ):
            if nonce is not None and not _use_nonce(gate, nonce, now):
                raise _Replayed
            fresh, outcomes, latest = _keep(gate, events, readers, now, via)
    except _Replayed:
        raise _reject(gate, gate.code, "replayed", via, address, now) from None
    concerned = rules.Concerned(fresh, now) if not gate.floor else None
    done = iter(
        "earlier" if not last else _apply_rule(gate, event, concerned, now)
        for event, last in zip(fresh, latest, strict=True)
    )
    # Rules in order of the events, after all are kept; "duplicate" stays as it is.
    results = []
    for incoming, outcome in zip(events, outcomes, strict=True):
        results.append(Result(incoming.event_id, outcome if outcome == "duplicate" else next(done)))
    return results


def _apply_rule(
    gate: Gate, event: GateEvent, concerned: rules.Concerned | None, now: datetime
) -> str:
    """The rule for an entrance gate's passage that is the card's latest; what it did."""
    reader = event.reader
    if reader is None or concerned is None or not concerned.by(event):
        return event.direction
    try:
        outcome = rules.apply(event, reader, gate, now=now) or event.direction
    except Refusal as refusal:  # busy: the event is kept, only its rule was not applied
        outcome = f"rule_{refusal.code}"
    if outcome != event.direction:
        concerned.touched.add(reader.pk)
        GateEvent.objects.filter(pk=event.pk).update(outcome=outcome[:40])
    return outcome


def accept_event(gate: Gate, incoming: Incoming, *, now: datetime, via: str) -> Result:
    """One event (`seatback gate simulate` writes a day's passages one by one, each at its
    own time)."""
    return accept_events(gate, [incoming], now=now, via=via)[0]


def receive(
    code: str,
    timestamp: str,
    nonce: str,
    signature: str,
    body: bytes,
    *,
    now: datetime,
    via: str,
    address: str | None = None,
) -> list[Result]:
    """A whole delivery: verify, read, keep. Every door (HTTP, MQTT) calls this."""
    gate = verify(
        code, timestamp, nonce, signature, body, now=now, via=via, address=address, use_nonce=False
    )
    events = read_events(body, now)
    return accept_events(gate, events, now=now, via=via, nonce=nonce, address=address)
