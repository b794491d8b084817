from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from seatback.library.models import Room


class Plan(models.Model):
    """A room's outline: walls, doors, windows, pillars, shelves, desks, stairs and lifts,
    as the shapes of `plans.shapes` (docs/maps.md). A room without one is drawn as a grid."""

    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="plan")
    drawing: models.JSONField[dict[str, Any], Any] = models.JSONField(_("drawing"), default=dict)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("floor plan")
        verbose_name_plural = _("floor plans")

    def __str__(self) -> str:
        return str(self.room)


def new_screen_key() -> str:
    """An unguessable key for an entrance screen's URL: 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


class Screen(models.Model):
    """An entrance or floor screen (/display/screens/<id>?key=…): free seats per floor and
    room. `floor` empty shows the whole building."""

    name = models.CharField(_("name"), max_length=100)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    key = models.CharField(_("screen key"), max_length=64, unique=True, default=new_screen_key)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("entrance screen")
        verbose_name_plural = _("entrance screens")

    def __str__(self) -> str:
        return self.name


class OccupancySample(models.Model):
    """A room's seat counts by state at the start of a 15-minute step (docs/maps.md)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="occupancy")
    at = models.DateTimeField(_("at"))
    counts: models.JSONField[dict[str, int], Any] = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["at", "room"]
        constraints = [
            models.UniqueConstraint(fields=["room", "at"], name="one_sample_per_room_step")
        ]
        verbose_name = _("occupancy sample")
        verbose_name_plural = _("occupancy samples")

    def __str__(self) -> str:
        return f"{self.room_id} {self.at:%Y-%m-%d %H:%M}"
