"""The reader's pages for notices and news, lectures, e-resources and the mascots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from seatback.content import selectors, services
from seatback.content.models import Announcement, ContentSubscription, Lecture
from seatback.core import clock, ratelimit
from seatback.core.errors import Refusal
from seatback.readers.models import Reader


def _reader(request: HttpRequest) -> Reader | None:
    user = request.user
    return user if isinstance(user, Reader) else None


def _limited(request: HttpRequest) -> None:
    """Writes by a signed-in reader share the seat actions' per-minute limit."""
    ratelimit.hit("intents", f"r{request.user.pk}", settings.RATE_LIMIT_INTENTS_PER_MINUTE)


def news(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    reader = _reader(request)
    subscribed = reader is not None and ContentSubscription.objects.filter(reader=reader).exists()
    return render(
        request,
        "pages/news.html",
        {
            "items": selectors.announcements_for(reader, now),
            "subscribed": subscribed,
            "now": now,
        },
    )


def news_item(request: HttpRequest, item_id: int) -> HttpResponse:
    now = clock.now()
    item = get_object_or_404(selectors.published(now), pk=item_id)
    reader = _reader(request)
    limited = bool(item.departments or item.reader_kinds)
    if limited and (reader is None or not services.meant_for(item, reader)):
        raise Http404
    return render(request, "pages/news_item.html", {"item": item})


@login_required
@require_POST
def news_subscription(request: HttpRequest) -> HttpResponse:
    reader = _reader(request)
    assert reader is not None
    try:
        _limited(request)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("pages:news")
    subscribed = request.POST.get("subscribed") == "1"
    services.set_subscription(reader, subscribed=subscribed, now=clock.now())
    messages.success(
        request,
        _("You will be told of new notices.") if subscribed else _("No more notice pushes."),
    )
    return redirect("pages:news")


class NewsFeed(Feed):  # type: ignore[type-arg]
    """Public notices and news as an Atom feed (only those meant for everyone)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Library notices")
    subtitle = gettext_lazy("Notices and news from the library")

    def link(self) -> str:
        return reverse("pages:news")

    def items(self) -> list[Announcement]:
        return selectors.announcements_for(None, clock.now(), limit=30)

    def item_title(self, item: Announcement) -> str:
        return item.title

    def item_description(self, item: Announcement) -> str:
        return item.body

    def item_link(self, item: Announcement) -> str:
        return reverse("pages:news-item", args=[item.pk])

    def item_pubdate(self, item: Announcement) -> datetime | None:
        return item.publish_at


def lectures(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    return render(
        request,
        "pages/lectures.html",
        {
            "ahead": selectors.lectures_ahead(now),
            "past": selectors.past_lectures(now)[:20],
            "now": now,
        },
    )


def lecture(request: HttpRequest, lecture_id: int) -> HttpResponse:
    now = clock.now()
    item = get_object_or_404(Lecture, pk=lecture_id)
    mine = selectors.registration_of(item, _reader(request))
    context: dict[str, Any] = {
        "lecture": item,
        "phase": item.phase(now),
        "mine": mine,
        "now": now,
        "taken": item.registrations.filter(status="registered").count(),
    }
    if mine is not None and mine.status == "waiting":
        context["place_in_line"] = selectors.place_in_line(mine)
    return render(request, "pages/lecture.html", context)


@login_required
@require_POST
def lecture_registration(request: HttpRequest, lecture_id: int) -> HttpResponse:
    item = get_object_or_404(Lecture, pk=lecture_id)
    reader = _reader(request)
    assert reader is not None
    now = clock.now()
    try:
        _limited(request)
        if request.POST.get("cancel") == "1":
            mine = selectors.registration_of(item, reader)
            if mine is None:
                raise Refusal("not_found", _("You are not registered for this lecture."))
            services.cancel_registration(mine, reader, now=now)
            messages.success(request, _("Your registration is cancelled."))
        else:
            made = services.register(item, reader, now=now)
            if made.status == "registered":
                messages.success(request, _("You are registered."))
            else:
                messages.info(request, _("The lecture is full: you are on the waiting list."))
    except Refusal as refusal:
        messages.error(request, refusal.message)
    return redirect("pages:lecture", lecture_id=item.pk)


@login_required
def lecture_attend(request: HttpRequest, lecture_id: int) -> HttpResponse:
    """What the QR code at the lecture's door opens."""
    item = get_object_or_404(Lecture, pk=lecture_id)
    reader = _reader(request)
    assert reader is not None
    try:
        _limited(request)
        services.attend(item, reader, request.GET.get("c", ""), now=clock.now())
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Welcome! Your attendance is recorded."))
    return redirect("pages:lecture", lecture_id=item.pk)


def eresources(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request, "pages/eresources.html", {"items": selectors.eresources(query), "q": query}
    )


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    """Ask 图小妹 and 图大叔 (anyone may; anonymous use is rate-limited by the middleware)."""
    reply = None
    message = ""
    if request.method == "POST":
        message = request.POST.get("message", "").strip()[:500]
        if message:
            reply = services.mascot_reply(message)
    return render(request, "pages/ask.html", {"reply": reply, "message": message})
