"""The reader's phone pages: server-rendered, one primary action each."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address
from seatback.library.models import Room
from seatback.seats.selectors import room_counts


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def home(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    rooms = list(Room.objects.select_related("library").filter(active=True))
    counts = room_counts(rooms, now)
    listing = [
        {
            "room": room,
            "open": room.effective_policy().is_open(now),
            "hours": room.effective_policy().values["opening_hours"],
            "counts": counts[room.pk],
        }
        for room in rooms
    ]
    return render(request, "reader/home.html", {"rooms": listing})


def login_page(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            ratelimit.hit("login", f"a{client_address(request)}", settings.RATE_LIMIT_LOGIN_PER_MINUTE)
            user = authenticate(
                request,
                card_number=request.POST.get("card_number", "").strip(),
                password=request.POST.get("password", ""),
            )
            if user is None:
                raise Refusal("bad_credentials")
        except Refusal as refusal:
            error = refusal.message
        else:
            login(request, user)
            return redirect(_safe_next(request))
    status = 400 if error else 200
    return render(
        request,
        "reader/login.html",
        {"error": error, "next": _safe_next(request)},
        status=status,
    )


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("reader:home")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Remember the reader's language in a cookie for a year."""
    chosen = request.POST.get("language", "")
    response: HttpResponse = HttpResponseRedirect(_safe_next(request))
    if chosen in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax"
        )
    else:
        messages_error = _("Unknown language.")
        response = HttpResponse(messages_error, status=400)
    return response
