"""The nightly roll-up: one row of figures per room and local day (issue 21).

A row with no room holds what belongs to the library as a whole (bans, and violations not
tied to a seat). `RollupDay` is the claim on a day: `seatback rollup` takes a day with a
conditional UPDATE, so any number of them can run side by side.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from seatback.library.models import Room


class RollupDay(models.Model):
    day = models.DateField(unique=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"roll-up of {self.day}"


class DayFigures(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, null=True, related_name="+")
    day = models.DateField()
    seats = models.PositiveIntegerField(default=0)
    # Seat-minutes per local hour (24 numbers): open, and held by a reader.
    open_minutes: models.JSONField[list[float], Any] = models.JSONField(default=list)
    held_minutes: models.JSONField[list[float], Any] = models.JSONField(default=list)
    holds_started = models.PositiveIntegerField(default=0)
    clocks_started = models.PositiveIntegerField(default=0)
    clocks_returned = models.PositiveIntegerField(default=0)
    clocks_claimed = models.PositiveIntegerField(default=0)
    clocks_withdrawn = models.PositiveIntegerField(default=0)
    clocks_lapsed = models.PositiveIntegerField(default=0)
    recovered_seconds = models.PositiveIntegerField(default=0)
    step_outs = models.PositiveIntegerField(default=0)
    step_outs_overrun = models.PositiveIntegerField(default=0)
    bookings = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    cancellations = models.PositiveIntegerField(default=0)
    violations = models.PositiveIntegerField(default=0)
    bans = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "day"], name="one_figures_row_per_room_day"),
            models.UniqueConstraint(
                fields=["day"], condition=Q(room__isnull=True), name="one_library_row_per_day"
            ),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"figures of room {self.room_id} on {self.day}"
