"""Who may do what: librarians (staff readers) and administrators (superusers)."""

from __future__ import annotations

from typing import Any

from seatback.core.errors import Refusal


def is_librarian(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def is_administrator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def require_librarian(actor: Any) -> None:
    """Every write a librarian may make calls this first, whichever door it came through."""
    if not is_librarian(actor):
        raise Refusal("forbidden")


def require_administrator(actor: Any) -> None:
    if not is_administrator(actor):
        raise Refusal("forbidden")
