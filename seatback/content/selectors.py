"""Reading content as readers see it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from seatback.content.models import Announcement, EResource, Lecture, Registration
from seatback.content.services import meant_for
from seatback.readers.models import Reader


def published(now: datetime) -> QuerySet[Announcement]:
    return Announcement.objects.filter(publish_at__isnull=False, publish_at__lte=now)


def announcements_for(reader: Reader | None, now: datetime, limit: int = 50) -> list[Announcement]:
    """Published announcements this reader may see, pinned first, newest first.

    The audience is matched in Python: JSON list lookups differ between SQLite and
    PostgreSQL, and a library publishes tens of notices, not thousands."""
    items = list(published(now)[: limit * 4])
    if reader is None or not reader.is_authenticated:
        items = [a for a in items if not a.departments and not a.reader_kinds]
    else:
        items = [a for a in items if meant_for(a, reader)]
    return items[:limit]


def lectures_ahead(now: datetime) -> QuerySet[Lecture]:
    """Lectures not yet over, with how many places are taken."""
    return Lecture.objects.filter(ends_at__gt=now).annotate(
        taken=Count("registrations", filter=Q(registrations__status="registered")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
    )


def past_lectures(now: datetime) -> QuerySet[Lecture]:
    return Lecture.objects.filter(ends_at__lte=now).order_by("-starts_at")


def registration_of(lecture: Lecture, reader: Reader | None) -> Registration | None:
    if reader is None or not reader.is_authenticated:
        return None
    return (
        Registration.objects.filter(lecture=lecture, reader=reader)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


def place_in_line(registration: Registration) -> int:
    """1 for the first in the waiting line. The line is in the order places were handed
    out under the lecture's lock, which is the order of the rows' ids."""
    return Registration.objects.filter(
        lecture_id=registration.lecture_id,
        status=Registration.Status.WAITING,
        pk__lte=registration.pk,
    ).count()


def eresources(query: str = "") -> QuerySet[EResource]:
    items = EResource.objects.filter(active=True)
    if query:
        items = items.filter(
            Q(name__icontains=query)
            | Q(subjects__icontains=query)
            | Q(description__icontains=query)
        )
    return items
