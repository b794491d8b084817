"""Signing a reader in, shared by the API and the phone pages."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.db import OperationalError
from django.http import HttpRequest

from seatback.core import ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address
from seatback.readers.models import ApiToken, Reader


def bearer_reader(request: HttpRequest, now: datetime) -> Reader | None:
    """The reader an `Authorization: Bearer` token names, looked up once per request."""
    if not hasattr(request, "_bearer_reader"):
        header = request.headers.get("Authorization", "")
        key = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        request._bearer_reader = ApiToken.reader_for(key, now) if key else None  # type: ignore[attr-defined]
    return request._bearer_reader  # type: ignore[attr-defined,no-any-return]


def sign_in(request: HttpRequest, card_number: str, password: str) -> Reader:
    """Check the card number and password and start a session, or raise a Refusal.

    Guessing is limited per card number (tight) and per address (loose: a campus NAT puts
    thousands of phones behind one address).
    """
    ratelimit.hit(
        "login", f"a{client_address(request)}", settings.RATE_LIMIT_LOGIN_ADDRESS_PER_MINUTE
    )
    ratelimit.hit("login-card", card_number, settings.RATE_LIMIT_LOGIN_PER_MINUTE)
    if "\x00" in card_number or "\x00" in password:  # PostgreSQL text cannot hold NUL
        raise Refusal("bad_credentials")
    reader = authenticate(request, card_number=card_number, password=password)
    if not isinstance(reader, Reader):
        raise Refusal("bad_credentials")
    try:
        login(request, reader)
    except OperationalError as exc:  # SQLite's writer stayed busy past its timeout
        raise Refusal("busy", retry_after=1) from exc
    return reader
