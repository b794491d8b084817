from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One back-office change: who, when, what, and the values before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="audit_entries",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"))
    # A machine code such as "reader.ban" or "room.policy"; the page translates it.
    action = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(_("kind of object"), max_length=40)
    target_id = models.CharField(_("object id"), max_length=40, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    before: models.JSONField[dict[str, Any], Any] = models.JSONField(
        _("before"), default=dict, blank=True
    )
    after: models.JSONField[dict[str, Any], Any] = models.JSONField(
        _("after"), default=dict, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"]),
            models.Index(fields=["target_type", "target_id", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_repr}"
