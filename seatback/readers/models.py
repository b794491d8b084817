from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReaderManager(BaseUserManager["Reader"]):
    def create_user(self, card_number: str, password: str | None = None, **fields: Any) -> Reader:
        reader = self.model(card_number=card_number, **fields)
        if password:
            reader.set_password(password)
        else:
            reader.set_unusable_password()
        reader.save(using=self._db)
        return reader

    def create_superuser(
        self, card_number: str, password: str | None = None, **fields: Any
    ) -> Reader:
        fields.update(is_staff=True, is_superuser=True, kind=Reader.Kind.STAFF)
        return self.create_user(card_number, password, **fields)


class Reader(AbstractBaseUser, PermissionsMixin):
    """A reader (读者), identified by library card number. Librarians are staff readers."""

    class Kind(models.TextChoices):
        UNDERGRADUATE = "undergraduate", _("undergraduate")
        POSTGRADUATE = "postgraduate", _("postgraduate")
        STAFF = "staff", _("staff")
        OTHER = "other", _("other")

    card_number = models.CharField(_("card number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.UNDERGRADUATE
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("librarian"), default=False)
    banned_until = models.DateTimeField(_("banned until"), null=True, blank=True)
    ban_reason = models.CharField(_("ban reason"), max_length=200, blank=True)
    date_joined = models.DateTimeField(_("joined"), auto_now_add=True)

    objects: ClassVar[ReaderManager] = ReaderManager()

    USERNAME_FIELD = "card_number"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        verbose_name = _("reader")
        verbose_name_plural = _("readers")

    def __str__(self) -> str:
        return f"{self.name or self.card_number} ({self.card_number})"

    def is_banned(self, now: datetime) -> bool:
        return self.banned_until is not None and self.banned_until > now


class Violation(models.Model):
    """A broken booking rule (违约): counted towards a ban."""

    class Kind(models.TextChoices):
        NO_SHOW = "no_show", _("did not check in")
        LATE_CANCEL = "late_cancel", _("cancelled too late")
        OVERDUE_STEP_OUT = "overdue_step_out", _("did not come back from a step-out")
        MANUAL = "manual", _("recorded by a librarian")

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="violations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    seat = models.ForeignKey(
        "library.Seat", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # What it was for, e.g. "reservation:42:no_show": the unique constraint makes recording
    # a violation idempotent, so any number of workers record it exactly once.
    key = models.CharField(max_length=80, unique=True)
    # A librarian may forgive a violation; it then no longer counts towards a ban.
    forgiven_at = models.DateTimeField(_("forgiven"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["reader", "at"])]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")

    def __str__(self) -> str:
        return f"{self.reader.card_number} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# Like the session cookie, a token lasts 30 days.
TOKEN_LIFETIME = timedelta(days=30)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token handed out at sign-in; only its SHA-256 digest is stored."""

    reader = models.ForeignKey(Reader, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token of {self.reader.card_number}"

    @classmethod
    def issue(cls, reader: Reader, now: datetime) -> str:
        key = secrets.token_urlsafe(32)
        cls.objects.create(reader=reader, digest=_digest(key), created=now)
        return key

    @classmethod
    def revoke(cls, key: str) -> None:
        cls.objects.filter(digest=_digest(key)).delete()

    @classmethod
    def reader_for(cls, key: str, now: datetime) -> Reader | None:
        """The reader a token belongs to, if it is known, younger than TOKEN_LIFETIME."""
        token = (
            cls.objects.select_related("reader")
            .filter(digest=_digest(key), created__gt=now - TOKEN_LIFETIME)
            .first()
        )
        if token is None or not token.reader.is_active:
            return None
        return token.reader
