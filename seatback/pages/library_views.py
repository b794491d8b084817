"""The reader's library pages: my loans (renew one, renew all), catalogue search (typed,
or spoken where the browser has speech recognition), and an ISBN scanned or typed to ask
the library to buy a book.

Plain server-rendered pages (post/redirect/get). Whatever the library's system does, the
reader gets a sentence, never an error page, and an item is said to be renewed only when
the library's system said so.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from seatback.catalogue import purchases, selectors
from seatback.catalogue.models import PurchaseRequest
from seatback.circulation import services as circulation
from seatback.circulation.adapters import RenewResult
from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.core.http import client_address
from seatback.pages.wording import refusal_sentence
from seatback.readers.models import Reader


def _say(request: HttpRequest, result: RenewResult) -> None:
    if result.renewed:
        messages.success(request, circulation.outcome(result), extra_tags="renewed")
    else:
        messages.warning(request, circulation.outcome(result), extra_tags="not-renewed")


def _refused(request: HttpRequest, refusal: Refusal) -> None:
    messages.error(request, refusal_sentence(refusal), extra_tags=f"refusal-{refusal.code}")


@login_required
def loans(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reader: Reader = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {"now": now, "loans": None}
    try:
        ratelimit.hit("reads", f"r{reader.pk}", settings.RATE_LIMIT_READS_PER_MINUTE)
        found = circulation.loans(reader, now=now)
        context["loans"] = [(loan, loan.overdue(now)) for loan in found]
    except Refusal as refusal:
        context["problem"] = refusal_sentence(refusal)
    return render(request, "pages/library_loans.html", context)


@login_required
@require_POST
def renew(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reader: Reader = request.user  # type: ignore[assignment]
    try:
        ratelimit.hit("intents", f"r{reader.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)
        _say(request, circulation.renew(reader, request.POST.get("item", ""), now=now))
    except Refusal as refusal:
        _refused(request, refusal)
    return redirect("library:loans")


@login_required
@require_POST
def renew_all(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reader: Reader = request.user  # type: ignore[assignment]
    try:
        ratelimit.hit("intents", f"r{reader.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)
        result = circulation.renew_all(reader, now=now)
    except Refusal as refusal:
        _refused(request, refusal)
        return redirect("library:loans")
    if not result.results:
        messages.info(request, _("You have nothing on loan."))
    for item in result.results:
        _say(request, item)
    return redirect("library:loans")


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    try:
        start = max(0, int(request.GET.get("start", "0")))
    except ValueError:
        start = 0
    context: dict[str, Any] = {"q": query, "page": None, "now": clock.now()}
    if query:
        who = (
            f"r{request.user.pk}"
            if request.user.is_authenticated
            else f"a{client_address(request)}"
        )
        try:
            ratelimit.hit("search", who, settings.RATE_LIMIT_SEARCH_PER_MINUTE)
            page = selectors.search(query, start)
            context["page"] = page
            size = selectors.PAGE_SIZE
            if page.start + len(page.hits) < page.total:
                context["next_start"] = page.start + size
            if page.start > 0:
                context["previous_start"] = max(0, page.start - size)
        except Refusal as refusal:
            context["problem"] = refusal_sentence(refusal)
    return render(request, "pages/library_search.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def isbn(request: HttpRequest) -> HttpResponse:
    """Scan or type an ISBN: where the book stands if the library has it, else a request."""
    now = clock.now()
    reader: Reader = request.user  # type: ignore[assignment]
    if request.method == "POST":
        try:
            ratelimit.hit("intents", f"r{reader.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)
            done = purchases.request_purchase(
                reader,
                request.POST.get("isbn", ""),
                note=request.POST.get("note", ""),
                title=request.POST.get("title", ""),
                now=now,
            )
        except Refusal as refusal:
            _refused(request, refusal)
            typed = request.POST.get("isbn", "")[:40]
            return redirect(reverse("library:isbn") + "?" + urlencode({"isbn": typed}))
        if done.joined:
            messages.success(
                request,
                _("Someone had already asked for this book: your request joins theirs."),
            )
        else:
            messages.success(request, _("Thank you: your purchase request was sent."))
        return redirect("library:isbn")
    typed = request.GET.get("isbn", "").strip()[:40]
    context: dict[str, Any] = {"typed": typed, "now": now}
    if typed:
        try:
            ratelimit.hit("search", f"r{reader.pk}", settings.RATE_LIMIT_SEARCH_PER_MINUTE)
            number = purchases.parse_isbn(typed)
            context["isbn"] = number
            context["pretty"] = purchases.pretty(number)
            context["owned"] = selectors.by_isbn(number)
            context["asked"] = (
                PurchaseRequest.objects.filter(isbn=number)
                .exclude(status=PurchaseRequest.Status.DECLINED)
                .first()
            )
        except Refusal as refusal:
            context["problem"] = refusal_sentence(refusal)
    context["mine"] = (
        PurchaseRequest.objects.filter(supports__reader=reader)
        .distinct()
        .order_by("-created_at")[:20]
    )
    return render(request, "pages/library_isbn.html", context)
