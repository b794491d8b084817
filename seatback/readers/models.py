from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.cache import cache
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from seatback.core import sql

# Requests identify their reader from the cache (Redis when REDIS_URL is set), not with a
# query: a token's reader and creation time under the token's digest, a reader under its
# id. Every write to a reader or a token forgets what the cache says of it (now and again
# when the transaction commits, so a read racing the write cannot keep the old row); the
# timeout only bounds how long a write made behind Django's back (raw SQL) could go unseen.
CACHE_SECONDS = 300


def reader_cache_key(reader_id: int) -> str:
    """Where cached_reader keeps the reader (for callers reading it with other keys)."""
    return _reader_key(reader_id)


def _reader_key(reader_id: int) -> str:
    return f"reader:{reader_id}"


def _token_key(digest: str) -> str:
    return f"token:{digest}"


def _forget(keys: list[str]) -> None:
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def forget_readers(reader_ids: Any) -> None:
    """Drop these readers from the cache (called by every write to them)."""
    _forget([_reader_key(pk) for pk in reader_ids])


def cached_reader(reader_id: int) -> Reader | None:
    """The reader with this id, from the cache or else the database, then cached."""
    reader: Reader | None = cache.get(_reader_key(reader_id))
    if reader is None:
        reader = Reader.objects.filter(pk=reader_id).first()
        if reader is not None:
            cache.set(_reader_key(reader_id), reader, timeout=CACHE_SECONDS)
    return reader


class ReaderQuerySet(models.QuerySet["Reader"]):
    def update(self, **fields: Any) -> int:
        """UPDATE, then forget the readers it changed."""
        ids = list(self.values_list("pk", flat=True))
        changed = super().update(**fields)
        forget_readers(ids)
        return changed

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        objs = list(objs)
        changed = super().bulk_update(objs, fields, batch_size=batch_size)
        forget_readers([obj.pk for obj in objs])
        return changed

    def delete(self) -> tuple[int, dict[str, int]]:
        ids = list(self.values_list("pk", flat=True))
        deleted = super().delete()
        forget_readers(ids)
        return deleted


class ReaderManager(BaseUserManager.from_queryset(ReaderQuerySet)):  # type: ignore[misc]
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        forget_readers([self.pk])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        pk = self.pk
        deleted = super().delete(*args, **kwargs)
        forget_readers([pk])
        return deleted

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
        digest = _digest(key)
        cls.objects.filter(digest=digest).delete()
        _forget([_token_key(digest)])

    @staticmethod
    def cache_key(key: str) -> str:
        """Where the cache keeps what reader_for learnt of this token."""
        return _token_key(_digest(key))

    @staticmethod
    def reader_id_in(known: Any, now: datetime) -> int | None:
        """The reader named by what the cache keeps under cache_key, if the token is
        younger than TOKEN_LIFETIME."""
        if not isinstance(known, tuple) or known[1] <= now - TOKEN_LIFETIME:
            return None
        return int(known[0])

    @classmethod
    def reader_for(cls, key: str, now: datetime) -> Reader | None:
        """The reader a token belongs to, if it is known, younger than TOKEN_LIFETIME, and
        active: reader_id_for, then the reader (from the cache; on a miss one query, then
        cached)."""
        reader_id, owner = cls._owner(key, now)
        reader = owner or (cached_reader(reader_id) if reader_id is not None else None)
        return reader if reader is not None and reader.is_active else None

    @classmethod
    def reader_id_for(cls, key: str, now: datetime) -> int | None:
        """The id of the reader a token belongs to, if it is known and younger than
        TOKEN_LIFETIME (whether the reader is active is the caller's to check).

        From the cache when it knows the token (one round trip, no query); otherwise one
        query, whose answer, the token and its reader, is cached. Unknown tokens are not
        cached (anyone could fill the cache)."""
        return cls._owner(key, now)[0]

    @classmethod
    def _owner(cls, key: str, now: datetime) -> tuple[int | None, Reader | None]:
        """reader_id_for, and the reader when the database was asked (else None)."""
        digest = _digest(key)
        known: tuple[int, datetime] | None = cache.get(_token_key(digest))
        owner = None
        if known is None:
            # Every reader's first request after a while (at 07:00, all of them): one
            # hand-written statement (core.sql), the token with its reader.
            rows = sql.rows(_token_sql(connection.vendor), [digest])
            if not rows:
                return None, None
            created = sql.instance(cls, rows[0]).created
            owner = sql.instance(Reader, rows[0], sql.width(cls))
            known = (owner.pk, created)
            cache.set_many(
                {_token_key(digest): known, _reader_key(owner.pk): owner}, timeout=CACHE_SECONDS
            )
        reader_id = cls.reader_id_in(known, now)
        return reader_id, owner if reader_id is not None else None


@functools.cache
def _token_sql(vendor: str) -> str:
    tokens, readers = (connection.ops.quote_name(m._meta.db_table) for m in (ApiToken, Reader))
    return (
        f"SELECT {sql.columns(ApiToken, 't')}, {sql.columns(Reader, 'r')} FROM {tokens} t"  # noqa: S608
        f" JOIN {readers} r ON r.id = t.reader_id WHERE t.digest = %s"
    )
