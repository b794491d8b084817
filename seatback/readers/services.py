"""Signing a reader in (shared by the API and the phone pages); banning, unbanning and
forgiving violations (shared by every back-office page that offers them)."""

from __future__ import annotations

from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    authenticate,
    login,
)
from django.db import OperationalError, transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from seatback.audit.services import clean_note, iso_or_none, record
from seatback.core import ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address
from seatback.core.inputs import has_bad_text
from seatback.readers.models import ApiToken, Reader, Violation
from seatback.readers.roles import require_librarian


def bearer_token(authorization: str) -> str:
    """The token in an `Authorization` header's value if it is `Bearer …`; "" otherwise."""
    if not authorization.startswith("Bearer "):
        return ""
    return authorization.removeprefix("Bearer ").strip()


def bearer_key(request: HttpRequest) -> str:
    """The token of the request's `Authorization: Bearer` header; "" without one."""
    return bearer_token(request.headers.get("Authorization", ""))


def bearer_reader_id(request: HttpRequest, now: datetime) -> int | None:
    """The id of the reader an `Authorization: Bearer` token names (ApiToken.reader_id_for:
    from the cache in one round trip), looked up once per request; None without a token.
    Whether that reader is active is the caller's to check (the API reads the reader from
    the cache with its rate limit, in one round trip)."""
    if not hasattr(request, "_bearer_reader_id"):
        key = bearer_key(request)
        request._bearer_reader_id = ApiToken.reader_id_for(key, now) if key else None  # type: ignore[attr-defined]
    return request._bearer_reader_id  # type: ignore[attr-defined,no-any-return]


# The sign-in backends whose sessions are read from the cache (their get_user does).
CACHED_BACKENDS = {
    "seatback.readers.backends.CachedReaderBackend",
    "seatback.readers.backends.LocalPasswordBackend",
    "seatback.readers.backends.LdapBackend",
    "seatback.readers.backends.CampusCASBackend",
    "seatback.readers.backends.CampusOIDCBackend",
    "seatback.circulation.backends.IlsBackend",
}


# The reader a request names, from the cache alone (no query), as Django's authentication
# would accept it, in steps for a caller that reads the cache for other things in the same
# round trips (api/front.py): the key, then the reader's id in what it holds, then the
# reader. None at any step: the cache does not know (the caller takes Django's full path,
# which fills the cache).


def signed_in_key(authorization: str, session_key: str | None) -> str | None:
    """Where the cache knows who a request is: its bearer token's entry, else its
    session's (None: neither can be known from the cache)."""
    if authorization.startswith("Bearer "):
        key = bearer_token(authorization)
        return ApiToken.cache_key(key) if key else None
    if not session_key or settings.SESSION_CACHE_ALIAS != "default":
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "cache_key_prefix"):  # a session engine without a cache
        return None
    return str(store.cache_key_prefix + session_key)


