"""/library/isbn: a scanned or typed ISBN: where the book is, or a purchase request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.test import Client

from seatback.catalogue.marc import import_file
from seatback.catalogue.models import PurchaseRequest
from seatback.readers.models import Reader
from tests.catalogue.marcfiles import THREE_BODY, write
from tests.pages.conftest import page_text


def test_a_book_the_library_has_says_where_it_is(
    client_for: Callable[..., Client], alice: Reader, tmp_path: Path
) -> None:
    import_file(str(write(tmp_path / "b.iso", THREE_BODY, "gbk")))
    text = page_text(client_for(alice, "en").get("/library/isbn", {"isbn": "7536692935"}))
    assert "ISBN 978-7-5366-9293-0" in text
    assert "The library already has this book:" in text
    assert "三体Ⅱ：黑暗森林 · Call number: I247.55/L53:2 · Where: 二楼 中文图书借阅室" in text
    assert "Ask the library to buy it" not in text


def test_a_bad_checksum_is_refused(client_for: Callable[..., Client], alice: Reader) -> None:
    text = page_text(client_for(alice, "en").get("/library/isbn", {"isbn": "9787536692931"}))
    assert "That is not a valid ISBN" in text
    response = client_for(alice, "en").post("/library/isbn", {"isbn": "7536692936"}, follow=True)
    assert "That is not a valid ISBN" in page_text(response)
    assert PurchaseRequest.objects.count() == 0


def test_a_book_it_lacks_is_requested_and_a_second_reader_joins(
    client_for: Callable[..., Client], alice: Reader, bob: Reader
) -> None:
    alices = client_for(alice, "en")
    assert "Ask the library to buy it" in page_text(
        alices.get("/library/isbn", {"isbn": "9780596000271"})
    )
    sent = alices.post(
        "/library/isbn", {"isbn": "9780596000271", "note": "课程参考书"}, follow=True
    )
    assert "your purchase request was sent" in page_text(sent)
    assert "My purchase requests" in page_text(sent) and "9780596000271 · new" in page_text(sent)
    bobs = client_for(bob, "en")
    asked = page_text(bobs.get("/library/isbn", {"isbn": "0-596-00027-8"}))
    assert "Someone has already asked for this book (now: new)" in asked
    joined = bobs.post("/library/isbn", {"isbn": "0596000278"}, follow=True)
    assert "your request joins theirs" in page_text(joined)
    assert PurchaseRequest.objects.count() == 1
    assert PurchaseRequest.objects.get().supports.count() == 2


def test_signed_out_readers_cannot_ask(db: None) -> None:
    assert Client().post("/library/isbn", {"isbn": "9780596000271"}).status_code == 302
    assert PurchaseRequest.objects.count() == 0
