from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from seatback.library.models import Room


def new_display_key() -> str:
    """An unguessable key for a room display's URL: 32 URL-safe characters, ~192 bits."""
    return secrets.token_urlsafe(24)


class RoomDisplay(models.Model):
    """The screen in a reading room that shows its rotating code (docs/presence.md).

    Only a display that knows the key gets the code: without it, anyone could read the
    current code from bed and the `rotating` check would stop nobody.
    """

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="display")
    key = models.CharField(_("display key"), max_length=64, unique=True, default=new_display_key)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("room display")
        verbose_name_plural = _("room displays")

    def __str__(self) -> str:
        return str(self.room)
