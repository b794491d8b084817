"""Spaces (空间): bookable units that are not seats, booked by groups.

As for seats, only times are stored and state is derived from them; `SpaceSlot` rows with
a partial unique constraint make a double booking of a space impossible whatever the code
does, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seatback.library.models import Room, new_seat_code


class Space(models.Model):
    class Kind(models.TextChoices):
        GROUP_STUDY = "group_study", _("group study room")
        DISCUSSION = "discussion", _("discussion room")
        MEDIA = "media", _("media room")
        CARREL = "carrel", _("research carrel")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The room it is in (and whose opening hours and booking policy it follows), if any.
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="spaces"
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    min_group = models.PositiveIntegerField(_("smallest group"), default=1)
    features: models.JSONField[list[str], Any] = models.JSONField(default=list, blank=True)
    slot_minutes = models.PositiveIntegerField(_("slot (minutes)"), default=60)
    longest_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=180)
    days_ahead = models.PositiveIntegerField(_("days ahead"), default=3)
    # Kinds of reader who may book it; empty: everyone.
    reader_kinds: models.JSONField[list[str], Any] = models.JSONField(default=list, blank=True)
    # What its door's QR code carries (unguessable, like a seat's).
    code = models.CharField(max_length=40, unique=True, default=new_seat_code)
    active = models.BooleanField(_("bookable"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SpaceBlock(models.Model):
    """A time a librarian took the space out of booking (maintenance, a class)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="blocks")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start"]

    def __str__(self) -> str:
        return f"{self.space} blocked: {self.reason}"


class SpaceBooking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the group to confirm")
        CONFIRMED = "confirmed", _("confirmed")
        CHECKED_IN = "checked_in", _("in use")
        RELEASED = "released", _("released: not enough confirmed")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("nobody came")
        ENDED = "ended", _("ended")

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="bookings")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_bookings"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices)
    # The group must have confirmed by then, or the booking is released (nobody penalised).
    confirm_by = models.DateTimeField()
    checkin_from = models.DateTimeField()
    checkin_until = models.DateTimeField()
    created_at = models.DateTimeField()
    booked_by = models.ForeignKey(  # a librarian booking on a reader's behalf
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="space_booking_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.space} {self.start:%Y-%m-%d %H:%M} ({self.status})"

    def lapsed(self, now: datetime) -> bool:
        """Its active slots no longer count, though nothing has settled it yet: the group
        did not confirm in time, or nobody checked in (derived from stored times)."""
        if self.status == self.Status.PENDING:
            return self.confirm_by <= now
        if self.status == self.Status.CONFIRMED:
            return self.checkin_until <= now and self.checked_in_at is None
        return False


class SpaceMember(models.Model):
    """The organiser and each companion named by card number."""

    booking = models.ForeignKey(SpaceBooking, on_delete=models.CASCADE, related_name="members")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_memberships"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "reader"], name="one_membership_per_booking")
        ]

    def __str__(self) -> str:
        return f"reader {self.reader_id} in booking {self.booking_id}"


class SpaceSlot(models.Model):
    """One slot a live booking keeps: at most one active row per space and slot start."""

    booking = models.ForeignKey(SpaceBooking, on_delete=models.CASCADE, related_name="slots")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    slot_start = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["space", "slot_start"],
                condition=Q(active=True),
                name="one_live_booking_per_space_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.space_id} {self.slot_start}"
