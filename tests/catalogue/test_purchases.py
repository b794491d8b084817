"""Purchase requests: ISBN checks, joining, the whole life, the readers' notices."""

from __future__ import annotations

import pytest
from django.utils import translation

from seatback.audit.models import AuditEntry
from seatback.catalogue import purchases
from seatback.catalogue.models import PurchaseRequest
from seatback.core.errors import Refusal
from seatback.notifications.models import Notice
from seatback.notifications.services import sentence
from seatback.readers.models import Reader
from tests.conftest import at

NOW = at("10:00")


@pytest.mark.parametrize(
    "typed",
    ["9787536692931", "978-7-5366-9293-9", "7536692936", "753669293X", "12345", "", "abc"],
)
def test_a_bad_isbn_is_refused(alice: Reader, typed: str) -> None:
    with pytest.raises(Refusal) as refused:
        purchases.request_purchase(alice, typed, now=NOW)
    assert refused.value.code == "invalid_isbn"
    assert PurchaseRequest.objects.count() == 0


@pytest.mark.parametrize(
    "typed", ["9787536692930", "978-7-5366-9293-0", "ISBN 7536692935", "isbn:7-5366-9293-5"]
)
def test_isbn_10_and_13_in_any_form_are_the_same_book(alice: Reader, typed: str) -> None:
    done = purchases.request_purchase(alice, typed, now=NOW)
    assert done.request.isbn == "9787536692930"


def test_the_same_book_asked_again_joins_the_first_request(
    alice: Reader, bob: Reader, carol: Reader
) -> None:
    first = purchases.request_purchase(alice, "9787536692930", note="for my thesis", now=NOW)
    second = purchases.request_purchase(bob, "7536692935", note="me too", now=NOW)
    again = purchases.request_purchase(alice, "9787536692930", now=NOW)
    assert not first.joined and second.joined and again.joined
    assert second.request.pk == first.request.pk
    assert PurchaseRequest.objects.count() == 1
    notes = list(first.request.supports.values_list("reader__name", "note"))
    assert notes == [("Alice 李", "for my thesis"), ("Bob 王", "me too")]


def test_a_request_through_its_whole_life_tells_every_reader(
    alice: Reader, bob: Reader, lin: Reader
) -> None:
    request = purchases.request_purchase(alice, "9787536692930", title="三体Ⅱ", now=NOW).request
    purchases.request_purchase(bob, "9787536692930", now=NOW)
    for step in ("accepted", "ordered", "arrived"):
        purchases.advance(request, step, by=lin, now=NOW)
    request.refresh_from_db()
    assert request.status == "arrived"
    with translation.override("en"):
        told = [sentence(n) for n in Notice.objects.filter(reader=bob).order_by("id")]
    assert told == [
        "Your purchase request for 三体Ⅱ was received.",
        "The library accepted your purchase request for 三体Ⅱ.",
        "The library has ordered 三体Ⅱ.",
        "三体Ⅱ has arrived at the library.",
    ]
    assert Notice.objects.filter(reader=alice).count() == 4
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["purchase.accepted", "purchase.ordered", "purchase.arrived"]


def test_declining_needs_a_reason_and_the_book_may_be_asked_for_again(
    alice: Reader, bob: Reader, lin: Reader
) -> None:
    request = purchases.request_purchase(alice, "9787536692930", now=NOW).request
    with pytest.raises(Refusal):
        purchases.advance(request, "declined", by=lin, now=NOW)
    purchases.advance(request, "declined", by=lin, reason="已有电子版", now=NOW)
    with translation.override("en"):
        last = sentence(Notice.objects.filter(reader=alice).order_by("id").last())  # type: ignore[arg-type]
    assert last == "Your purchase request for 978-7-5366-9293-0 was declined: 已有电子版"
    again = purchases.request_purchase(bob, "9787536692930", now=NOW)
    assert not again.joined and again.request.pk != request.pk


def test_steps_cannot_be_skipped_or_undone(alice: Reader, lin: Reader) -> None:
    request = purchases.request_purchase(alice, "9787536692930", now=NOW).request
    with pytest.raises(Refusal) as refused:
        purchases.advance(request, "arrived", by=lin, now=NOW)
    assert refused.value.code == "invalid_transition"
    purchases.advance(request, "accepted", by=lin, now=NOW)
    with pytest.raises(Refusal):
        purchases.advance(request, "new", by=lin, now=NOW)


def test_only_a_librarian_moves_a_request(alice: Reader, bob: Reader) -> None:
    request = purchases.request_purchase(alice, "9787536692930", now=NOW).request
    with pytest.raises(Refusal) as refused:
        purchases.advance(request, "accepted", by=bob, now=NOW)
    assert refused.value.code == "forbidden"
    request.refresh_from_db()
    assert request.status == "new"