def signed_in_reader_id(entry: Any, now: datetime) -> int | None:
    """The reader named by what the cache holds under signed_in_key: a token younger than
    its lifetime, or a session signed in by a backend whose readers are cached."""
    if isinstance(entry, tuple):
        return ApiToken.reader_id_in(entry, now)
    if not isinstance(entry, dict) or entry.get(BACKEND_SESSION_KEY) not in CACHED_BACKENDS:
        return None
    try:
        return int(entry[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


def signed_in_reader(entry: Any, reader: Reader | None) -> Reader | None:
    """The reader found for that id, as Django's authentication would accept it: active,
    and for a session, the password unchanged since (what django.contrib.auth.get_user
    checks)."""
    if reader is None or not reader.is_active:
        return None
    if isinstance(entry, dict) and not constant_time_compare(
        entry.get(HASH_SESSION_KEY, ""), reader.get_session_auth_hash()
    ):
        return None
    return reader


def sign_in(request: HttpRequest, card_number: str, password: str) -> Reader:
    """Check the card number and password and start a session, or raise a Refusal.

    Guessing is slowed down without locking the owner out (issue 22). Per card number and
    address, the first few wrong passwords are free, then each makes the next try wait
    twice as long (up to SEATBACK_LOGIN_MAX_DELAY). Per card number across addresses,
    wrong passwords are limited per minute, but only for addresses that have already got
    this card's password wrong: the owner's first try from their own phone always counts,
    whoever is guessing elsewhere. Per address, all sign-ins are limited loosely (a campus
    NAT puts thousands of phones behind one address).
    """
    if has_bad_text(card_number) or has_bad_text(password):  # no database stores them
        raise Refusal("invalid_request", _("Send card_number and password as plain text."))
    address = client_address(request)
    ratelimit.hit("login", f"a{address}", settings.RATE_LIMIT_LOGIN_ADDRESS_PER_MINUTE)
    pair = f"{card_number}\n{address}"
    ratelimit.backoff_check("login-pair", pair)
    if ratelimit.backoff_failures("login-pair", pair):
        ratelimit.hit("login-card", card_number, settings.RATE_LIMIT_LOGIN_PER_MINUTE)
    reader = authenticate(request, card_number=card_number, password=password)
    if not isinstance(reader, Reader):
        ratelimit.backoff_failed(
            "login-pair",
            pair,
            free=settings.LOGIN_FREE_TRIES,
            cap=settings.LOGIN_MAX_DELAY_SECONDS,
        )
        raise Refusal("bad_credentials")
    ratelimit.backoff_clear("login-pair", pair)
    try:
        login(request, reader)
    except OperationalError as exc:  # SQLite's writer stayed busy past its timeout
        raise Refusal("busy", retry_after=1) from exc
    return reader


# Bans and violations: one service for every page that offers them ------------------


def ban(actor: Reader, reader: Reader, *, reason: str, until: datetime, now: datetime) -> None:
    """Suspend a reader until `until`; the reader sees the reason and the end."""
    require_librarian(actor)
    reason = clean_note(reason)
    if until <= now:
        raise Refusal("invalid_request", _("The end of the ban must be in the future."))
    if reader.is_staff or reader.is_superuser:
        raise Refusal("invalid_request", _("Librarians and administrators cannot be banned."))
    with transaction.atomic():
        reader = Reader.objects.select_for_update().get(pk=reader.pk)
        before = {"banned_until": iso_or_none(reader.banned_until), "ban_reason": reader.ban_reason}
        reader.banned_until, reader.ban_reason = until, reason
        reader.save(update_fields=["banned_until", "ban_reason"])
        after = {"banned_until": iso_or_none(until), "ban_reason": reason}
        record(actor, "reader.ban", reader, now=now, before=before, after=after)


def unban(actor: Reader, reader: Reader, *, now: datetime, note: str = "") -> None:
    require_librarian(actor)
    note = clean_note(note, required=False)
    with transaction.atomic():
        reader = Reader.objects.select_for_update().get(pk=reader.pk)
        if not reader.is_banned(now):
            raise Refusal("invalid_request", _("This reader is not banned."))
        before = {"banned_until": iso_or_none(reader.banned_until), "ban_reason": reader.ban_reason}
        # The ban ends now rather than vanishing: violations from before it stay wiped
        # (reservations counts only violations after the last ban's end).
        reader.banned_until, reader.ban_reason = now, ""
        reader.save(update_fields=["banned_until", "ban_reason"])
        after = {"banned_until": iso_or_none(now), "ban_reason": ""}
        record(actor, "reader.unban", reader, now=now, before=before, after=after, note=note)


def forgive(actor: Reader, violation: Violation, *, now: datetime, note: str = "") -> None:
    """Forgive a violation: it stays on record but no longer counts towards a ban."""
    require_librarian(actor)
    note = clean_note(note, required=False)
    with transaction.atomic():
        updated = Violation.objects.filter(pk=violation.pk, forgiven_at__isnull=True).update(
            forgiven_at=now
        )
        if not updated:
            raise Refusal("invalid_request", _("This violation is already forgiven."))
        record(
            actor,
            "violation.forgive",
            violation,
            now=now,
            before={"forgiven_at": None},
            after={"forgiven_at": now.isoformat()},
            note=note,
        )
