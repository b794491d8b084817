"""What the library tells and offers its readers besides seats.

States are derived from stored times, as everywhere in Seatback: an announcement with no
`publish_at` is a draft, one whose `publish_at` is ahead is scheduled, otherwise it is
published; a lecture is upcoming, live or over by its start and end.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    """A notice (通知) or a news item (新闻), written by a librarian."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("notice")
        NEWS = "news", _("news")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField(_("title"), max_length=200)
    # Sanitised when saved (content.services.clean_html): only harmless tags and links.
    body = models.TextField(_("text"), blank=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    # Who sees it: empty lists mean every reader.
    departments: models.JSONField[list[str], Any] = models.JSONField(default=list, blank=True)
    reader_kinds: models.JSONField[list[str], Any] = models.JSONField(default=list, blank=True)
    push = models.BooleanField(_("push to readers who opted in"), default=False)
    # Set once by the worker that queued the pushes (a conditional UPDATE claims it).
    pushed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-pinned", "-publish_at", "-id"]
        indexes = [models.Index(fields=["publish_at"])]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.title

    def state(self, now: datetime) -> str:
        if self.publish_at is None:
            return "draft"
        return "scheduled" if self.publish_at > now else "published"


class ContentSubscription(models.Model):
    """A reader who asked to be told of new announcements (pushes are opt-in)."""

    reader = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_subscription"
    )
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"subscription of reader {self.reader_id}"


class Lecture(models.Model):
    title = models.CharField(_("title"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"))
    # An HLS playlist (.m3u8) while it is live, and the recording afterwards.
    stream_url = models.URLField(_("live stream (HLS)"), blank=True)
    replay_url = models.URLField(_("replay"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="lecture_ends_after_start"
            )
        ]
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")

    def __str__(self) -> str:
        return self.title

    def phase(self, now: datetime) -> str:
        if now < self.starts_at:
            return "upcoming"
        return "live" if now < self.ends_at else "over"


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    lecture = models.ForeignKey(Lecture, on_delete=models.CASCADE, related_name="registrations")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lecture_registrations"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField()
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One live registration (or place in the line) per reader and lecture.
            models.UniqueConstraint(
                fields=["lecture", "reader"],
                condition=~Q(status="cancelled"),
                name="one_registration_per_reader_and_lecture",
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.reader_id} for lecture {self.lecture_id}"


class EResource(models.Model):
    """An entry of the e-resource directory (数据库导航)."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("address"))
    subjects = models.CharField(_("subjects"), max_length=200, blank=True)
    # How to reach it from off campus: VPN, CARSI, a proxy address, ...
    off_campus = models.CharField(_("off campus"), max_length=300, blank=True)
    active = models.BooleanField(_("listed"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("e-resource")
        verbose_name_plural = _("e-resources")

    def __str__(self) -> str:
        return self.name


class Mascot(models.Model):
    """图小妹 and 图大叔: who answers readers' messages, in which tone."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    avatar = models.CharField(_("avatar"), max_length=8, default="📚")  # an emoji
    tone = models.CharField(_("tone"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class MascotRule(models.Model):
    """When a message contains one of `keywords`, the mascot answers `answer`.

    Rules are tried in `order` (lowest first); the first match answers."""

    mascot = models.ForeignKey(Mascot, on_delete=models.CASCADE, related_name="rules")
    order = models.PositiveIntegerField(_("order"), default=100)
    keywords = models.CharField(_("keywords (comma-separated)"), max_length=300)
    answer_zh = models.TextField(_("answer in Chinese"))
    answer_en = models.TextField(_("answer in English"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.mascot}: {self.keywords}"

    def keyword_list(self) -> list[str]:
        return [k.strip().lower() for k in self.keywords.replace("，", ",").split(",") if k.strip()]
