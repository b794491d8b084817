"""The notification outbox: what readers are told, written once per event.

The reader's /me page shows it now; a WeChat sender will later deliver the same rows,
claiming each with a conditional UPDATE of `delivered_at`.
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
