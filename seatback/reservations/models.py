"""Seat reservations (座位预约). Only times are stored; whether a booking is in force is
derived from them when it is read, so a no-show frees the seat at its check-in deadline
without any job running.

No seat is reserved twice for overlapping times: every booking owns one ReservationSlot row
per slot it covers, and a partial unique constraint allows one active row per (seat, slot
start), on SQLite and PostgreSQL alike. Another allows one per (reader, slot start), so a
reader cannot book two seats at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from seatback.library.models import Seat


class ReservationQuerySet(models.QuerySet["Reservation"]):
    def live(self, now: datetime) -> ReservationQuerySet:
        """Bookings that still keep their seat at `now`: booked and not past the check-in
        deadline, or checked in (until their end)."""
        return self.filter(
            Q(status=Reservation.Status.BOOKED, checkin_until__gt=now)
            | Q(status=Reservation.Status.CHECKED_IN),
            end__gt=now,
        )

    def awaiting_checkin(self, now: datetime) -> ReservationQuerySet:
        """Booked, inside the check-in window at `now`."""
        return self.filter(
            status=Reservation.Status.BOOKED, checkin_from__lte=now, checkin_until__gt=now
        )


class Reservation(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CHECKED_IN = "checked_in", _("checked in")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("not checked in")
        ENDED = "ended", _("ended")

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="reservations")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reservations"
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    checkin_from = models.DateTimeField(_("check in from"))
    checkin_until = models.DateTimeField(_("check in until"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.BOOKED
    )
    created_at = models.DateTimeField(_("booked at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # When the seat was given back early (released, moved, claimed while away).
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The hold a check-in created: while it lasts the anti-hogging rule covers the seat.
    hold = models.ForeignKey(
        "seats.Hold", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the worker queued each reminder: claimed by conditional UPDATEs, so any number
    # of workers queue each one once.
    reminded_at = models.DateTimeField(null=True, blank=True)
    deadline_reminded_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[ReservationQuerySet] = ReservationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="reservation_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["seat", "status", "start"]),
            models.Index(fields=["reader", "start"]),
            models.Index(fields=["status", "checkin_until"]),
        ]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")

    def __str__(self) -> str:
        return f"reservation {self.pk} of seat {self.seat_id} by reader {self.reader_id}"


class ReservationSlot(models.Model):
    """One slot of one booking; `active` is cleared when the booking stops keeping the seat."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="slots")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slot_start = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "slot_start"],
                condition=Q(active=True),
                name="one_booking_per_seat_slot",
            ),
            models.UniqueConstraint(
                fields=["reader", "slot_start"],
                condition=Q(active=True),
                name="one_booking_per_reader_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"slot {self.slot_start:%Y-%m-%d %H:%M} of seat {self.seat_id}"
