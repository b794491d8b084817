"""Channels deliver the outbox: a channel registers itself (WeChat does, from its app's
ready()), every notice queued for a reader the channel wants gets a `Delivery`, and the
deliveries are sent after the commit by a background thread in the process that queued
them, and retried by `seatback worker`. Nothing here runs inside a scan's transaction
except inserting the rows, so a channel that is slow or down never delays or fails one.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections, transaction
from django.db.models import Q

from seatback.core import clock
from seatback.notifications.models import Delivery, Notice

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A delivery claimed longer ago than this by a process that died is tried again; the
# channel's own de-duplication (WeChat's client_msg_id) keeps the reader from a repeat.
STALE_CLAIM = timedelta(minutes=2)
BATCH = 100


@dataclass(frozen=True)
class Result:
    """What a channel made of one notice: sent, refused (final, e.g. the reader refused
    such messages) or failed (tried again later, up to MAX_ATTEMPTS)."""

    status: str
    detail: str = ""


@dataclass(frozen=True)
class Channel:
    name: str
    wants: Callable[[Notice], bool]
    send: Callable[[Notice, datetime], Result]


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _channels[channel.name] = channel


def fan_out(notice: Notice, now: datetime) -> int:
    """Create the deliveries of a notice just queued (inside its transaction)."""
    made = 0
    for channel in _channels.values():
        if channel.wants(notice):
            Delivery.objects.create(notice=notice, channel=channel.name, next_try_at=now)
            made += 1
    if made:
        transaction.on_commit(wake)
    return made


def _claim(delivery_id: int, now: datetime) -> bool:
    due = Q(status=Delivery.Status.PENDING) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return bool(
        Delivery.objects.filter(due, pk=delivery_id).update(
            status=Delivery.Status.SENDING, claimed_at=now
        )
    )


def deliver_due(now: datetime) -> Counter[str]:
    """Send every delivery due at `now` (any number of processes may run this at once)."""
    done: Counter[str] = Counter()
    due = Q(status=Delivery.Status.PENDING, next_try_at__lte=now) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    for delivery in Delivery.objects.filter(due).select_related("notice__reader")[:BATCH]:
        channel = _channels.get(delivery.channel)
        if channel is None or not _claim(delivery.pk, now):
            continue
        try:
            result = channel.send(delivery.notice, now)
        except Exception as exc:  # a channel's bug must not stop the others
            log.exception("channel %s failed on notice %s", channel.name, delivery.notice_id)
            result = Result("failed", f"{type(exc).__name__}")
        attempts = delivery.attempts + 1
        status = result.status
        if status == "failed" and attempts < MAX_ATTEMPTS:
            status = Delivery.Status.PENDING
        Delivery.objects.filter(pk=delivery.pk).update(
            status=status,
            attempts=attempts,
            detail=result.detail[:200],
            sent_at=now if status == Delivery.Status.SENT else None,
            next_try_at=now + timedelta(seconds=30 * 2**attempts),
        )
        done[status] += 1
    return done


# The background sender ---------------------------------------------------------------

_wakeup = threading.Event()
_started = threading.Lock()
_thread: threading.Thread | None = None


def _run() -> None:
    while True:
        _wakeup.wait(timeout=30)
        _wakeup.clear()
        try:
            deliver_due(clock.now())
        except Exception:
            log.exception("delivering notices failed; the worker will retry")
        finally:
            # Idle between wake-ups: hold no connection (nor a test database) meanwhile.
            connections.close_all()


def wake() -> None:
    """Have this process's sender look at the outbox now (started on first use)."""
    global _thread
    with _started:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="notice-sender", daemon=True)
            _thread.start()
    _wakeup.set()
