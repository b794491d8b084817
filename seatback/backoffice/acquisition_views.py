"""The acquisitions queue: readers' purchase requests, filtered, moved on, exported."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from seatback.backoffice.access import change_and_go_back, librarian_required, staff
from seatback.catalogue import purchases
from seatback.catalogue.models import PurchaseRequest, PurchaseSupport
from seatback.core import clock

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading = + - @ gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel on a Chinese Windows reads UTF-8 with a BOM
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([formula_safe(cell) for cell in row])
    return response


def _queue(request: HttpRequest) -> tuple[QuerySet[PurchaseRequest], dict[str, str]]:
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    found = PurchaseRequest.objects.annotate(readers=Count("supports")).prefetch_related(
        Prefetch("supports", queryset=PurchaseSupport.objects.select_related("reader"))
    )
    if status in PurchaseRequest.Status.values:
        found = found.filter(status=status)
    else:
        status = ""
    if query:
        found = found.filter(Q(isbn__contains=query.replace("-", "")) | Q(title__icontains=query))
    return found.order_by("-readers", "created_at", "id"), {"status": status, "q": query}


@librarian_required
def acquisitions(request: HttpRequest) -> HttpResponse:
    found, filters = _queue(request)
    if request.GET.get("format") == "csv":
        lines = (
            [
                r.isbn,
                r.title,
                r.get_status_display(),  # type: ignore[attr-defined]
                r.readers,  # type: ignore[attr-defined]
                " / ".join(s.note for s in r.supports.all() if s.note),
                " ".join(s.reader.card_number for s in r.supports.all()),
                r.created_at.isoformat(),
                r.reason,
            ]
            for r in found
        )
        header = [
            "isbn",
            "title",
            "status",
            "readers",
            "notes",
            "card_numbers",
            "created_at",
            "reason",
        ]
        return csv_response("purchase-requests.csv", header, lines)
    rows = [(r, purchases.NEXT.get(r.status, ())) for r in found[:200]]
    return render(
        request,
        "backoffice/acquisitions.html",
        {
            "rows": rows,
            "filters": filters,
            "statuses": PurchaseRequest.Status.choices,
            "now": clock.now(),
        },
    )


@librarian_required
@require_POST
def acquisition_change(request: HttpRequest, request_id: int) -> HttpResponse:
    purchase = get_object_or_404(PurchaseRequest, pk=request_id)
    status = request.POST.get("status", "")
    labels = dict(PurchaseRequest.Status.choices)
    return change_and_go_back(
        request,
        lambda: purchases.advance(
            purchase,
            status,
            by=staff(request),
            reason=request.POST.get("reason", ""),
            now=clock.now(),
        ),
        done=_("Request %(isbn)s: %(status)s. The readers behind it are told.")
        % {"isbn": purchase.isbn, "status": labels.get(status, status)},
        back=reverse("acquisitions:queue"),
    )
