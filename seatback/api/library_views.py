"""The library's services over the API: loans and renewals, catalogue search, ISBN
look-up and purchase requests (docs/library-systems.md)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from seatback.api.decorators import api, json_body
from seatback.catalogue import purchases, selectors
from seatback.catalogue.models import PurchaseRequest
from seatback.circulation import services as circulation
from seatback.circulation.adapters import Loan, RenewResult
from seatback.core.errors import Refusal
from seatback.readers.models import Reader


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _loan(loan: Loan, now: datetime) -> dict[str, Any]:
    return {
        "item": loan.item,
        "title": loan.title,
        "due": _time(loan.due),
        "due_text": loan.due_text,
        "overdue": loan.overdue(now),
        "call_number": loan.call_number,
    }


def _result(result: RenewResult) -> dict[str, Any]:
    return {
        "item": result.item,
        "title": result.title,
        "renewed": result.renewed,
        "due": _time(result.due),
        "reason": result.reason,
        "message": circulation.outcome(result),
    }


def _request(purchase: PurchaseRequest) -> dict[str, Any]:
    return {
        "id": purchase.pk,
        "isbn": purchase.isbn,
        "title": purchase.title,
        "status": purchase.status,
        "reason": purchase.reason,
        "created_at": _time(purchase.created_at),
    }


@api("GET")
def loans(request: HttpRequest, *, reader: Reader, now: datetime) -> JsonResponse:
    return JsonResponse(
        {"loans": [_loan(loan, now) for loan in circulation.loans(reader, now=now)]}
    )


@api("POST", limit="intents")
def renew(request: HttpRequest, item: str, *, reader: Reader, now: datetime) -> JsonResponse:
    return JsonResponse(_result(circulation.renew(reader, item, now=now)))


@api("POST", limit="intents")
def renew_all(request: HttpRequest, *, reader: Reader, now: datetime) -> JsonResponse:
    result = circulation.renew_all(reader, now=now)
    return JsonResponse(
        {
            "whole": result.whole,
            "renewed": result.renewed,
            "results": [_result(r) for r in result.results],
        }
    )


@api("GET", signed_in=False, limit="search")
def search(request: HttpRequest, *, reader: Reader | None, now: datetime) -> JsonResponse:
    query = request.GET.get("q", "")
    try:
        start = int(request.GET.get("start", "0"))
    except ValueError:
        raise Refusal("invalid_request", _("start must be a whole number.")) from None
    page = selectors.search(query, start)
    return JsonResponse(
        {"total": page.total, "start": page.start, "hits": [asdict(hit) for hit in page.hits]}
    )


@api("GET", limit="search")
def isbn(request: HttpRequest, number: str, *, reader: Reader, now: datetime) -> JsonResponse:
    isbn13 = purchases.parse_isbn(number)
    asked = (
        PurchaseRequest.objects.filter(isbn=isbn13)
        .exclude(status=PurchaseRequest.Status.DECLINED)
        .first()
    )
    return JsonResponse(
        {
            "isbn": isbn13,
            "owned": [asdict(hit) for hit in selectors.by_isbn(isbn13)],
            "request": _request(asked) if asked else None,
        }
    )


@api("GET", "POST", limit="intents")
@json_body
def purchase_requests(
    request: HttpRequest, *, reader: Reader, now: datetime, body: dict[str, Any]
) -> JsonResponse:
    if request.method == "GET":
        mine = PurchaseRequest.objects.filter(supports__reader=reader).distinct()
        return JsonResponse({"requests": [_request(p) for p in mine.order_by("-created_at")[:50]]})
    fields = {key: body.get(key, "") for key in ("isbn", "note", "title")}
    if not all(isinstance(value, str) for value in fields.values()):
        raise Refusal("invalid_request", _("isbn, note and title must be text."))
    done = purchases.request_purchase(
        reader, fields["isbn"], note=fields["note"], title=fields["title"], now=now
    )
    return JsonResponse(
        {"joined": done.joined, "request": _request(done.request)},
        status=200 if done.joined else 201,
    )
