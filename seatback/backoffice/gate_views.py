"""Back-office pages for entrance gates: the live headcount (librarians) and the buildings,
gates and their keys (administrators). Changes go through gates.changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.backoffice.access import administrator_required, librarian_required, staff
from seatback.backoffice.forms import local_today, parse_local_date
from seatback.core import clock
from seatback.core.errors import Refusal
from seatback.gates import changes
from seatback.gates.models import Building, Gate, RejectedDelivery
from seatback.gates.selectors import day_started, inside_counts, never_left

HEADCOUNT_REFRESH_SECONDS = 10


@librarian_required
def headcount(request: HttpRequest) -> HttpResponse:
    """People inside each building and floor now, today's passages, capacity warnings, and
    who never went out on a day (yesterday by default)."""
    now = clock.now()
    yesterday = local_today(now) - timedelta(days=1)
    day = parse_local_date(request.GET.get("day", "")) or yesterday
    counts = sorted(inside_counts(now).values(), key=lambda c: c.building)
    return render(
        request,
        "backoffice/headcount.html",
        {
            "counts": counts,
            "since": day_started(now),
            "now": now,
            "day": day,
            "stayed": never_left(day),
            "rejected": RejectedDelivery.objects.filter(at__gte=now - timedelta(days=1)).count(),
            "refresh": HEADCOUNT_REFRESH_SECONDS,
        },
    )


def _gates_page(request: HttpRequest, **extra: Any) -> HttpResponse:
    return render(
        request,
        "backoffice/gates.html",
        {
            "buildings": Building.objects.prefetch_related("gates"),
            "rejected": RejectedDelivery.objects.select_related("gate")[:20],
            **extra,
        },
    )


@administrator_required
def gates(request: HttpRequest) -> HttpResponse:
    return _gates_page(request)


@administrator_required
@require_POST
def building_save(request: HttpRequest) -> HttpResponse:
    try:
        changes.save_building(
            staff(request),
            request.POST.get("name", ""),
            request.POST.get("capacity", ""),
            request.POST.get("warn_percent", ""),
            now=clock.now(),
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Building saved."))
    return redirect("gates_backoffice:gates")


@administrator_required
@require_POST
def gate_add(request: HttpRequest, building_id: int) -> HttpResponse:
    building = get_object_or_404(Building, pk=building_id)
    try:
        gate = changes.add_gate(
            staff(request),
            building,
            request.POST.get("code", ""),
            request.POST.get("name", ""),
            request.POST.get("floor", ""),
            now=clock.now(),
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("gates_backoffice:gates")
    # The key is shown once, on this answer, never stored in a message or a cookie.
    return _gates_page(request, shown_key=gate.key, shown_gate=gate)


@administrator_required
@require_POST
def gate_key(request: HttpRequest, gate_id: int) -> HttpResponse:
    gate = get_object_or_404(Gate, pk=gate_id)
    key = changes.replace_key(staff(request), gate, now=clock.now())
    return _gates_page(request, shown_key=key, shown_gate=gate)


@administrator_required
@require_POST
def gate_active(request: HttpRequest, gate_id: int) -> HttpResponse:
    gate = get_object_or_404(Gate, pk=gate_id)
    active = request.POST.get("active") == "1"
    changes.set_gate_active(staff(request), gate, active=active, now=clock.now())
    messages.success(request, _("Gate opened.") if active else _("Gate turned off."))
    return redirect("gates_backoffice:gates")
