"""Sign-in by card number and password (Django's ModelBackend), with the signed-in reader
of each request read from the cache instead of the database (readers.models.cached_reader)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from seatback.readers.models import Reader, cached_reader


class CachedReaderBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Reader | None:  # type: ignore[override]
        try:
            reader = cached_reader(int(user_id))
        except (TypeError, ValueError):
            return None
        return reader if reader is not None and self.user_can_authenticate(reader) else None
