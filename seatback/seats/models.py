"""Challenges, holds and the scan record. Only timestamps are stored; state is derived.

A row whose time has run out (a challenge past claim_until, a hold past closes_at) is
settled lazily by the next write that touches its seat or reader, so the partial unique
constraints below can state the invariants of spec §2 directly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seatback.library.models import Seat


class ChallengeQuerySet(models.QuerySet["Challenge"]):
    def pending(self, now: datetime) -> ChallengeQuerySet:
        """Challenges still running at `now`: not ended, and their claim window not over."""
        return self.filter(status=Challenge.Status.PENDING, claim_until__gt=now)


class HoldQuerySet(models.QuerySet["Hold"]):
    def current(self, now: datetime) -> HoldQuerySet:
        """Holds in force at `now`: not ended, and their room not yet closed."""
        return self.filter(ended_at__isnull=True, closes_at__gt=now)


class Challenge(models.Model):
    """一次扫码: a reader started the allowance clock on a seat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RETURNED = "returned", _("returned")
        WITHDRAWN = "withdrawn", _("withdrawn")
        CLAIMED = "claimed", _("claimed")
        LAPSED = "lapsed", _("lapsed")

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="challenges")
    challenger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenges"
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    claim_until = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[ChallengeQuerySet] = ChallengeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(status="pending"),
                name="one_pending_challenge_per_seat",
            ),
            models.UniqueConstraint(
                fields=["challenger"],
                condition=Q(status="pending"),
                name="one_pending_challenge_per_reader",
            ),
        ]
        indexes = [models.Index(fields=["seat", "status", "ended_at"])]

    def __str__(self) -> str:
        return f"challenge on seat {self.seat_id} by reader {self.challenger_id} ({self.status})"


class Hold(models.Model):
    """A reader the system knows sits at a seat (after a claim, a return or a check-in)."""

    class Source(models.TextChoices):
        CLAIM = "claim", _("claim")
        RETURN = "return", _("return")
        CHECKIN = "checkin", _("check-in")

    class EndReason(models.TextChoices):
        RELEASED = "released", _("released")
        CLAIMED = "claimed", _("claimed by another reader")
        MOVED = "moved", _("moved to another seat")
        CLOSED = "closed", _("room closed")

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="holds")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holds"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    since = models.DateTimeField()
    closes_at = models.DateTimeField(help_text="closing time of the room on the day of the hold")
    away_until = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)

    objects: ClassVar[HoldQuerySet] = HoldQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seat"], condition=Q(ended_at__isnull=True), name="one_holder_per_seat"
            ),
            models.UniqueConstraint(
                fields=["reader"], condition=Q(ended_at__isnull=True), name="one_hold_per_reader"
            ),
        ]

    def __str__(self) -> str:
        return f"hold of seat {self.seat_id} by reader {self.reader_id}"

    def is_away(self, now: datetime) -> bool:
        """Stepped out, and the declared absence still protects the seat at `now`."""
        return self.away_until is not None and self.away_until > now


class ScanRecord(models.Model):
    """Every scan, accepted or refused: a librarian's evidence in a dispute."""

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="scans")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="scans"
    )
    intent = models.CharField(max_length=12)
    outcome = models.CharField(max_length=24, help_text="an outcome, or the refusal code")
    accepted = models.BooleanField()
    at = models.DateTimeField()
    address = models.GenericIPAddressField(null=True, blank=True)
    client = models.CharField(max_length=300, blank=True)
    # The presence evidence that was checked (address, position and accuracy, code window).
    evidence: models.JSONField[dict[str, Any], Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["seat", "at"]), models.Index(fields=["reader", "at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.intent} → {self.outcome}"
