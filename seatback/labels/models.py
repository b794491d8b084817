from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seatback.library.models import Seat


class RetiredCode(models.Model):
    """A seat code that was replaced by a new one: its printed label is out of date.

    Kept so that scanning the old label says so (and is counted) instead of "unknown",
    and so that no seat is ever given a code that a stray old label still carries.
    """

    code = models.CharField(_("QR code"), max_length=40, unique=True)
    seat = models.ForeignKey(
        Seat, on_delete=models.CASCADE, related_name="retired_codes", verbose_name=_("seat")
    )
    retired_at = models.DateTimeField(_("replaced at"))
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    # How often the old label was still scanned, and when last: a librarian sees which
    # seats still carry an old sticker.
    scans = models.PositiveIntegerField(_("scans since replaced"), default=0)
    last_scanned_at = models.DateTimeField(_("last scanned"), null=True, blank=True)

    class Meta:
        ordering = ["-retired_at", "-id"]
        verbose_name = _("replaced seat code")
        verbose_name_plural = _("replaced seat codes")

    def __str__(self) -> str:
        return f"{self.seat} ({self.retired_at:%Y-%m-%d})"
