"""Who may use the back office: librarians (staff readers) and administrators (superusers).

Every back-office view is wrapped in one of these; the role matrix test lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from seatback.readers.models import Reader

View = Callable[..., HttpResponse]


def is_librarian(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def is_administrator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _require(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), "reader:login")
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.role = check.__name__  # type: ignore[attr-defined]
        return wrapped

    return decorator


librarian_required = _require(is_librarian)
administrator_required = _require(is_administrator)


def staff(request: HttpRequest) -> Reader:
    """The signed-in librarian or administrator (after one of the decorators)."""
    assert isinstance(request.user, Reader)
    return request.user
