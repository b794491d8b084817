"""Back-office pages about readers: search, details and timeline, bans, violations, staff."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.backoffice import services
from seatback.backoffice.access import (
    administrator_required,
    change_and_go_back,
    librarian_required,
    staff,
)
from seatback.backoffice.forms import parse_local_datetime
from seatback.backoffice.timeline import reader_events
from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.notifications.models import Delivery
from seatback.officialaccount import services as wechat_services
from seatback.readers import services as reader_services
from seatback.readers.models import Reader, Violation

PAGE_SIZE = 50
DEFAULT_BAN_DAYS = 7


@librarian_required
def reader_search(request: HttpRequest) -> HttpResponse:
    """Find readers by card number (exact match goes straight to the reader) or name."""
    query = request.GET.get("q", "").strip()
    found: list[Reader] = []
    if query:
        exact = Reader.objects.filter(card_number=query).first()
        if exact is not None:
            return redirect("backoffice:reader", reader_id=exact.pk)
        found = list(
            Reader.objects.filter(
                Q(card_number__icontains=query) | Q(name__icontains=query)
            ).order_by("card_number")[:100]
        )
    return render(
        request, "backoffice/reader_search.html", {"q": query, "found": found, "now": clock.now()}
    )


@librarian_required
def reader_detail(request: HttpRequest, reader_id: int) -> HttpResponse:
    now = clock.now()
    reader = get_object_or_404(Reader, pk=reader_id)
    page = Paginator(reader_events(reader, now), PAGE_SIZE).get_page(request.GET.get("page"))
    default_until = now + timedelta(days=DEFAULT_BAN_DAYS)
    return render(
        request,
        "backoffice/reader_detail.html",
        {
            "reader": reader,
            "now": now,
            "page": page,
            "banned": reader.is_banned(now),
            "violations": reader.violations.select_related("seat__room"),
            "default_until": default_until,
            "wechat": wechat_services.binding_of(reader),
            "deliveries": Delivery.objects.filter(notice__reader=reader)
            .select_related("notice")
            .order_by("-notice__created_at", "-id")[:20],
        },
    )


@librarian_required
@require_POST
def reader_ban(request: HttpRequest, reader_id: int) -> HttpResponse:
    reader = get_object_or_404(Reader, pk=reader_id)
    until = parse_local_datetime(request.POST.get("until", ""))

    def ban() -> None:
        if until is None:
            raise Refusal("invalid_request", _("Give the end of the ban as a date and time."))
        reason = request.POST.get("reason", "")
        reader_services.ban(staff(request), reader, reason=reason, until=until, now=clock.now())

    back = reverse("backoffice:reader", args=[reader.pk])
    return change_and_go_back(request, ban, done=_("The reader is banned."), back=back)


@librarian_required
@require_POST
def reader_unban(request: HttpRequest, reader_id: int) -> HttpResponse:
    reader = get_object_or_404(Reader, pk=reader_id)
    note = request.POST.get("note", "")
    return change_and_go_back(
        request,
        lambda: reader_services.unban(staff(request), reader, now=clock.now(), note=note),
        done=_("The ban is lifted."),
        back=reverse("backoffice:reader", args=[reader.pk]),
    )


@librarian_required
@require_POST
def reader_wechat_unbind(request: HttpRequest, reader_id: int) -> HttpResponse:
    reader = get_object_or_404(Reader, pk=reader_id)
    return change_and_go_back(
        request,
        lambda: wechat_services.unbind(staff(request), reader, now=clock.now()),
        done=_("The card is no longer bound to WeChat."),
        back=reverse("backoffice:reader", args=[reader.pk]),
    )


@librarian_required
@require_POST
def violation_forgive(request: HttpRequest, violation_id: int) -> HttpResponse:
    violation = get_object_or_404(Violation, pk=violation_id)
    note = request.POST.get("note", "")
    return change_and_go_back(
        request,
        lambda: reader_services.forgive(staff(request), violation, now=clock.now(), note=note),
        done=_("The violation is forgiven."),
        back=reverse("backoffice:reader", args=[violation.reader_id]),
    )


@administrator_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Librarians and administrators, and a form to make a reader a librarian."""
    people = Reader.objects.filter(Q(is_staff=True) | Q(is_superuser=True)).order_by(
        "-is_superuser", "card_number"
    )
    return render(request, "backoffice/staff.html", {"people": people})


@administrator_required
@require_POST
def reader_staff(request: HttpRequest, reader_id: int | None = None) -> HttpResponse:
    """Make a reader a librarian (librarian=1) or not (librarian=0)."""
    if reader_id is None:
        card = request.POST.get("card_number", "").strip()
        reader = Reader.objects.filter(card_number=card).first()
        if reader is None:
            messages.error(request, _("No reader has the card number %(card)s.") % {"card": card})
            return redirect("backoffice:staff")
    else:
        reader = get_object_or_404(Reader, pk=reader_id)
    librarian = request.POST.get("librarian") == "1"
    try:
        services.set_librarian(staff(request), reader, librarian=librarian, now=clock.now())
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        if librarian:
            done = _("%(reader)s is now a librarian.")
        else:
            done = _("%(reader)s is no longer a librarian.")
        messages.success(request, done % {"reader": reader})
    if request.POST.get("back") == "staff" or reader_id is None:
        return redirect("backoffice:staff")
    return redirect("backoffice:reader", reader_id=reader.pk)
