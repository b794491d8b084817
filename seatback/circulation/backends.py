"""Reader sign-in through the library's system (SIP2 patron status, 23/24): optional,
on with SEATBACK_ILS_SIGN_IN. A card the library's system knows, with the right password,
signs in; the reader is created on first sign-in (name from the ILS, no Seatback password).

Librarians and administrators never sign in this way: they use their Seatback password.
When the library's system is down, sign-in through it fails like a wrong password (and is
logged); readers with a Seatback password can still sign in.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from seatback.circulation import services
from seatback.circulation.adapters import Unavailable
from seatback.core import clock
from seatback.readers.backends import CachedReaderBackend
from seatback.readers.models import Reader

log = logging.getLogger(__name__)


class IlsBackend(CachedReaderBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        card_number: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Reader | None:
        if not card_number or not password:
            return None
        existing = Reader.objects.filter(card_number=card_number).first()
        if existing is not None and (existing.is_staff or existing.is_superuser):
            return None
        try:
            patron = services.circulation().authenticate(card_number, password, clock.now())
        except (Unavailable, OSError) as exc:
            log.warning("sign-in through the library's system failed: %s", exc)
            return None
        if not (patron.valid and patron.password_ok):
            return None
        if existing is None:
            try:
                with transaction.atomic():
                    existing = Reader.objects.create_user(card_number, None, name=patron.name[:100])
            except IntegrityError:  # signed in twice at once: the other made it
                existing = Reader.objects.get(card_number=card_number)
        return existing if self.user_can_authenticate(existing) else None
