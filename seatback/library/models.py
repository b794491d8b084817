from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from seatback.library.policy import Policy


def new_seat_code() -> str:
    """An unguessable token for a seat's QR code: 20 URL-safe characters, ~120 bits. Never
    starting with "-", which a spreadsheet opening an export would read as a formula, and a
    command line as an option."""
    while True:
        code = secrets.token_urlsafe(15)
        if not code.startswith("-"):
            return code


class Library(models.Model):
    """The one library this installation serves; holds the default policy."""

    name = models.CharField(_("name"), max_length=200, default="图书馆")
    policy = models.JSONField(_("policy"), default=dict, blank=True)

    class Meta:
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def get(cls) -> Library:
        library, _created = cls.objects.get_or_create(pk=1)
        return library


class Room(models.Model):
    """A reading room (阅览室): its floor, and policy values that override the library's."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100, unique=True)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    policy = models.JSONField(_("policy overrides"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # Shown to readers while the room or seat is disabled.
    inactive_reason = models.CharField(_("why it is closed"), max_length=200, blank=True)
    # Where the room is, for the `location` presence check (WGS-84 degrees).
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["floor", "name"]
        verbose_name = _("reading room")
        verbose_name_plural = _("reading rooms")

    def __str__(self) -> str:
        return self.name

    def effective_policy(self) -> Policy:
        return Policy.from_values({**self.library.policy, **self.policy})


class Seat(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="seats")
    label = models.CharField(_("label"), max_length=40)
    code = models.CharField(_("QR code"), max_length=40, unique=True, default=new_seat_code)
    x = models.FloatField(_("x on the floor plan"), default=0)
    y = models.FloatField(_("y on the floor plan"), default=0)
    features: models.JSONField[list[str], Any] = models.JSONField(
        _("features"), default=list, blank=True
    )
    reservable = models.BooleanField(_("reservable"), default=False)
    active = models.BooleanField(_("active"), default=True)
    inactive_reason = models.CharField(_("why it is closed"), max_length=200, blank=True)

    class Meta:
        ordering = ["room", "label"]
        constraints = [
            models.UniqueConstraint(fields=["room", "label"], name="seat_label_per_room")
        ]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")

    def __str__(self) -> str:
        return f"{self.room.name} {self.label}"
