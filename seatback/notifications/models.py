"""The notification outbox: what readers are told, written once per event.

The reader's /me page shows it; channels that registered themselves (WeChat) deliver the
same rows, one `Delivery` per notice and channel, claimed with a conditional UPDATE.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class Kind(models.TextChoices):
        STARTS_SOON = "starts_soon", _("reservation starts soon")
        CHECKIN_DEADLINE = "checkin_deadline", _("check-in deadline near")
        NO_SHOW = "no_show", _("reservation released")
        VIOLATION = "violation", _("violation recorded")
        BANNED = "banned", _("account suspended")
        ANNOUNCEMENT = "announcement", _("new notice")
        LECTURE_REMINDER = "lecture_reminder", _("lecture starts soon")
        LECTURE_PLACE = "lecture_place", _("lecture place freed")
        SPACE_INVITE = "space_invite", _("asked to join a space booking")
        SEAT_CHALLENGED = "seat_challenged", _("a clock started on your seat")
        CLOCK_ENDING = "clock_ending", _("the clock on your seat ends soon")
        HOLDER_RETURNED = "holder_returned", _("the person sitting there came back")
        CLAIMABLE = "claimable", _("the seat can be taken")

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Values for the sentence, rendered in the reader's language when shown.
    params: models.JSONField[dict[str, Any], Any] = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    # What it is about, e.g. "reservation:42:starts_soon": the unique constraint makes
    # queueing idempotent, so any number of workers queue it exactly once.
    key = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["reader", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for reader {self.reader_id}"


class Delivery(models.Model):
    """One notice sent (or tried) through one channel: what a librarian sees per reader."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        REFUSED = "refused", _("not accepted")
        FAILED = "failed", _("failed")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the channel answered, e.g. "custom 45015; template ok" (error codes kept).
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="one_delivery_per_channel")
        ]
        indexes = [models.Index(fields=["status", "next_try_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} for notice {self.notice_id}"
