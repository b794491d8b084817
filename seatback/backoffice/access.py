"""Who may use the back office: librarians (staff readers) and administrators (superusers).

Every back-office view is wrapped in one of these; the role matrix test lists them all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from seatback.core.errors import Refusal
from seatback.readers.models import Reader
from seatback.readers.roles import is_administrator, is_librarian

View = Callable[..., HttpResponse]


def _require(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), "pages:login")
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


def back_to(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """After a change, back to the page it was made from (`next`, a path on this site) or
    to `default`: the same action is offered on several pages."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return HttpResponseRedirect(target)


def change_and_go_back(
    request: HttpRequest, change: Callable[[], object], *, done: str, back: str
) -> HttpResponseRedirect:
    """Make a change from a posted form: its refusal or `done` becomes a message on the page
    it came from (`next`) or on `back`."""
    try:
        change()
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return back_to(request, back)
