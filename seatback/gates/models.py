"""Entrance gates: buildings, gates and their keys, the events they send, and what follows.

Only timestamps are stored. Who is inside is the direction of each card's latest passage
(`Passage`, one row per card and place, moved forward only by a newer event); today's
entries and exits are counted from `GateEvent`. Nothing runs on a timer (docs/gates.md).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_gate_key() -> str:
    """A gate's signing key: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class Direction(models.TextChoices):
    IN = "in", _("in")
    OUT = "out", _("out")


class Building(models.Model):
    """A building with entrance gates, and how many people it holds."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), default=0, help_text=_("people; 0 for no limit")
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("warn librarians at (%)"), default=90, help_text=_("of the capacity")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self) -> str:
        return self.name


class Gate(models.Model):
    """A gate controller: where it stands, and the key it signs its events with."""

    code = models.SlugField(_("gate id"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="gates")
    # Blank: the building's entrance. A floor name: the gate guards that floor.
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    key = models.CharField(_("signing key"), max_length=64, default=new_gate_key)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["building", "floor", "code"]
        verbose_name = _("gate")
        verbose_name_plural = _("gates")

    def __str__(self) -> str:
        return f"{self.building.name} {self.name}"


class GateEvent(models.Model):
    """One passage a gate reported, kept once per (gate, event id) however often sent."""

    class Via(models.TextChoices):
        HTTP = "http", "HTTP"
        MQTT = "mqtt", "MQTT"
        SIMULATE = "simulate", _("simulation")

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=100)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    card = models.CharField(max_length=40)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gate_events",
    )
    # Copied from the gate, so counting a building's day reads one table.
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="+")
    floor = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField()
    received_at = models.DateTimeField()
    via = models.CharField(max_length=8, choices=Via.choices)
    # What the event led to: "entered", "left", "checked_in", "stepped_out", ...
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gate", "event_id"], name="one_event_per_gate_id")
        ]
        indexes = [
            models.Index(fields=["building", "at"]),
            models.Index(fields=["reader", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.gate_id} {self.direction} {self.card} {self.at:%Y-%m-%d %H:%M:%S}"


class Passage(models.Model):
    """A card's latest passage through the gates of one place (a building's entrance when
    floor is blank, else that floor): inside when its direction is `in`."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="+")
    floor = models.CharField(max_length=20, blank=True)
    card = models.CharField(max_length=40)
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    at = models.DateTimeField()
    event = models.ForeignKey(GateEvent, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["building", "floor", "card"], name="one_passage_per_card_and_place"
            )
        ]
        indexes = [
            models.Index(fields=["building", "floor", "direction", "at"]),
            models.Index(fields=["reader", "floor"]),
        ]

    def __str__(self) -> str:
        return f"{self.card} {self.direction} {self.at:%Y-%m-%d %H:%M:%S}"


class GateStepOut(models.Model):
    """A holder went out through an entrance gate: their seat is protected until ends_at,
    and their hold ends then unless they come back in (docs/gates.md)."""

    event = models.OneToOneField(GateEvent, on_delete=models.CASCADE, related_name="step_out")
    hold = models.ForeignKey("seats.Hold", on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    left_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # When the hold would have ended had the reader not gone out (restored on return).
    hold_closes_at = models.DateTimeField()
    # They left while a clock was running on their seat: no protection, and no "I'm back".
    challenged = models.BooleanField(default=False)
    back_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["reader", "back_at"])]

    def __str__(self) -> str:
        return f"reader {self.reader_id} out at {self.left_at:%H:%M}"


class GateNonce(models.Model):
    """A nonce a gate has used, kept while its signature's timestamp could still pass."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gate", "nonce"], name="one_use_per_gate_nonce")
        ]
        indexes = [models.Index(fields=["at"])]

    def __str__(self) -> str:
        return self.nonce


class RejectedDelivery(models.Model):
    """A delivery refused before its events were read: bad signature, stale, replayed."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, null=True, related_name="+")
    gate_code = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=20)
    via = models.CharField(max_length=8)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.gate_code} {self.reason} {self.at:%Y-%m-%d %H:%M:%S}"
